/**
 * Plan and apply against a local AWS (moto's server mode). For every stack whose only
 * provider is AWS, in deploy order: apply a copy of it (resources moto lacks left out, as
 * listed in moto-gaps.ts), plan again (a second plan must change nothing, except differences
 * moto-gaps.ts shows to be moto's), then destroy everything in reverse order.
 *
 *   npx tsx ops/terraform/local-aws.ts [--no-synth]
 *
 * Nothing here reaches AWS: the override points every service the stack uses at moto on
 * 127.0.0.1, credentials are fake, AWS variables are stripped, and state is written only
 * under .scratch/terraform/<environment>/local-aws/state.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { servicesUsed } from "./aws-services";
import { MOTO_DRIFT, MOTO_MISSING_ATTRIBUTES, MOTO_UNSUPPORTED } from "./moto-gaps";
import { motoProviderOverride, OVERRIDE_FILE } from "./moto-override";
import { startMoto, type MotoServer } from "./moto-server";
import { findMirror, knownUnavailable } from "./providers";
import { leaveOut, liftProtection, localizeState, requiredProviders, type LeftOut, type StackDocument, type VersionRewrite } from "./stack-copy";
import { terraform, type TerraformRun } from "./terraform";
import { errorBlocks, explainDifferences, planDifferences, referenceGraph, type ExplainedDifference } from "./verdict";
import {
  describeRewrites,
  environmentLabel,
  PROJECT_ROOT,
  providerPlan,
  readApp,
  SCRATCH,
  shown,
  synthesize,
  unavailableProviders,
  writeCopy,
  type ProviderPlan,
  type SynthesizedApp,
} from "./workspace";

export type LocalAwsStatus = "passed" | "failed" | "skipped";

export interface LocalAwsStack {
  readonly stack: string;
  status: LocalAwsStatus;
  /** Why it was skipped or what failed. */
  reason: string;
  leftOut: LeftOut[];
  /** The apply itself succeeded (its downstream stacks may then be applied). */
  applyOk: boolean;
  applied: number;
  destroyed: number;
  differences: ExplainedDifference[];
  details: string;
}

export interface LocalAwsResult {
  readonly environment: string;
  readonly stacks: LocalAwsStack[];
}

/** Only stacks whose every provider is AWS can be applied to a local AWS. */
export function localAwsCandidate(providers: readonly string[]): boolean {
  return providers.length > 0 && providers.every((p) => p === "registry.terraform.io/hashicorp/aws");
}

const STATE_DIR_FROM_COPY = "../state";

function failedRun(what: string, run: TerraformRun): string {
  return `terraform ${what} failed (exit ${run.code}):\n${errorBlocks(`${run.stdout}\n${run.stderr}`)}`;
}

async function managedResources(cwd: string, plan: ProviderPlan): Promise<number> {
  const run = await terraform(["state", "list"], { cwd, cliConfigFile: plan.cliConfigFile, isolateFromAws: true });
  if (run.code !== 0) return 0; // no state yet
  return run.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("data.")).length;
}

