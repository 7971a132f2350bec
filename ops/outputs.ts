/**
 * Prints every stack's named outputs from the LOCAL state files, without
 * Terraform (nor provider downloads, nor credentials):
 *
 *   npx tsx ops/outputs.ts [--env ENV] [--state-dir state] [--manifest cdktf.out/manifest.json] [--all]
 *
 * Reads `state/<env>/<stack>.tfstate` (and `state/bootstrap.tfstate`). Values
 * marked sensitive print as "(sensitive)". The outputs cdktf adds to wire stacks
 * together (`cross-stack-output-*`) are counted but hidden unless --all.
 * For the S3 backend use `npx cdktf output <stack>` instead.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { runCli } from "./cli";
import { BOOTSTRAP_STACK, DEFAULT_MANIFEST_PATH, readManifest, stackOrder } from "./stack-order";

export const SENSITIVE_PLACEHOLDER = "(sensitive)";
const CROSS_STACK_PREFIX = "cross-stack-output-";

const stateSchema = z.object({
  version: z.literal(4, { message: "only state format version 4 (Terraform ≥ 0.12) is understood" }),
  outputs: z
    .record(z.string(), z.object({ value: z.unknown(), type: z.unknown().optional(), sensitive: z.boolean().optional() }))
    .default({}),
});

export interface StateOutput {
  name: string;
  value: unknown;
  sensitive: boolean;
}

/** The outputs of a tfstate v4 document, sorted by name. */
export function readStateOutputs(stateJson: unknown): StateOutput[] {
  const parsed = stateSchema.safeParse(stateJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a Terraform state file: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  return Object.entries(parsed.data.outputs)
    .map(([name, o]) => ({ name, value: o.value, sensitive: o.sensitive === true }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** One output as printed: strings bare, everything else as compact JSON, secrets never. */
export function formatValue(output: StateOutput): string {
  if (output.sensitive) return SENSITIVE_PLACEHOLDER;
  return typeof output.value === "string" ? output.value : JSON.stringify(output.value);
}

export type StackOutputs =
  | { stack: string; statePath: string; deployed: true; outputs: StateOutput[] }
  | { stack: string; statePath: string; deployed: false };

export function statePathFor(stateDir: string, env: string, stack: string): string {
  // The bootstrap stack keeps one state for all environments (stacks/bootstrap/stack.ts).
  return stack === BOOTSTRAP_STACK ? join(stateDir, `${BOOTSTRAP_STACK}.tfstate`) : join(stateDir, env, `${stack}.tfstate`);
}

export function loadStackOutputs(stateDir: string, env: string, stack: string): StackOutputs {
  const statePath = statePathFor(stateDir, env, stack);
  if (!existsSync(statePath)) return { stack, statePath, deployed: false };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(statePath, "utf8")) as unknown;
  } catch (error) {
    throw new Error(`${statePath}: ${(error as Error).message}`);
  }
  try {
    return { stack, statePath, deployed: true, outputs: readStateOutputs(json) };
  } catch (error) {
    throw new Error(`${statePath}: ${(error as Error).message}`);
  }
}

export function formatStackOutputs(result: StackOutputs, showAll = false): string {
  const lines = [`${result.stack} (${result.statePath})`];
  if (!result.deployed) {
    lines.push(
      result.stack === BOOTSTRAP_STACK
        ? "  not deployed yet: no local state. Deploy it with `npx cdktf deploy bootstrap` (docs/operations.md)."
        : "  not deployed yet: no local state. `ops/deploy-all.sh` deploys every stack in order; " +
            `with the S3 backend, read its outputs with \`npx cdktf output ${result.stack}\`.`,
    );
    return lines.join("\n");
  }
  const shown = showAll ? result.outputs : result.outputs.filter((o) => !o.name.startsWith(CROSS_STACK_PREFIX));
  const hidden = result.outputs.length - shown.length;
  if (result.outputs.length === 0) {
    lines.push("  no outputs: the state is empty (never applied, or destroyed).");
  }
  const width = Math.max(0, ...shown.map((o) => o.name.length));
  for (const o of shown) lines.push(`  ${o.name.padEnd(width)}  ${formatValue(o)}`);
  if (hidden > 0) lines.push(`  (${hidden} cross-stack output${hidden === 1 ? "" : "s"} hidden; --all shows them)`);
  return lines.join("\n");
}

interface OutputsArgs {
  env?: string | undefined;
  stateDir: string;
  manifestPath: string;
  all: boolean;
}

function parseArgs(argv: readonly string[]): OutputsArgs {
  const args: OutputsArgs = { env: process.env.PLATFORM_ENV, stateDir: "state", manifestPath: DEFAULT_MANIFEST_PATH, all: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--all") {
      args.all = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--env") args.env = value;
    else if (flag === "--state-dir") args.stateDir = value;
    else if (flag === "--manifest") args.manifestPath = value;
    else throw new Error(`unknown flag ${flag}\nusage: outputs.ts [--env ENV] [--state-dir DIR] [--manifest PATH] [--all]`);
  }
  return args;
}

/** Stacks to report: every stack in the manifest, else every state file found. */
function stacksToReport(args: OutputsArgs, env: string): { stacks: string[]; note?: string } {
  if (existsSync(args.manifestPath)) {
    return { stacks: stackOrder(readManifest(args.manifestPath), { exclude: [] }) };
  }
  const envDir = join(args.stateDir, env);
  const found = existsSync(envDir)
    ? readdirSync(envDir).filter((f) => f.endsWith(".tfstate")).map((f) => f.slice(0, -".tfstate".length)).sort()
    : [];
  if (existsSync(statePathFor(args.stateDir, env, BOOTSTRAP_STACK))) found.unshift(BOOTSTRAP_STACK);
  return {
    stacks: found,
    note: `(no ${args.manifestPath}: showing the state files found; run \`npx cdktf synth\` to also list stacks not deployed yet)`,
  };
}

export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  try {
    const args = parseArgs(argv);
    if (args.env === undefined || args.env === "") {
      const envs = existsSync(args.stateDir)
        ? readdirSync(args.stateDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
        : [];
      err(`say which environment: --env ENV or PLATFORM_ENV${envs.length > 0 ? ` (state found for: ${envs.join(", ")})` : ""}\n`);
      return 1;
    }
    const { stacks, note } = stacksToReport(args, args.env);
    const blocks = stacks.map((s) => formatStackOutputs(loadStackOutputs(args.stateDir, args.env as string, s), args.all));
    if (note !== undefined) blocks.push(note);
    if (stacks.length === 0) blocks.unshift(`no local state under ${join(args.stateDir, args.env)}: nothing is deployed for ${args.env} yet`);
    out(`${blocks.join("\n\n")}\n`);
    return 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) runCli(main);
