/**
 * The pull-request plan workflow: its structure, and its shell steps run for
 * real against stub terraform and gh, so the loop, the comment and the
 * comment update are exercised without GitHub or AWS.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../../ops/plan-summary";
import { insecureEdgeWarning } from "../../stacks/constructs/edge/insecure-edge-warning";
import { parseManifest, stackOrder } from "../../ops/stack-order";
import { PLATFORM_ORDER, SAMPLE_MANIFEST } from "./support/manifest";
import { FIXTURES } from "./support/plans";
import { PROJECT_ROOT, runBash, stubBin, tempDir, writeCdktfOut } from "./support/shell";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}

const WORKFLOW_PATH = join(PROJECT_ROOT, ".github", "workflows", "plan.yml");
const workflowText = readFileSync(WORKFLOW_PATH, "utf8");
const workflow = parse(workflowText) as {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: { plan: { permissions: Record<string, string>; steps: Step[]; if: string } };
};
const steps = workflow.jobs.plan.steps;

function step(name: string): Step {
  const found = steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no step named "${name}" in ${WORKFLOW_PATH}`);
  return found;
}

function action(prefix: string): Step {
  const found = steps.find((s) => s.uses?.startsWith(`${prefix}@`));
  if (found === undefined) throw new Error(`no step uses ${prefix}`);
  return found;
}

describe("plan workflow definition", () => {
  it("runs on pull requests with OIDC and comment permissions only", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.jobs.plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(workflow.jobs.plan.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("pins every action to a full commit SHA", () => {
    const uses = steps.filter((s) => s.uses !== undefined).map((s) => s.uses as string);
    expect(uses.length).toBe(5);
    for (const u of uses) expect(u).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
  });

  it("installs like the README, with Node 20 and npm ci", () => {
    expect(action("actions/setup-node").with).toEqual({ "node-version": 20, cache: "npm" });
    expect(step("Install").run).toBe("npm ci");
  });

  it("pins Terraform 1.11.x without the wrapper", () => {
    const tf = action("hashicorp/setup-terraform").with ?? {};
    expect(tf.terraform_version).toMatch(/^1\.11\.\d+$/);
    expect(tf.terraform_wrapper).toBe(false);
  });

  it("takes AWS credentials from OIDC, never from stored keys", () => {
    const aws = action("aws-actions/configure-aws-credentials").with ?? {};
    expect(aws["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(Object.keys(aws)).not.toContain("aws-access-key-id");
    expect(workflowText).not.toMatch(/secrets\.AWS_/);
  });

  it("selects the environment with PLATFORM_ENV, prod by default", () => {
    expect(workflow.env.PLATFORM_ENV).toBe("${{ vars.PLATFORM_ENV || 'prod' }}");
    expect(step("Synthesize").run).toContain("npx cdktf synth | tee plans/synth.log");
  });

  it("reads the stack order from cdktf's manifest instead of naming stacks", () => {
    const plan = step("Plan each stack in dependency order").run ?? "";
    expect(plan).toContain("npx tsx ops/stack-order.ts cdktf.out/manifest.json > plans/order.txt");
    expect(plan).toContain("done 3< plans/order.txt");
    for (const s of steps) {
      for (const name of PLATFORM_ORDER) expect(s.run ?? "").not.toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it("finds its comment by the marker the renderer writes", () => {
    expect(step("Post or update the comment").env?.MARKER).toBe(COMMENT_MARKER);
  });

  it("uploads plan texts and logs, never the JSON plans that hold sensitive values", () => {
    const upload = action("actions/upload-artifact").with ?? {};
    expect(String(upload.path).trim().split("\n")).toEqual(["plans/*.txt", "plans/*.log"]);
    expect(upload.name).toBe("plans-${{ env.PLATFORM_ENV }}");
  });
});

/** A project directory the workflow's steps can run in: ops/ and node_modules linked, cdktf.out written. */
function workspace(backend: "s3" | "local" = "s3"): string {
  const dir = tempDir("plan-run-");
  symlinkSync(join(PROJECT_ROOT, "ops"), join(dir, "ops"));
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), readFileSync(join(PROJECT_ROOT, "package.json")));
  writeCdktfOut(dir, SAMPLE_MANIFEST, backend);
  return dir;
}

