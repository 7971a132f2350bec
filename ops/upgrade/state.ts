/**
 * What the cluster stack's Terraform state holds about the running cluster, and what the
 * synthesized cluster stack (cdktf.out) will set: the two sides `npm run upgrade` compares.
 * State is read where stacks/constructs/state-backend.ts puts it (`statePathFor`, the same
 * path `npm run outputs` reads); add-on target builds come from the synthesized stack, so
 * this command keeps no version table of its own (config and facts/ own those).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ClusterState {
  readonly clusterName: string;
  readonly version: string;
  readonly addons: readonly { readonly name: string; readonly version: string }[];
  readonly nodeGroups: readonly { readonly name: string; readonly version: string }[];
}

export interface ClusterTarget {
  readonly version: string;
  readonly addons: readonly { readonly name: string; readonly version: string }[];
  readonly nodeGroups: readonly string[];
}

interface StateResource {
  mode?: string;
  type?: string;
  instances?: { attributes?: Record<string, unknown> }[];
}

function attributes(resources: readonly StateResource[], type: string): Record<string, unknown>[] {
  return resources
    .filter((r) => r.mode !== "data" && r.type === type)
    .flatMap((r) => (r.instances ?? []).map((i) => i.attributes ?? {}));
}

/** The cluster as its tfstate (format 4) records it. */
export function readClusterState(stateJson: unknown, origin: string): ClusterState {
  const doc = stateJson as { version?: unknown; resources?: StateResource[] };
  if (doc?.version !== 4) throw new Error(`${origin}: not a Terraform state file (format 4)`);
  const resources = doc.resources ?? [];
  const clusters = attributes(resources, "aws_eks_cluster");
  const cluster = clusters[0];
  if (cluster === undefined || typeof cluster.version !== "string" || typeof cluster.name !== "string") {
    throw new Error(`${origin}: holds no aws_eks_cluster; deploy the cluster stack first (\`npx cdktf deploy cluster\`)`);
  }
  return {
    clusterName: cluster.name,
    version: cluster.version,
    addons: attributes(resources, "aws_eks_addon").map((a) => ({ name: String(a.addon_name), version: String(a.addon_version) })),
    nodeGroups: attributes(resources, "aws_eks_node_group").map((g) => ({ name: String(g.node_group_name), version: String(g.version) })),
  };
}

export function loadClusterState(statePath: string): ClusterState {
  if (!existsSync(statePath)) {
    throw new Error(`${statePath}: no state: the cluster stack is not deployed (with the S3 backend, pull it with \`terraform state pull\` into this path)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(statePath, "utf8")) as unknown;
  } catch (error) {
    throw new Error(`${statePath}: ${(error as Error).message}`);
  }
  return readClusterState(json, statePath);
}

/** What the synthesized cluster stack (cdk.tf.json) sets: cluster version, add-on builds, node groups. */
export function readClusterTarget(stackJson: unknown, origin: string): ClusterTarget {
  const resource = (stackJson as { resource?: Record<string, Record<string, Record<string, unknown>>> })?.resource ?? {};
  const cluster = Object.values(resource.aws_eks_cluster ?? {})[0];
  if (cluster === undefined || typeof cluster.version !== "string") throw new Error(`${origin}: synthesized cluster stack has no aws_eks_cluster with a version`);
  return {
    version: cluster.version,
    addons: Object.values(resource.aws_eks_addon ?? {}).map((a) => ({ name: String(a.addon_name), version: String(a.addon_version) })),
    nodeGroups: Object.values(resource.aws_eks_node_group ?? {}).map((g) => String(g.node_group_name)),
  };
}

export function clusterStackPath(outDir: string): string {
  return join(outDir, "stacks", "cluster", "cdk.tf.json");
}

export function loadClusterTarget(outDir: string): ClusterTarget {
  const file = clusterStackPath(outDir);
  if (!existsSync(file)) throw new Error(`${file}: not synthesized; run \`npx cdktf synth\` first (the add-on builds for the target come from it)`);
  return readClusterTarget(JSON.parse(readFileSync(file, "utf8")) as unknown, file);
}
