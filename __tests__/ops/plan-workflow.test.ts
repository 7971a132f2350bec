/**
 * The pull-request plan workflow: its structure, and its shell steps run for
 * real against stub terraform and gh, so the loop, the comment and the
 * comment update are exercised without GitHub or AWS.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMENT_MARKER } from "../../ops/plan/comment";
import { insecureEdgeWarning } from "../../stacks/constructs/edge/insecure-edge-warning";
import { parseManifest, stackOrder } from "../../ops/stack-order";
import { PLATFORM_ORDER, SAMPLE_MANIFEST } from "./support/manifest";
import { FIXTURES } from "./support/plans";
import { stepNamed, type Step } from "./support/workflow";
import { NPX_TSX_STUB, PROJECT_ROOT, runBash, stubBin, tempDir, writeCdktfOut } from "./support/shell";

const WORKFLOW_PATH = join(PROJECT_ROOT, ".github", "workflows", "plan.yml");
const workflowText = readFileSync(WORKFLOW_PATH, "utf8");
const workflow = parse(workflowText) as {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: { plan: { permissions: Record<string, string>; steps: Step[]; if: string } };
};
const steps = workflow.jobs.plan.steps;

const step = (name: string): Step => stepNamed(steps, name, WORKFLOW_PATH);

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
    expect(uses.length).toBe(6);
    for (const u of uses) expect(u).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
  });

  it("installs like the README, with the LTS engines admits (Node 22) and npm ci", () => {
    expect(action("actions/setup-node").with).toEqual({ "node-version": 22, cache: "npm" });
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

  it("synthesizes with stand-ins, and again naming the stacks not applied yet when there are any", () => {
    expect(step("Synthesize").env).toEqual({ PLATFORM_PLAN_STANDINS: "true" });
    const again = step("Synthesize with stand-ins for stacks not applied yet");
    expect(again.if).toBe("steps.unapplied.outputs.list != ''");
    expect(again.env).toEqual({ PLATFORM_PLAN_STANDINS: "true", PLATFORM_PLAN_UNAPPLIED: "${{ steps.unapplied.outputs.list }}" });
    expect(again.run).toBe("npx cdktf synth");
    expect(step("Plan each stack in dependency order").env?.UNAPPLIED).toBe("${{ steps.unapplied.outputs.list }}");
  });

  it("reads the stack order from cdktf's manifest instead of naming stacks", () => {
    expect(step("Find stacks not applied yet").run).toContain("npx tsx ops/stack-order.ts cdktf.out/manifest.json > plans/order.txt");
    const plan = step("Plan each stack in dependency order").run ?? "";
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
  // mesh and workloads talk to the cluster's API, as the real stacks do (stacks/constructs/kubernetes-providers.ts).
  const k8s = { provider: { kubernetes: [{ host: "${data.terraform_remote_state.remote-state-cluster.outputs.cluster_endpoint}" }] } };
  writeCdktfOut(dir, SAMPLE_MANIFEST, backend, { mesh: k8s, workloads: k8s });
  return dir;
}

/**
 * Stub terraform for a new environment: only network has state. `init` drains stdin, as a
 * real program may: the loops must not feed it the stack list.
 */
