/**
 * Which upstream stacks a stack waits for before any plan of it can be made:
 *
 *   npx tsx ops/plan-readiness.ts cdktf.out/manifest.json mesh --unapplied network,cluster
 *
 * prints, one per line, the stacks of `--unapplied` this stack waits for (nothing when it
 * can be planned). Stand-ins can replace an upstream ID or ARN, but not a Kubernetes API
 * that does not exist yet: a stack with a Kubernetes or Helm provider reaches the API
 * while planning. So such a stack waits for
 *   - the unapplied stacks whose outputs configure its Kubernetes or Helm provider (the
 *     cluster), and
 *   - its unapplied upstream stacks that talk to the cluster themselves (they install what
 *     it plans against: CRDs read by kubernetes_manifest, controllers).
 * A stack with no Kubernetes provider still waits when it reads, with a data source, an
 * AWS object that a controller in the cluster creates (the observability stack's alarms
 * look up the ALB the Load Balancer Controller makes for the workloads' Ingress): it waits
 * for its unapplied upstream stacks that talk to the cluster.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runCli } from "./cli";
import { readManifest } from "./stack-order";

/** Providers that talk to a live API server while planning. */
export const CLUSTER_PROVIDERS = ["kubernetes", "helm"] as const;

/** AWS objects that only exist once a controller in the cluster has made them. */
export const CONTROLLER_MADE_DATA = ["aws_lb", "aws_lb_target_group"] as const;

type StackJson = { provider?: Record<string, unknown>; data?: Record<string, unknown> };

const REMOTE_STATE_REF = /data\.terraform_remote_state\.(?:remote-state-|cross-stack-reference-input-)([A-Za-z0-9_-]+)\./g;

function clusterProviders(stack: StackJson): unknown[] {
  return CLUSTER_PROVIDERS.map((p) => stack.provider?.[p]).filter((p) => p !== undefined);
}

/** `upstreams`: the synthesized upstream stacks this one depends on (manifest dependencies), by name. */
export function waitsFor(stack: StackJson, unapplied: readonly string[], upstreams: Readonly<Record<string, StackJson>> = {}): string[] {
  const providers = clusterProviders(stack);
  const talksToCluster = (s: string) => upstreams[s] !== undefined && clusterProviders(upstreams[s] as StackJson).length > 0;
  if (providers.length === 0) {
    const readsControllerMade = CONTROLLER_MADE_DATA.some((type) => stack.data?.[type] !== undefined);
    return readsControllerMade ? unapplied.filter(talksToCluster) : [];
  }
  const feeding = new Set([...JSON.stringify(providers).matchAll(REMOTE_STATE_REF)].map((m) => m[1] as string));
  return unapplied.filter((s) => feeding.has(s) || talksToCluster(s));
}

export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const usage = "usage: plan-readiness.ts MANIFEST STACK --unapplied STACK[,STACK...]";
  const [manifestPath, name, flag, list] = argv;
  if (manifestPath === undefined || name === undefined || flag !== "--unapplied" || argv.length > 4) {
    err(`${usage}\n`);
    return 1;
  }
  const unapplied = (list ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  try {
    const manifest = readManifest(manifestPath);
    const entry = Object.values(manifest.stacks).find((s) => s.name === name);
    if (!entry) throw new Error(`${manifestPath} has no stack ${name}`);
    const read = (path: string) => JSON.parse(readFileSync(join(dirname(manifestPath), path), "utf8")) as StackJson;
    const upstreams = Object.fromEntries(
      entry.dependencies.map((d) => [d, read(Object.values(manifest.stacks).find((s) => s.name === d)!.synthesizedStackPath)]),
    );
    const waits = waitsFor(read(entry.synthesizedStackPath), unapplied, upstreams);
    if (waits.length > 0) out(`${waits.join("\n")}\n`);
    return 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) runCli(main);
