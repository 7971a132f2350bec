/**
 * Which upstream stacks a stack waits for before any plan of it can be made:
 *
 *   npx tsx ops/plan-readiness.ts cdktf.out/stacks/mesh/cdk.tf.json --unapplied network,cluster
 *
 * prints, one per line, the stacks of `--unapplied` whose outputs configure this stack's
 * Kubernetes or Helm provider (nothing when it can be planned). Stand-ins can replace an
 * upstream ID or ARN, but not a Kubernetes API that does not exist yet: the providers
 * reach it while planning, so such a stack "waits for" the stack that creates the cluster.
 */
import { readFileSync } from "node:fs";
import { runCli } from "./cli";

/** Providers that talk to a live API server while planning. */
export const CLUSTER_PROVIDERS = ["kubernetes", "helm"] as const;

const REMOTE_STATE_REF = /data\.terraform_remote_state\.(?:remote-state-|cross-stack-reference-input-)([A-Za-z0-9_-]+)\./g;

export function waitsFor(stackJson: { provider?: Record<string, unknown> }, unapplied: readonly string[]): string[] {
  const providers = CLUSTER_PROVIDERS.map((p) => stackJson.provider?.[p]).filter((p) => p !== undefined);
  const text = JSON.stringify(providers);
  const feeding = new Set([...text.matchAll(REMOTE_STATE_REF)].map((m) => m[1] as string));
  return unapplied.filter((s) => feeding.has(s));
}

export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const usage = "usage: plan-readiness.ts STACK/cdk.tf.json --unapplied STACK[,STACK...]";
  const file = argv[0];
  const flag = argv.indexOf("--unapplied");
  if (file === undefined || file.startsWith("--") || flag < 0) {
    err(`${usage}\n`);
    return 1;
  }
  const unapplied = (argv[flag + 1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  let json: { provider?: Record<string, unknown> };
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as typeof json;
  } catch (error) {
    err(`${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const waits = waitsFor(json, unapplied);
  if (waits.length > 0) out(`${waits.join("\n")}\n`);
  return 0;
}

if (require.main === module) runCli(main);