/**
 * Stub terraform: cluster's upstream state is missing; the others plan from fixtures.
 * `init` drains stdin, as a real program may: the loop must not feed it the stack list.
 */
const TERRAFORM_STUB = `
dir="\${1#-chdir=}"; stack=$(basename "$dir"); shift
echo "terraform $stack $*" >> "$CALLS"
case "$1" in
  init) cat > /dev/null; echo "Terraform has been successfully initialized!" ;;
  plan)
    if [ "$stack" = cluster ]; then
      printf 'Error: Unable to find remote state\\n\\n  with data.terraform_remote_state.remote-state-network,\\n' >&2
      exit 1
    fi
    touch "$dir/tfplan"; echo "Plan: 1 to add." ;;
  show)
    if [ "$2" = -json ]; then
      case "$stack" in network) cat "$FIXTURES/plan-stateless.json" ;; mesh) cat "$FIXTURES/plan-no-changes.json" ;; *) cat "$FIXTURES/plan-stateful.json" ;; esac
    else
      echo "plan text of $stack"
    fi ;;
esac`;

function runStep(name: string, dir: string, bin: string, env: Record<string, string> = {}) {
  const script = join(dir, `${name.replaceAll(" ", "-")}.sh`);
  writeFileSync(script, step(name).run ?? "");
  // GitHub runs `run:` scripts with `bash -e`.
  return runBash(["-e", script], {
    cwd: dir,
    bin,
    env: { CALLS: join(dir, "calls.log"), FIXTURES, PLATFORM_ENV: "prod", GITHUB_OUTPUT: join(dir, "github-output"), ...env },
  });
}

