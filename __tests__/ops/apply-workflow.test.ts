/**
 * The apply-after-merge workflow: its definition, the stateful-change gate, and its shell
 * steps run for real against stub terraform (and a real git repository for the
 * acknowledgements), so the order, the stop at the first failure and the gate are
 * exercised without GitHub or AWS.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACKNOWLEDGEMENTS_FILE, gate, parseAcknowledgements, renderGate } from "../../ops/apply-gate";
import { PLATFORM_ORDER, SAMPLE_MANIFEST } from "./support/manifest";
import { FIXTURES, loadFixture } from "./support/plans";
import { stepNamed, type Step } from "./support/workflow";
import { NPX_TSX_STUB, PROJECT_ROOT, runBash, stubBin, tempDir, writeCdktfOut } from "./support/shell";

const text = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "apply.yml"), "utf8");
const workflow = parse(text) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: { apply: { environment: string; concurrency: Record<string, unknown>; strategy: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; steps: Step[] } };
};
const job = workflow.jobs.apply;
const step = (name: string): Step => stepNamed(job.steps, name, "apply.yml");

describe("apply workflow definition", () => {
  it("runs on merges to main (and by hand), with read and OIDC permissions only", () => {
    expect(workflow.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("applies each environment behind its GitHub environment, one at a time, never two applies of one environment at once", () => {
    expect(job.environment).toBe("${{ matrix.environment }}");
    expect(job.env.PLATFORM_ENV).toBe("${{ matrix.environment }}");
    expect(job.strategy).toEqual({ "max-parallel": 1, "fail-fast": true, matrix: { environment: "${{ fromJSON(vars.APPLY_ENVIRONMENTS || '[\"prod\"]') }}" } });
    expect(job.concurrency).toEqual({ group: "apply-${{ matrix.environment }}", "cancel-in-progress": false });
  });

  it("assumes its own write role through OIDC, never the plan role or stored keys", () => {
    const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with ?? {};
    expect(aws["role-to-assume"]).toBe("${{ vars.AWS_APPLY_ROLE_ARN }}");
    expect(text).not.toContain("AWS_PLAN_ROLE_ARN");
    expect(text).not.toMatch(/secrets\.AWS_/);
  });

  it("pins every action to a full commit SHA, the same ones the plan workflow uses", () => {
    const plan = readFileSync(join(PROJECT_ROOT, ".github", "workflows", "plan.yml"), "utf8");
    const uses = job.steps.filter((s) => s.uses).map((s) => s.uses as string);
    expect(uses.length).toBe(4);
    for (const u of uses) {
      expect(u).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
      expect(plan).toContain(u);
    }
  });

  it("never synthesizes with stand-ins: a real apply reads real upstream values", () => {
    expect(text).not.toContain("PLATFORM_PLAN_STANDINS");
    expect(text).not.toContain("PLATFORM_PLAN_UNAPPLIED");
    expect(step("Synthesize").run).toBe("npx cdktf synth");
  });

  it("applies the saved plan it summarized, after the gate", () => {
    const run = step("Plan and apply each stack in dependency order").run ?? "";
    expect(run).toContain("npx tsx ops/stack-order.ts cdktf.out/manifest.json > plans/order.txt");
    const order = ["plan -input=false -no-color -out=tfplan", "show -json tfplan", "ops/apply-gate.ts", "apply -input=false -no-color tfplan"].map((s) => run.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });
});

describe("the stateful-change gate", () => {
  const plan = loadFixture("plan-stateful.json");

  it("stops on each stateful replace or destroy that is not acknowledged, and says which lines to add", () => {
    const none = new Set<string>();
    const result = gate("workloads", plan, none);
    expect(result.unacknowledged.map((c) => c.address)).toEqual(["aws_dynamodb_table.orders", "aws_kms_key.secrets", "aws_eks_cluster.main"]);
    const md = renderGate(result, none);
    expect(md).toContain("- 🛑 **not acknowledged**: `aws_dynamodb_table.orders` would be REPLACED (its items are lost)");
    expect(md).toContain(`merge a change that adds these lines to \`${ACKNOWLEDGEMENTS_FILE}\`:\n\n\`\`\`\nworkloads aws_dynamodb_table.orders\nworkloads aws_kms_key.secrets\nworkloads aws_eks_cluster.main\n\`\`\``);
  });

  it("lets through what the change acknowledged, per stack and address", () => {
    const acks = parseAcknowledgements("# why: rebuilding\nworkloads aws_dynamodb_table.orders\nworkloads   aws_kms_key.secrets  # rotated\ncluster aws_eks_cluster.main\n");
    expect(gate("workloads", plan, acks).unacknowledged.map((c) => c.address)).toEqual(["aws_eks_cluster.main"]);
    acks.add("workloads aws_eks_cluster.main");
    const result = gate("workloads", plan, acks);
    expect(result.unacknowledged).toEqual([]);
    expect(renderGate(result, acks)).toContain("- acknowledged: `aws_eks_cluster.main` would be DESTROYED");
    expect(() => parseAcknowledgements("aws_dynamodb_table.orders\n")).toThrow('"aws_dynamodb_table.orders" is not "<stack> <resource address>"');
  });
});

/** Stub terraform: every stack plans from a fixture; $FAIL_APPLY names a stack whose apply fails. */
const TERRAFORM_STUB = `
dir="\${1#-chdir=}"; stack=$(basename "$dir"); shift
echo "terraform $stack $1" >> "$CALLS"
case "$1" in
  init) cat > /dev/null ;;
  plan) touch "$dir/tfplan" ;;
  show) if [ "$stack" = "$STATEFUL" ]; then cat "$FIXTURES/plan-stateful.json"; else cat "$FIXTURES/plan-stateless.json"; fi ;;
  apply) [ "$stack" != "$FAIL_APPLY" ] || { echo "Error: boom" >&2; exit 1; } ;;
esac`;

