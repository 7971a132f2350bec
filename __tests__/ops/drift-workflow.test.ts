/**
 * The daily drift workflow: its definition, and its two shell steps run for real against
 * stub terraform and a local fake of GitHub's issues API, per environment: no drift opens
 * nothing, drift opens the issue, drift again updates it, no drift later closes it.
 */
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { driftMarker } from "../../ops/drift/issue";
import { SAMPLE_MANIFEST } from "./support/manifest";
import { FIXTURES } from "./support/plans";
import { stepNamed, type Step } from "./support/workflow";
import { NPX_TSX_STUB, PROJECT_ROOT, stubBin, tempDir, writeCdktfOut } from "./support/shell";

const text = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "drift.yml"), "utf8");
const workflow = parse(text) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: { drift: { strategy: { matrix: Record<string, string> }; permissions: Record<string, string>; env: Record<string, string>; environment?: string; steps: Step[] } };
};
const job = workflow.jobs.drift;
const step = (name: string): Step => stepNamed(job.steps, name, "drift.yml");

describe("drift workflow definition", () => {
  it("runs daily and by hand, per environment, with read, OIDC and issue permissions only", () => {
    expect(workflow.on).toEqual({ schedule: [{ cron: "17 5 * * *" }], workflow_dispatch: null });
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
    expect(job.strategy.matrix.environment).toBe("${{ fromJSON(vars.APPLY_ENVIRONMENTS || '[\"prod\"]') }}");
    expect(job.env.PLATFORM_ENV).toBe("${{ matrix.environment }}");
  });

  it("assumes the read-only plan role, never the apply role, and plans what main applied", () => {
    const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with ?? {};
    expect(aws["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(text).not.toContain("AWS_APPLY_ROLE_ARN");
    expect(text).not.toMatch(/secrets\.AWS_/);
    // No GitHub environment: its required reviewers would hold a read-only check every day.
    expect(job.environment).toBeUndefined();
    expect(job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.ref).toBe("main");
  });

  it("never applies, never takes the state lock and never uses stand-ins", () => {
    const run = step("Plan each applied stack").run ?? "";
    expect(run).toContain("plan -input=false -no-color -lock=false -out=tfplan");
    expect(text).not.toMatch(/terraform[^\n]* apply/);
    expect(text).not.toContain("PLATFORM_PLAN_STANDINS");
  });

  it("pins every action to the commit the plan workflow uses", () => {
    const plan = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "plan.yml"), "utf8");
    const uses = job.steps.filter((s) => s.uses).map((s) => s.uses as string);
    expect(uses.length).toBe(4);
    for (const u of uses) {
      expect(u).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
      expect(plan).toContain(u);
    }
  });
});

/**
 * Stub terraform: $UNAPPLIED names a stack with empty state; $DRIFTED one whose plan changes
 * things; $FAIL_PLAN one whose plan fails; any apply or locking plan is an error.
 */
const TERRAFORM_STUB = `
dir="\${1#-chdir=}"; stack=$(basename "$dir"); shift
echo "terraform $stack $*" >> "$CALLS"
case "$1" in
  init) ;;
  state) [ "$stack" != "$STATE_FAILS" ] || { echo "Error: AccessDenied: s3:GetObject" >&2; exit 1; }
         [ "$stack" = "$UNAPPLIED" ] || echo '{"version":4}' ;;
  plan) [[ " $* " == *" -lock=false "* ]] || { echo "plan must not lock" >&2; exit 9; }
        [ "$stack" != "$FAIL_PLAN" ] || { echo "Error: AccessDenied" >&2; exit 1; }; touch "$dir/tfplan" ;;
  show) if [ "$stack" = "$DRIFTED" ]; then cat "$FIXTURES/plan-stateful.json"; else cat "$FIXTURES/plan-no-changes.json"; fi ;;
  *) echo "unexpected terraform $1" >&2; exit 9 ;;
esac`;

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: string;
}

/** A local stand-in for api.github.com's issues endpoints, over HTTP. */
const issues: FakeIssue[] = [];
let apiUrl = "";
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let raw = "";
  req.on("data", (c: Buffer) => (raw += c.toString()));
  req.on("end", () => {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== "Bearer test-token") return send(401, { message: "Bad credentials" });
    const url = new URL(req.url ?? "/", apiUrl);
    if (req.method === "GET" && url.pathname === "/repos/acme/platform/issues") {
      return send(200, issues.filter((i) => i.state === "open" && i.labels.includes(url.searchParams.get("labels") ?? "")));
    }
    if (req.method === "POST" && url.pathname === "/repos/acme/platform/issues") {
      const issue = { number: issues.length + 1, title: body.title as string, body: body.body as string, labels: body.labels as string[], state: "open" };
      issues.push(issue);
      return send(201, issue);
    }
    const m = /^\/repos\/acme\/platform\/issues\/(\d+)(\/comments)?$/.exec(url.pathname);
    const issue = issues.find((i) => i.number === Number(m?.[1]));
    if (m && issue) {
      if (!m[2]) Object.assign(issue, body);
      return send(200, issue);
    }
    send(404, { message: "Not Found" });
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs bash without blocking the event loop, so the fake API above can answer. */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", script], { cwd, env: { PATH: `${env.BIN}:${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? "/tmp", ...env } });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", (code) => resolve({ status: code ?? -1, out }));
  });
}

