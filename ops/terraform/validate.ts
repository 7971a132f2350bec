/**
 * `npm run validate`: Terraform itself reads every stack of the selected environment.
 * Synthesizes (PLATFORM_ENV / PLATFORM_CONFIG select the environment, as for synth), then in
 * a copy of each stack runs `terraform init -backend=false` and `terraform validate`, and
 * prints one verdict line per stack with Terraform's own diagnostics under it.
 *
 *   npm run validate                  synthesize and validate
 *   npm run validate -- --no-synth    validate the last synth of this environment again
 *
 * Exit status: 0 when every stack Terraform could read is valid and at least one was;
 * 1 otherwise. A stack whose providers cannot be had here is reported by name, not failed.
 */
import { join } from "node:path";
import { findMirror, knownUnavailable, MIRROR_ENV } from "./providers";
import { terraform } from "./terraform";
import { errorBlocks, formatDiagnostics, initFailure, parseValidate, validateVerdict } from "./verdict";
import {
  describeRewrites,
  environmentLabel,
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
import type { VersionRewrite } from "./stack-copy";

export type ValidationStatus = "valid" | "invalid" | "unavailable" | "failed";

export interface StackValidation {
  readonly stack: string;
  readonly status: ValidationStatus;
  readonly warnings: number;
  /** The verdict line's text after the stack name. */
  readonly verdict: string;
  /** Terraform's diagnostics or error output, indented; empty when there is nothing to say. */
  readonly details: string;
}

export interface EnvironmentValidation {
  readonly environment: string;
  readonly stacks: StackValidation[];
  readonly rewrites: string[];
}

export function unavailableVerdict(providers: readonly string[]): string {
  return `not validated here: provider unavailable (${providers.join(", ")})`;
}

/** A provider Terraform cannot get that is not one known to be unavailable: the stack or the mirror is wrong. */
export function unexpectedProviderVerdict(providers: readonly string[]): string {
  return `FAILED: no ${providers.join(", ")} in the provider mirror, and ${providers.length === 1 ? "it is not a provider" : "they are not providers"} known to be unavailable here (a misspelt source, or the mirror lacks it by mistake)`;
}

async function validateStack(app: SynthesizedApp, stack: string, plan: ProviderPlan, rewrites: VersionRewrite[]): Promise<StackValidation> {
  const doc = app.readDocument(stack);
  const missing = unavailableProviders(doc, plan);
  const unexpected = missing.filter((p) => !knownUnavailable(p));
  if (unexpected.length > 0) {
    return { stack, status: "failed", warnings: 0, verdict: unexpectedProviderVerdict(unexpected), details: "" };
  }
  if (missing.length > 0) {
    return { stack, status: "unavailable", warnings: 0, verdict: unavailableVerdict(missing), details: "" };
  }
  const dir = join(SCRATCH, app.label, "validate", stack);
  rewrites.push(...writeCopy(dir, doc, plan));
  const opts = { cwd: dir, cliConfigFile: plan.cliConfigFile };
  const init = await terraform(["init", "-backend=false", "-input=false", "-no-color"], opts);
  if (init.code !== 0) {
    const output = `${init.stdout}\n${init.stderr}`;
    const failure = initFailure(output, knownUnavailable);
    if (failure.kind === "provider-unavailable") {
      return { stack, status: "unavailable", warnings: 0, verdict: unavailableVerdict(failure.providers), details: errorBlocks(output).split("\n").slice(0, 8).join("\n") };
    }
    return { stack, status: "failed", warnings: 0, verdict: "FAILED: terraform init", details: errorBlocks(output) };
  }
  const run = await terraform(["validate", "-json", "-no-color"], opts);
  let result;
  try {
    result = parseValidate(run.stdout);
  } catch (e) {
    return { stack, status: "failed", warnings: 0, verdict: "FAILED: terraform validate", details: errorBlocks(`${(e as Error).message}\n${run.stderr}`) };
  }
  return {
    stack,
    status: result.valid && result.error_count === 0 ? "valid" : "invalid",
    warnings: result.warning_count,
    verdict: validateVerdict(result),
    details: formatDiagnostics(result.diagnostics),
  };
}

/** Validates every stack of a synthesized app; logs as it goes. */
export async function validateApp(app: SynthesizedApp, plan: ProviderPlan, log: (line: string) => void): Promise<EnvironmentValidation> {
  const rewrites: VersionRewrite[] = [];
  const results: StackValidation[] = [];
  const width = Math.max(...app.stacks.map((s) => s.length));
  for (const stack of app.stacks) {
    const result = await validateStack(app, stack, plan, rewrites);
    results.push(result);
    log(`  ${stack.padEnd(width)}  ${result.verdict}`);
    if (result.details) log(result.details);
  }
  const described = describeRewrites(rewrites);
  for (const line of described) log(`  note: ${line}`);
  return { environment: app.label, stacks: results, rewrites: described };
}

export function describeProviders(plan: ProviderPlan): string {
  if (plan.mirror === undefined) {
    return `providers: as Terraform is configured on this machine (normally the public registry); set ${MIRROR_ENV} or run npm run setup:terraform for a local mirror`;
  }
  const held = [...plan.mirror.providers].map(([s, v]) => `${s.replace(/^registry\.terraform\.io\//, "")} ${v.join(", ")}`);
  return `providers: from the local mirror ${plan.mirror.path}, ${plan.mirror.origin}: ${held.join("; ") || "empty"}`;
}

export function summaryLine(v: EnvironmentValidation): string {
  const count = (s: ValidationStatus) => v.stacks.filter((r) => r.status === s).length;
  return `validate ${v.environment}: ${count("valid")} valid, ${count("invalid") + count("failed")} failed, ${count("unavailable")} not validated here (provider unavailable)`;
}

/** Exit status of a validation: 1 on any invalid or failed stack, or when none was validated. */
export function validationOk(v: EnvironmentValidation): boolean {
  return v.stacks.every((s) => s.status === "valid" || s.status === "unavailable") && v.stacks.some((s) => s.status === "valid");
}

export async function runValidate(
  options: { synth: boolean; env?: NodeJS.ProcessEnv },
  log: (line: string) => void,
): Promise<EnvironmentValidation> {
  const env = options.env ?? process.env;
  const label = environmentLabel(env);
  const app = options.synth ? synthesize(label, log, env) : readApp(join(SCRATCH, label, "cdktf.out"), label);
  const plan = providerPlan(findMirror(env));
  log(describeProviders(plan));
  log(`terraform init -backend=false && terraform validate, per stack of ${label} (copies in ${shown(join(SCRATCH, label, "validate"))}):`);
  const result = await validateApp(app, plan, log);
  log(summaryLine(result));
  return result;
}

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--no-synth");
  if (unknown.length > 0) {
    console.error(`validate: unknown argument ${unknown[0]} (the only option is --no-synth)`);
    return 2;
  }
  const result = await runValidate({ synth: !argv.includes("--no-synth") }, (l) => console.log(l));
  if (!result.stacks.some((s) => s.status === "valid")) {
    console.error("validate: no stack could be validated: Terraform could not get the providers (see above)");
  }
  return validationOk(result) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`validate: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