function workspace(): string {
  const dir = tempDir("apply-run-");
  symlinkSync(join(PROJECT_ROOT, "ops"), join(dir, "ops"));
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), readFileSync(join(PROJECT_ROOT, "package.json")));
  writeCdktfOut(dir, SAMPLE_MANIFEST, "s3");
  mkdirSync(join(dir, "plans"));
  writeFileSync(join(dir, "plans", "acknowledged.txt"), "");
  return dir;
}

function applyStep(dir: string, env: Record<string, string>) {
  const script = join(dir, "apply.sh");
  writeFileSync(script, step("Plan and apply each stack in dependency order").run ?? "");
  const result = runBash(["-e", script], {
    cwd: dir,
    bin: stubBin({ terraform: TERRAFORM_STUB, npx: NPX_TSX_STUB }),
    env: { CALLS: join(dir, "calls.log"), FIXTURES, PLATFORM_ENV: "prod", GITHUB_SHA: "0123456789abcdef0123", GITHUB_STEP_SUMMARY: join(dir, "summary.md"), TF_PLUGIN_CACHE_DIR: join(dir, "plugins"), STATEFUL: "", FAIL_APPLY: "", ...env },
  });
  const calls = existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n") : [];
  return { result, calls, summary: readFileSync(join(dir, "summary.md"), "utf8") };
}

describe("apply workflow steps, run against stubs", () => {
  it("plans, gates and applies every stack in manifest order, with the summaries in the job summary", () => {
    const { result, calls, summary } = applyStep(workspace(), {});
    expect(result.status).toBe(0);
    expect(calls.filter((c) => c.endsWith(" apply")).map((c) => c.split(" ")[1])).toEqual(PLATFORM_ORDER);
    for (const s of PLATFORM_ORDER) expect(calls.indexOf(`terraform ${s} apply`)).toBe(calls.indexOf(`terraform ${s} show`) + 1);
    expect(summary.startsWith("## Apply — `prod` at `0123456789ab`\n")).toBe(true);
    expect(summary).toContain("### `workloads`\n\n1 to add, 1 to change, 2 to replace, 1 to destroy.");
  }, 90_000);

  it("stops at the first failing stack and touches nothing after it", () => {
    const { result, calls, summary } = applyStep(workspace(), { FAIL_APPLY: "cluster" });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("::error::terraform apply of cluster failed.");
    expect(calls.filter((c) => c.endsWith(" apply")).map((c) => c.split(" ")[1])).toEqual(["network", "cluster"]);
    expect(calls.some((c) => c.startsWith("terraform mesh"))).toBe(false);
    expect(summary).toContain("**Stopped at `cluster`:** terraform apply of cluster failed. Stacks after it were not touched.");
  }, 90_000);

  it("does not apply a stack whose plan destroys stateful resources unless the change acknowledged them", () => {
    const dir = workspace();
    const blocked = applyStep(dir, { STATEFUL: "mesh" });
    expect(blocked.result.status).toBe(1);
    expect(blocked.calls).not.toContain("terraform mesh apply");
    expect(blocked.calls).not.toContain("terraform workloads init");
    expect(blocked.summary).toContain("mesh aws_dynamodb_table.orders\nmesh aws_kms_key.secrets\nmesh aws_eks_cluster.main");

    const ok = workspace();
    writeFileSync(join(ok, "plans", "acknowledged.txt"), "mesh aws_dynamodb_table.orders\nmesh aws_kms_key.secrets\nmesh aws_eks_cluster.main\n");
    const applied = applyStep(ok, { STATEFUL: "mesh" });
    expect(applied.result.status).toBe(0);
    expect(applied.calls).toContain("terraform mesh apply");
  }, 120_000);

  it("only lines the pushed change adds to the acknowledgements file count", () => {
    const repo = tempDir("apply-acks-");
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" }).trim();
    git("init", "-q");
    mkdirSync(join(repo, "ops"));
    writeFileSync(join(repo, ACKNOWLEDGEMENTS_FILE), "# header\nworkloads aws_dynamodb_table.table-old\n");
    git("add", ".");
    git("commit", "-qm", "first");
    const before = git("rev-parse", "HEAD");
    appendFileSync(join(repo, ACKNOWLEDGEMENTS_FILE), "workloads aws_dynamodb_table.table-users\n");
    git("commit", "-qam", "ack");
    const after = git("rev-parse", "HEAD");
    const script = join(repo, "acks.sh");
    writeFileSync(script, step("Read the merged change's acknowledgements").run ?? "");
    const run = runBash(["-e", script], { cwd: repo, bin: stubBin({}), env: { BEFORE: before, AFTER: after } });
    expect(run.status).toBe(0);
    expect(readFileSync(join(repo, "plans", "acknowledged.txt"), "utf8")).toBe("workloads aws_dynamodb_table.table-users\n");
    const manual = runBash(["-e", script], { cwd: repo, bin: stubBin({}), env: { BEFORE: "", AFTER: after } });
    expect(manual.status).toBe(0);
    expect(readFileSync(join(repo, "plans", "acknowledged.txt"), "utf8")).toBe("");
  }, 30_000);
});
