/**
 * The order to plan, deploy or destroy stacks in, read from the manifest cdktf
 * writes at synth (`cdktf.out/manifest.json`), so a stack added to the app is
 * planned and deployed without anyone editing a list.
 *
 *   npx tsx ops/stack-order.ts [cdktf.out/manifest.json] [--reverse] [--include-bootstrap]
 *
 * prints one stack name per line. `bootstrap` (the state bucket, on local state)
 * is left out unless asked for: it is applied once by hand, never with the rest.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { runCli } from "./cli";

export const BOOTSTRAP_STACK = "bootstrap";
export const DEFAULT_MANIFEST_PATH = "cdktf.out/manifest.json";

const manifestSchema = z.object({
  version: z.string(),
  stacks: z.record(
    z.string(),
    z.object({
      name: z.string(),
      dependencies: z.array(z.string()),
      workingDirectory: z.string(),
      synthesizedStackPath: z.string(),
    }),
  ),
});

export type CdktfManifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown): CdktfManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a cdktf manifest: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  return parsed.data;
}

export function readManifest(path: string = DEFAULT_MANIFEST_PATH): CdktfManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`${path} not found: run \`npx cdktf synth\` first`);
  }
  return parseManifest(JSON.parse(text) as unknown);
}

export interface StackOrderOptions {
  /** Stacks to leave out of the result; by default only `bootstrap`. */
  exclude?: readonly string[];
  /** Dependants before their dependencies: the destroy order. */
  reverse?: boolean;
}

/**
 * Topological order of the manifest's stacks by `dependencies`. Among stacks
 * that are ready at the same time the manifest's own order is kept, so the
 * result is stable from run to run.
 */
export function stackOrder(manifest: CdktfManifest, options: StackOrderOptions = {}): string[] {
  const exclude = new Set(options.exclude ?? [BOOTSTRAP_STACK]);
  const names = Object.values(manifest.stacks).map((s) => s.name);
  const known = new Set(names);
  for (const stack of Object.values(manifest.stacks)) {
    for (const dep of stack.dependencies) {
      if (!known.has(dep)) throw new Error(`stack ${stack.name} depends on ${dep}, which is not in the manifest`);
    }
  }
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = Object.values(manifest.stacks).find(
      (s) => !done.has(s.name) && s.dependencies.every((d) => done.has(d)),
    );
    if (ready === undefined) {
      const stuck = names.filter((n) => !done.has(n));
      throw new Error(`stack dependencies form a cycle among: ${stuck.join(", ")}`);
    }
    done.add(ready.name);
    order.push(ready.name);
  }
  const result = order.filter((n) => !exclude.has(n));
  return options.reverse === true ? result.reverse() : result;
}

export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  let path = DEFAULT_MANIFEST_PATH;
  const options: StackOrderOptions = {};
  for (const arg of argv) {
    if (arg === "--reverse") options.reverse = true;
    else if (arg === "--include-bootstrap") options.exclude = [];
    else if (!arg.startsWith("--")) path = arg;
    else {
      err(`unknown flag ${arg}\nusage: stack-order.ts [MANIFEST] [--reverse] [--include-bootstrap]\n`);
      return 1;
    }
  }
  try {
    const order = stackOrder(readManifest(path), options);
    if (order.length === 0) {
      err(`${path} lists no stacks to run\n`);
      return 1;
    }
    out(`${order.join("\n")}\n`);
    return 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) runCli(main);