const TERRAFORM_STUB = `
dir="\${1#-chdir=}"; stack=$(basename "$dir"); shift
echo "terraform $stack $*" >> "$CALLS"
case "$1" in
  init) cat > /dev/null; echo "Terraform has been successfully initialized!" ;;
  state) if [ "$stack" = network ]; then echo '{"version":4,"serial":3}'; fi ;;
  plan) touch "$dir/tfplan"; echo "Plan: 1 to add." ;;
  show)
    if [ "$2" = -json ]; then
      case "$stack" in network) cat "$FIXTURES/plan-stateless.json" ;; cluster) cat "$FIXTURES/plan-stand-ins.json" ;; *) cat "$FIXTURES/plan-stateful.json" ;; esac
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
  it("new environment: finds the stacks without state, plans with stand-ins, and the Kubernetes stacks wait for the cluster", () => {
    const dir = workspace();
    const bin = stubBin({ terraform: TERRAFORM_STUB, npx: NPX_TSX_STUB });
    const plugins = { TF_PLUGIN_CACHE_DIR: join(dir, "plugins") };
    const find = runStep("Find stacks not applied yet", dir, bin, plugins);
    expect(find.status).toBe(0);
    expect(readFileSync(join(dir, "plans", "order.txt"), "utf8")).toBe(`${stackOrder(parseManifest(SAMPLE_MANIFEST)).join("\n")}\n`);
    expect(readFileSync(join(dir, "github-output"), "utf8")).toBe("list=cluster,mesh,workloads\n");
    expect(find.stdout).toContain("Stacks not applied yet: cluster,mesh,workloads");

    const plan = runStep("Plan each stack in dependency order", dir, bin, { ...plugins, UNAPPLIED: "cluster,mesh,workloads" });
    expect(plan.status).toBe(0);
    const calls = readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");
    // Planned: network and cluster (stand-ins cover the cluster's reads); never mesh or workloads.
    expect(calls.filter((c) => c.includes(" plan ")).map((c) => c.split(" ")[1])).toEqual(["network", "cluster"]);
    expect(calls).toContain("terraform network plan -input=false -no-color -lock=false -out=tfplan");
    expect(calls).toContain("terraform cluster show -json tfplan");
    expect(readFileSync(join(dir, "plans", "mesh.waits"), "utf8")).toBe("cluster\n");
    // workloads also builds on what mesh installs (CRDs), and mesh is not applied either.
    expect(readFileSync(join(dir, "plans", "workloads.waits"), "utf8")).toBe("cluster\nmesh\n");
    expect(existsSync(join(dir, "plans", "mesh.json"))).toBe(false);

    // What the Synthesize step captured: the platform's warning about an insecure edge.
    writeFileSync(join(dir, "plans", "synth.log"), `${insecureEdgeWarning("staging", ["frontend"])}\nSynthesized cdktf.out from config/environments/staging.ts\n`);
    const comment = runStep("Write the comment", dir, bin, {
      RUN_URL: "https://github.com/acme/platform/actions/runs/7",
      HEAD_SHA: "0123456789abcdef0123456789abcdef01234567",
    });
    expect(comment.status).toBe(0);
    expect(readFileSync(join(dir, "github-output"), "utf8")).toContain("status=0\n");
    const body = readFileSync(join(dir, "comment.md"), "utf8");
    expect(body.startsWith(`${COMMENT_MARKER}\n## Terraform plan — \`prod\``)).toBe(true);
    expect(body).toContain("| `network` | 📝 changes | 1 | 1 | 2 | 1 |");
    expect(body).toContain("| `cluster` | 📝 changes, with stand-ins for `network` | 2 | 0 | 0 | 0 |");
    expect(body).toContain("| `mesh` | ⏳ waits for `cluster` | – | – | – | – |");
    expect(body).toContain("| `workloads` | ⏳ waits for `cluster`, `mesh` | – | – | – | – |");
    expect(body).toContain("> - `network`: `private_subnet_ids`, `vpc_cidr`");
    expect(body).not.toContain("failed");
    expect(body).toContain("artifact `plans-prod` of [this workflow run](https://github.com/acme/platform/actions/runs/7)");
    expect(body).toContain("> [!WARNING]\n> ⚠️ **Synth warning:** INSECURE PUBLIC EDGE: edge.insecurePlainHttpForThrowawayEnvironment is true in environment \"staging\".");
  }, 90_000);

  it("prices the base branch in its own checkout and the change, and the comment shows both", () => {
    const dir = workspace();
    mkdirSync(join(dir, ".base"));
    // Stub npm: the cost model's JSON of whichever checkout it runs in; $BASE_FAILS breaks the base's.
    const npm = `[ "$*" = "run --silent cost -- --json" ] || exit 9
if [ "$(basename "$PWD")" = .base ]; then [ -z "$BASE_FAILS" ] || { echo "cost: unknown flag" >&2; exit 2; }; cat "$FIXTURES/cost-base.json"; else cat "$FIXTURES/cost-head.json"; fi`;
    const bin = stubBin({ npm, npx: NPX_TSX_STUB });
    const price = runStep("Price the base branch and the change", dir, bin);
    expect(price.status).toBe(0);
    expect(readlinkSync(join(dir, ".base", "node_modules"))).toBe(join(dir, "node_modules"));
    mkdirSync(join(dir, "plans"), { recursive: true });
    writeFileSync(join(dir, "plans", "order.txt"), "network\n");
    copyFileSync(join(FIXTURES, "plan-stateless.json"), join(dir, "plans", "network.json"));
    writeFileSync(join(dir, "plans", "synth.log"), "");
    expect(runStep("Write the comment", dir, bin, { RUN_URL: "u", HEAD_SHA: "abc" }).status).toBe(0);
    expect(readFileSync(join(dir, "comment.md"), "utf8")).toContain("#### 💰 Monthly cost: $231.99 → $269.66 (+$37.67)");

    const broken = workspace();
    mkdirSync(join(broken, ".base"));
    const failed = runStep("Price the base branch and the change", broken, bin, { BASE_FAILS: "1" });
    expect(failed.status).toBe(0);
    expect(failed.stdout).toContain("::warning::The cost of the base or of the change could not be computed");
    expect(existsSync(join(broken, "plans", "cost-base.json"))).toBe(false);
    expect(readFileSync(join(broken, "plans", "cost.log"), "utf8")).toContain("cost: unknown flag");
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
    const plan = runStep("Find stacks not applied yet", dir, stubBin({ terraform: TERRAFORM_STUB, npx: NPX_TSX_STUB }), {
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
    const result = runStep("Post or update the comment", dir, stubBin({ gh: GH_STUB, npx: NPX_TSX_STUB }), {
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
