/**
 * `npm run test:terraform`: the second line of tests, where Terraform itself reads and runs
 * the synthesized stacks. For each of ENVIRONMENTS: validates every stack, then applies,
 * re-plans and destroys the AWS-only stacks against a local AWS (moto). Writes the figures to
 * .scratch/terraform/summary.json and prints them as the last line, for CI's summary.
 *
 * Needs Terraform on the PATH, providers (the registry, PLATFORM_PROVIDER_MIRROR, or
 * npm run setup:terraform) and moto (npm run setup:tools).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localAwsOk, runLocalAws, type LocalAwsResult } from "./local-aws";
import { runValidate, validationOk, type EnvironmentValidation } from "./validate";
import { environmentLabel, SCRATCH } from "./workspace";

/**
 * What is validated and applied to the local AWS: the shipped environments (PLATFORM_ENV),
 * and configs that switch on what those leave off (PLATFORM_CONFIG, under
 * ops/terraform/environments/). `ecs` is shipped; Karpenter has no shipped environment.
 */
export const ENVIRONMENTS: readonly { readonly PLATFORM_ENV?: string; readonly PLATFORM_CONFIG?: string }[] = [
  { PLATFORM_ENV: "dev" },
  { PLATFORM_ENV: "prod" },
  { PLATFORM_ENV: "ecs" },
  { PLATFORM_CONFIG: "ops/terraform/environments/karpenter.ts" },
];

export interface TerraformSummary {
  readonly validated: number;
  readonly invalid: number;
  readonly unavailable: string[];
  readonly applied: number;
  readonly destroyed: number;
  readonly leftOut: number;
  readonly secondPlanChanges: number;
  readonly explainedAsMoto: number;
  readonly localAwsStacks: string[];
  readonly ok: boolean;
}

export function summarize(validations: readonly EnvironmentValidation[], locals: readonly LocalAwsResult[]): TerraformSummary {
  const stacks = validations.flatMap((v) => v.stacks.map((s) => ({ ...s, name: `${v.environment}/${s.stack}` })));
  const localStacks = locals.flatMap((l) => l.stacks.map((s) => ({ ...s, name: `${l.environment}/${s.stack}` })));
  const sum = (f: (s: LocalAwsResult["stacks"][number]) => number) => localStacks.reduce((n, s) => n + f(s), 0);
  return {
    validated: stacks.filter((s) => s.status === "valid").length,
    invalid: stacks.filter((s) => s.status === "invalid" || s.status === "failed").length,
    unavailable: stacks.filter((s) => s.status === "unavailable").map((s) => s.name),
    applied: sum((s) => s.applied),
    destroyed: sum((s) => s.destroyed),
    leftOut: sum((s) => s.leftOut.length),
    secondPlanChanges: sum((s) => s.differences.filter((d) => !d.explained).length),
    explainedAsMoto: sum((s) => s.differences.filter((d) => d.explained).length),
    localAwsStacks: localStacks.filter((s) => s.status === "passed").map((s) => s.name),
    ok: validations.every(validationOk) && locals.length > 0 && locals.every(localAwsOk),
  };
}

/** The line CI puts in its summary. */
export function summaryLine(s: TerraformSummary): string {
  return (
    `Terraform: ${s.validated} stacks valid, ${s.invalid} invalid, ${s.unavailable.length} not validated here (provider unavailable: ${s.unavailable.join(", ") || "none"}); ` +
    `local AWS: ${s.applied} resources applied, ${s.destroyed} destroyed, ${s.leftOut} left out, ` +
    `${s.secondPlanChanges} second-plan changes (0 expected), ${s.explainedAsMoto} explained as moto's`
  );
}

async function main(): Promise<number> {
  const log = (line: string): void => console.log(line);
  const validations: EnvironmentValidation[] = [];
  const locals: LocalAwsResult[] = [];
  const only = process.argv.slice(2);
  for (const selection of ENVIRONMENTS) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.PLATFORM_ENV;
    delete env.PLATFORM_CONFIG;
    Object.assign(env, selection);
    const environment = environmentLabel(env);
    if (only.length > 0 && !only.includes(environment)) continue;
    log(`\n== terraform validate: ${environment}`);
    validations.push(await runValidate({ synth: true, env }, log));
    log(`\n== local AWS: ${environment}`);
    locals.push(await runLocalAws({ synth: false, env }, log));
  }
  const summary = summarize(validations, locals);
  mkdirSync(SCRATCH, { recursive: true });
  writeFileSync(join(SCRATCH, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  log("");
  log(summaryLine(summary));
  return summary.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`test:terraform: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
