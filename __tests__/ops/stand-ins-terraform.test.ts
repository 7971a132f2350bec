/**
 * Stand-ins against real Terraform (the builtin terraform_remote_state needs no provider
 * download): the upstream reads the stacks synthesize, planned for real, then read back by
 * the plan comment's detection. Skipped only where no `terraform` is installed (CI's plan
 * workflow pins 1.11.x; this was written against 1.11.4).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load";
import { summarizePlan } from "../../ops/plan-summary";
import { buildPlatform } from "../../stacks/app";
import { CLUSTER_OUTPUTS, MESH_OUTPUTS } from "../../stacks/contracts";
import { EMPTY_STATE_FILE } from "../../stacks/synth/plan-stand-ins";
import { withDev } from "../support/synth";

const ROOT = path.resolve(__dirname, "..", "..");
const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;

function terraform(cwd: string, ...args: string[]) {
  const run = spawnSync("terraform", args, { cwd, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

/** A project folder laid out like this one: the workloads stack's remote-state reads, a consumer of every output. */
function consumerProject(): { project: string; stackDir: string } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "stand-ins-tf-"));
  const app = new App({ outdir: path.join(project, "synth") });
  buildPlatform(app, parseConfig(withDev()), { planStandIns: { enabled: true, unapplied: ["cluster"] } });
  app.synth();
  const synthesized = JSON.parse(fs.readFileSync(path.join(project, "synth", "stacks", "workloads", "cdk.tf.json"), "utf8"));
  const reads = synthesized.data.terraform_remote_state as Record<string, unknown>;
  const input: Record<string, string> = {};
  for (const [upstream, contract] of [["cluster", CLUSTER_OUTPUTS], ["mesh", MESH_OUTPUTS]] as const) {
    for (const spec of Object.values(contract)) input[`${upstream}_${spec.name}`] = `\${data.terraform_remote_state.remote-state-${upstream}.outputs.${spec.name}}`;
  }
  // Same depth as cdktf.out/stacks/<stack>, so the synthesized relative paths resolve.
  const stackDir = path.join(project, "cdktf.out", "stacks", "workloads");
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, "main.tf.json"), JSON.stringify({ data: { terraform_remote_state: reads }, resource: { terraform_data: { consumer: { input } } } }));
  fs.mkdirSync(path.join(project, path.dirname(EMPTY_STATE_FILE)), { recursive: true });
  fs.copyFileSync(path.join(ROOT, EMPTY_STATE_FILE), path.join(project, EMPTY_STATE_FILE));
  return { project, stackDir };
}

/** Applies a mesh stack stand-in that publishes only some of its contract's outputs (an older mesh). */
function applyOlderMesh(project: string): void {
  const dir = path.join(project, "older-mesh");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ output: { mesh_name: { value: "eksmesh-dev" }, ingress_class: { value: "alb" } } }));
  expect(terraform(dir, "init", "-input=false").status).toBe(0);
  const state = path.join(project, "state", "dev", "mesh.tfstate");
  fs.mkdirSync(path.dirname(state), { recursive: true });
  expect(terraform(dir, "apply", "-auto-approve", "-input=false", `-state=${state}`).status).toBe(0);
}

describe.skipIf(!hasTerraform)("stand-ins with real Terraform", () => {
  it("plans with the upstream's real outputs where they exist and stand-ins for the rest, and the comment names exactly those", () => {
    const { project, stackDir } = consumerProject();
    applyOlderMesh(project);
    expect(terraform(stackDir, "init", "-input=false").status).toBe(0);
    const plan = terraform(stackDir, "plan", "-input=false", "-no-color", "-out=tfplan");
    expect(plan.status, plan.out).toBe(0);
    const show = spawnSync("terraform", ["show", "-json", "tfplan"], { cwd: stackDir, encoding: "utf8" });
    const summary = summarizePlan("workloads", JSON.parse(show.stdout));
    const names = (c: object) => Object.values(c).map((o: { name: string }) => o.name).sort();
    expect(summary.standIns).toEqual([
      { upstream: "cluster", outputs: names(CLUSTER_OUTPUTS) },
      { upstream: "mesh", outputs: names(MESH_OUTPUTS).filter((n) => n !== "mesh_name" && n !== "ingress_class") },
    ]);
  }, 120_000);

  it("without the empty state, a stack never applied still fails: defaults do not cover a missing state", () => {
    const { project, stackDir } = consumerProject();
    applyOlderMesh(project);
    fs.rmSync(path.join(project, EMPTY_STATE_FILE));
    expect(terraform(stackDir, "init", "-input=false").status).toBe(0);
    const plan = terraform(stackDir, "plan", "-input=false", "-no-color");
    expect(plan.status).toBe(1);
    expect(plan.out).toContain("Unable to find remote state");
  }, 120_000);

  it("terraform state pull prints nothing for a stack never applied, which is how the plan workflow finds them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-pull-"));
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "stack.tfstate" } } }, output: { a: { value: 1 } } }));
    expect(terraform(dir, "init", "-input=false").status).toBe(0);
    const pull = spawnSync("terraform", ["state", "pull"], { cwd: dir, encoding: "utf8" });
    expect(pull.status).toBe(0);
    expect(pull.stdout).toBe("");
    expect(terraform(dir, "apply", "-auto-approve", "-input=false").status).toBe(0);
    expect(spawnSync("terraform", ["state", "pull"], { cwd: dir, encoding: "utf8" }).stdout).toContain('"outputs"');
  }, 120_000);
});