describe("plan workflow steps, run against stubs", () => {
  it("plans each stack in manifest order and writes one comment naming the blocked stack", () => {
    const dir = workspace();
    const bin = stubBin({ terraform: TERRAFORM_STUB });
    const plan = runStep("Plan each stack in dependency order", dir, bin, { TF_PLUGIN_CACHE_DIR: join(dir, "plugins") });
    expect(plan.status).toBe(0);
    expect(readFileSync(join(dir, "plans", "order.txt"), "utf8")).toBe(`${stackOrder(parseManifest(SAMPLE_MANIFEST)).join("\n")}\n`);
    const calls = readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");
    expect(calls.filter((c) => c.endsWith(" init -input=false -no-color")).map((c) => c.split(" ")[1])).toEqual(PLATFORM_ORDER);
    expect(calls).toContain("terraform network plan -input=false -no-color -lock=false -out=tfplan");
    expect(calls).toContain("terraform network show -json tfplan");
    expect(existsSync(join(dir, "plans", "cluster.json"))).toBe(false);
    expect(readFileSync(join(dir, "plans", "cluster.log"), "utf8")).toContain("Unable to find remote state");

    // What the Synthesize step captured: the platform's warning about an insecure edge.
    writeFileSync(join(dir, "plans", "synth.log"), `${insecureEdgeWarning("staging", ["frontend"])}\nSynthesized cdktf.out from config/environments/staging.ts\n`);
    const comment = runStep("Write the comment", dir, bin, {
      RUN_URL: "https://github.com/acme/platform/actions/runs/7",
      HEAD_SHA: "0123456789abcdef0123456789abcdef01234567",
    });
    expect(comment.status).toBe(0);
    expect(readFileSync(join(dir, "github-output"), "utf8")).toBe("status=0\n");
    const body = readFileSync(join(dir, "comment.md"), "utf8");
    expect(body.startsWith(`${COMMENT_MARKER}\n## Terraform plan — \`prod\``)).toBe(true);
    expect(body).toContain("| `network` | 📝 changes | 1 | 1 | 2 | 1 |");
    expect(body).toContain("| `cluster` | ⏸️ blocked: apply `network` first | – | – | – | – |");
    expect(body).toContain("artifact `plans-prod` of [this workflow run](https://github.com/acme/platform/actions/runs/7)");
    expect(body).toContain("[!CAUTION]");
    expect(body).toContain("> [!WARNING]\n> ⚠️ **Synth warning:** INSECURE PUBLIC EDGE: edge.insecurePlainHttpForThrowawayEnvironment is true in environment \"staging\".");
  }, 60_000);

  it("keeps the synth output for the comment and still fails when synth fails", () => {
    const dir = tempDir("synth-");
    const warning = insecureEdgeWarning("staging", ["frontend"]);
    const ok = runStep("Synthesize", dir, stubBin({ npx: `printf '%s\\n' "$WARNING"` }), { WARNING: warning });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(warning);
    expect(readFileSync(join(dir, "plans", "synth.log"), "utf8")).toBe(`${warning}\n`);
    const failed = runStep("Synthesize", tempDir("synth-"), stubBin({ npx: "echo partial; exit 3" }));
    expect(failed.status).toBe(3);
  }, 30_000);

  it("stops when a stack is not synthesized with the S3 backend", () => {
    const dir = workspace("local");
    const plan = runStep("Plan each stack in dependency order", dir, stubBin({ terraform: TERRAFORM_STUB }), {
      TF_PLUGIN_CACHE_DIR: join(dir, "plugins"),
    });
    expect(plan.status).toBe(1);
    expect(plan.stdout).toContain("::error::Stack network is not synthesized with the S3 backend for prod");
    expect(existsSync(join(dir, "calls.log"))).toBe(false);
  }, 60_000);

  const GH_STUB = `
echo "gh $*" >> "$CALLS"
if [ "$2" = --method ]; then cat > "$GH_BODY"; else echo "$GH_COMMENTS"; fi`;

  function postComment(existing: unknown[]) {
    const dir = tempDir("post-");
    writeFileSync(join(dir, "comment.md"), `${COMMENT_MARKER}\n## Terraform plan\n`);
    const result = runStep("Post or update the comment", dir, stubBin({ gh: GH_STUB }), {
      GITHUB_REPOSITORY: "acme/platform",
      PR: "12",
      MARKER: COMMENT_MARKER,
      GH_COMMENTS: JSON.stringify(existing),
      GH_BODY: join(dir, "body.json"),
    });
    const calls = readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");
    const body = existsSync(join(dir, "body.json")) ? (JSON.parse(readFileSync(join(dir, "body.json"), "utf8")) as unknown) : undefined;
    return { result, calls, body };
  }

  it("updates the comment it made before instead of adding one (tfcmt #199)", () => {
    const { result, calls, body } = postComment([
      { id: 1, user: { login: "octocat" }, body: `${COMMENT_MARKER} quoted by a human` },
      { id: 2, user: { login: "github-actions[bot]" }, body: "another bot comment" },
      { id: 3, user: { login: "github-actions[bot]" }, body: `${COMMENT_MARKER}\nold plan` },
    ]);
    expect(result.status).toBe(0);
    expect(calls).toEqual([
      "gh api --paginate repos/acme/platform/issues/12/comments",
      "gh api --method PATCH repos/acme/platform/issues/comments/3 --input -",
    ]);
    expect(body).toEqual({ body: `${COMMENT_MARKER}\n## Terraform plan\n` });
  }, 30_000);

  it("creates the comment on the first run", () => {
    const { result, calls } = postComment([{ id: 1, user: { login: "octocat" }, body: "LGTM" }]);
    expect(result.status).toBe(0);
    expect(calls[1]).toBe("gh api --method POST repos/acme/platform/issues/12/comments --input -");
  }, 30_000);
});