async function applyStack(
  app: SynthesizedApp,
  stack: string,
  plan: ProviderPlan,
  moto: MotoServer,
  rewrites: VersionRewrite[],
  log: (line: string) => void,
): Promise<LocalAwsStack> {
  const result: LocalAwsStack = { stack, status: "passed", reason: "", leftOut: [], applyOk: false, applied: 0, destroyed: 0, differences: [], details: "" };
  const synthesized = app.readDocument(stack);
  const { doc: supported, leftOut } = leaveOut(synthesized, MOTO_UNSUPPORTED, MOTO_MISSING_ATTRIBUTES);
  result.leftOut = leftOut;
  const doc = localizeState(supported, stack, STATE_DIR_FROM_COPY);
  const dir = join(SCRATCH, app.label, "local-aws", stack);
  rewrites.push(
    ...writeCopy(dir, doc, plan, { [OVERRIDE_FILE]: motoProviderOverride(servicesUsed(synthesized), moto.url) }),
  );
  for (const l of leftOut) log(`    left out ${l.address}: ${l.reason}`);
  const opts = { cwd: dir, cliConfigFile: plan.cliConfigFile, isolateFromAws: true };

  const init = await terraform(["init", "-input=false", "-no-color"], opts);
  if (init.code !== 0) return { ...result, status: "failed", reason: "terraform init failed", details: failedRun("init", init) };

  const apply = await terraform(["apply", "-auto-approve", "-input=false", "-no-color"], opts);
  result.applied = await managedResources(dir, plan);
  if (apply.code !== 0) return { ...result, status: "failed", reason: "terraform apply failed", details: failedRun("apply", apply) };
  result.applyOk = true;
  log(`    applied ${result.applied} resources`);

  const second = await terraform(["plan", "-input=false", "-no-color", "-out=second.tfplan"], opts);
  if (second.code !== 0) return { ...result, status: "failed", reason: "second terraform plan failed", details: failedRun("plan", second) };
  const show = await terraform(["show", "-json", "second.tfplan"], opts);
  if (show.code !== 0) return { ...result, status: "failed", reason: "terraform show failed", details: failedRun("show", show) };
  const secondPlan: unknown = JSON.parse(show.stdout);
  result.differences = explainDifferences(planDifferences(secondPlan), MOTO_DRIFT, referenceGraph(secondPlan));
  for (const d of result.differences) log(`    ${describeDifference(d)}`);
  const unexplained = result.differences.filter((d) => !d.explained);
  if (unexplained.length > 0) {
    result.status = "failed";
    result.reason = `the second plan changes ${unexplained.length} resource${unexplained.length === 1 ? "" : "s"} that moto does not explain`;
  }
  return result;
}

/** A difference and, under it, each attribute with its explanation (names only, never values). */
export function describeDifference(d: ExplainedDifference): string {
  const verdict = d.explained ? "explained (moto's, not the stack's)" : "NOT EXPLAINED: a perpetual diff in the stack";
  const lines = [`second plan: ${d.kind} ${d.address}: ${verdict}`];
  for (const c of d.changes) lines.push(`      ${c.path}: ${d.reasons[c.path] ?? "unexplained"}`);
  return lines.join("\n");
}

async function destroyStack(app: SynthesizedApp, record: LocalAwsStack, plan: ProviderPlan, log: (line: string) => void): Promise<void> {
  const dir = join(SCRATCH, app.label, "local-aws", record.stack);
  const opts = { cwd: dir, cliConfigFile: plan.cliConfigFile, isolateFromAws: true };
  const before = await managedResources(dir, plan);
  // The run must leave nothing behind: lift the stack's protections in the copy only.
  const copyFile = join(dir, "cdk.tf.json");
  const { doc: unprotected, lifted, needsApply } = liftProtection(JSON.parse(readFileSync(copyFile, "utf8")) as StackDocument);
  if (lifted.length > 0) {
    writeFileSync(copyFile, `${JSON.stringify(unprotected, null, 2)}\n`);
    log(`  ${record.stack}: for the teardown, lifted in the copy: ${lifted.join(", ")}`);
    if (needsApply) {
      const off = await terraform(["apply", "-auto-approve", "-input=false", "-no-color"], opts);
      if (off.code !== 0) log(failedRun("apply (protection off)", off));
    }
  }
  const run = await terraform(["destroy", "-auto-approve", "-input=false", "-no-color"], opts);
  const after = await managedResources(dir, plan);
  record.destroyed = before - after;
  if (run.code !== 0 || after > 0) {
    record.status = "failed";
    record.reason = [record.reason, `destroy left ${after} resources in state`].filter(Boolean).join("; ");
    record.details = [record.details, failedRun("destroy", run)].filter(Boolean).join("\n");
  }
  log(`  ${record.stack}: destroyed ${record.destroyed} resources${after > 0 ? `, ${after} LEFT` : ""}`);
  if (run.code !== 0) log(failedRun("destroy", run));
}