async function driftRun(environment: string, env: { DRIFTED?: string; UNAPPLIED?: string; FAIL_PLAN?: string; STATE_FAILS?: string }) {
  const dir = tempDir("drift-run-");
  for (const d of ["ops", "node_modules", "stacks"]) symlinkSync(join(PROJECT_ROOT, d), join(dir, d));
  writeFileSync(join(dir, "package.json"), readFileSync(join(PROJECT_ROOT, "package.json")));
  writeCdktfOut(dir, SAMPLE_MANIFEST, "s3");
  mkdirSync(join(dir, "plans"));
  writeFileSync(join(dir, "plan.sh"), step("Plan each applied stack").run ?? "");
  // The report step's `git rev-parse HEAD` needs a repository.
  writeFileSync(join(dir, "report.sh"), (step("Open, update or close the drift issue").run ?? "").replace("commit=$(git rev-parse HEAD)", "commit=0123456789abcdef"));
  const vars = {
    BIN: stubBin({ terraform: TERRAFORM_STUB, npx: NPX_TSX_STUB }),
    CALLS: join(dir, "calls.log"),
    FIXTURES,
    PLATFORM_ENV: environment,
    TF_PLUGIN_CACHE_DIR: join(dir, "plugins"),
    GITHUB_TOKEN: "test-token",
    GITHUB_REPOSITORY: "acme/platform",
    GITHUB_API_URL: apiUrl,
    RUN_URL: "https://github.com/acme/platform/actions/runs/1",
    DRIFTED: "",
    UNAPPLIED: "",
    FAIL_PLAN: "",
    STATE_FAILS: "",
    ...env,
  };
  const plan = await bash("plan.sh", dir, vars);
  const report = await bash("report.sh", dir, vars);
  return { plan, report, applied: readFileSync(join(dir, "plans", "applied.txt"), "utf8").trim().split("\n") };
}

describe("drift workflow steps, run against stubs and a fake GitHub", () => {
  it("plans only applied stacks; no drift → no issue; drift → opens; again → updates; gone → closes; per environment", async () => {
    const clean = await driftRun("prod", { UNAPPLIED: "workloads" });
    expect(clean.plan.status).toBe(0);
    expect(clean.applied).toEqual(["network", "cluster", "mesh"]);
    expect(clean.report).toEqual({ status: 0, out: "no drift in prod\n" });
    expect(issues).toEqual([]);

    const drift = await driftRun("prod", { DRIFTED: "mesh" });
    expect(drift.report.out).toBe("drift in prod: opened issue #1\n");
    expect(issues[0]?.body.startsWith(driftMarker("prod"))).toBe(true);
    expect(issues[0]?.body).toContain("### `mesh`");
    expect(issues[0]?.body).toContain("- `-` delete `aws_eks_cluster.main` (removed from the code) 🛑 stateful");

    expect((await driftRun("dev", { DRIFTED: "cluster" })).report.out).toBe("drift in dev: opened issue #2\n");
    const again = await driftRun("prod", { DRIFTED: "workloads" });
    expect(again.report.out).toBe("drift in prod: updated issue #1\n");
    expect(issues[0]?.body).toContain("### `workloads`");
    expect(issues[0]?.body).not.toContain("### `mesh`");

    expect((await driftRun("prod", {})).report.out).toBe("no drift in prod: closed issue #1\n");
    expect(issues.map((i) => [i.number, i.state])).toEqual([[1, "closed"], [2, "open"]]);
  }, 120_000);

  it("fails the job, and keeps the issue open, when an applied stack cannot be planned", async () => {
    const run = await driftRun("dev", { FAIL_PLAN: "mesh" });
    expect(run.plan.status).toBe(0);
    expect(run.report.status).toBe(2);
    expect(run.report.out).toContain("issue #2 left open");
    expect(issues[1]?.state).toBe("open");

    // A state the role cannot read is not "not applied": it fails too, instead of hiding drift.
    const unreadable = await driftRun("dev", { STATE_FAILS: "cluster" });
    expect(unreadable.applied).toContain("cluster");
    expect(unreadable.report.status).toBe(2);
    expect(issues[1]?.state).toBe("open");
  }, 60_000);
});