/** Applies, re-plans and destroys every AWS-only stack of a synthesized app against moto. */
export async function localAwsApp(app: SynthesizedApp, plan: ProviderPlan, log: (line: string) => void): Promise<LocalAwsResult> {
  const records: LocalAwsStack[] = [];
  const applied = new Set<string>();
  const rewrites: VersionRewrite[] = [];
  // A fresh moto holds nothing: state left by an interrupted run would describe ghosts.
  rmSync(join(SCRATCH, app.label, "local-aws", "state"), { recursive: true, force: true });
  const moto = await startMoto(PROJECT_ROOT, log);
  try {
    for (const stack of app.stacks) {
      const doc = app.readDocument(stack);
      const providers = requiredProviders(doc).map((p) => p.source);
      const skip = (reason: string) => {
        records.push({ stack, status: "skipped", reason, leftOut: [], applyOk: false, applied: 0, destroyed: 0, differences: [], details: "" });
        log(`  ${stack}: skipped: ${reason}`);
      };
      if (!localAwsCandidate(providers)) {
        const others = providers.filter((p) => !p.endsWith("/hashicorp/aws")).map((p) => p.replace(/^registry\.terraform\.io\//, ""));
        skip(`needs ${others.join(", ")}, which no local AWS serves`);
        continue;
      }
      const missing = unavailableProviders(doc, plan);
      if (missing.some((p) => !knownUnavailable(p))) {
        const reason = `no ${missing.join(", ")} in the provider mirror, which is not a provider known to be unavailable here`;
        records.push({ stack, status: "failed", reason, leftOut: [], applyOk: false, applied: 0, destroyed: 0, differences: [], details: "" });
        log(`  ${stack}: FAILED: ${reason}`);
        continue;
      }
      if (missing.length > 0) {
        skip("provider unavailable");
        continue;
      }
      const missingUpstream = (app.dependencies.get(stack) ?? []).filter((d) => !applied.has(d));
      if (missingUpstream.length > 0) {
        skip(`its upstream ${missingUpstream.join(", ")} was not applied here`);
        continue;
      }
      log(`  ${stack}: apply, second plan`);
      const record = await applyStack(app, stack, plan, moto, rewrites, log);
      records.push(record);
      if (record.status === "failed") log(`  ${stack}: FAILED: ${record.reason}\n${record.details}`);
      if (record.applyOk) applied.add(stack);
      // Even a failed apply may have created resources: they are destroyed below.
    }
    for (const record of [...records].reverse()) {
      if (record.status === "skipped" || record.applied === 0) continue;
      await destroyStack(app, record, plan, log);
    }
  } finally {
    await moto.stop();
    log(`local AWS: moto_server (pid ${moto.pid}) stopped`);
  }
  for (const line of describeRewrites(rewrites)) log(`  note: ${line}`);
  return { environment: app.label, stacks: records };
}

export function localAwsOk(r: LocalAwsResult): boolean {
  return r.stacks.every((s) => s.status !== "failed") && r.stacks.some((s) => s.status === "passed");
}

export function localAwsSummaryLine(r: LocalAwsResult): string {
  const sum = (f: (s: LocalAwsStack) => number) => r.stacks.reduce((n, s) => n + f(s), 0);
  const passed = r.stacks.filter((s) => s.status === "passed").map((s) => s.stack);
  const failed = r.stacks.filter((s) => s.status === "failed").map((s) => s.stack);
  const unexplained = sum((s) => s.differences.filter((d) => !d.explained).length);
  const explained = sum((s) => s.differences.filter((d) => d.explained).length);
  return (
    `local AWS ${r.environment}: ${passed.length} stacks passed (${passed.join(", ") || "none"})` +
    (failed.length ? `, ${failed.length} FAILED (${failed.join(", ")})` : "") +
    `; ${sum((s) => s.applied)} resources applied, ${sum((s) => s.destroyed)} destroyed, ` +
    `${sum((s) => s.leftOut.length)} left out (moto lacks them); ` +
    `second plans: ${unexplained} unexplained changes (0 expected), ${explained} explained as moto's`
  );
}

export async function runLocalAws(options: { synth: boolean; env?: NodeJS.ProcessEnv }, log: (line: string) => void): Promise<LocalAwsResult> {
  const env = options.env ?? process.env;
  const label = environmentLabel(env);
  const app = options.synth ? synthesize(label, log, env) : readApp(join(SCRATCH, label, "cdktf.out"), label);
  const plan = providerPlan(findMirror(env));
  log(`apply, second plan and destroy against a local AWS, per AWS-only stack of ${label} (copies in ${shown(join(SCRATCH, label, "local-aws"))}):`);
  const result = await localAwsApp(app, plan, log);
  log(localAwsSummaryLine(result));
  return result;
}

if (require.main === module) {
  runLocalAws({ synth: !process.argv.includes("--no-synth") }, (l) => console.log(l)).then(
    (r) => (process.exitCode = localAwsOk(r) ? 0 : 1),
    (e: unknown) => {
      console.error(`local-aws: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
