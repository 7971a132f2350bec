import type { KarpenterSettings, NodePoolSettings } from "./autoscaling";


import type { Ec2Scheduling } from "./cross-checks";
import { nodePoolLabels, TAINT_EFFECT } from "../../facts/labels";

/**
 * Where an EC2 pod can land when Karpenter provisions nodes: a NodePool satisfies a node
 * selector when every key is one of the pool's labels with that value, or one of the
 * well-known keys Karpenter fills from the pool's requirements (architecture, capacity
 * type, OS, the pool's name). The same function serves the synth-time check and the
 * workloads stack, so the two can never disagree.
 */

/** Values a pool's nodes may take for the keys Karpenter sets from requirements. */
function requirementValues(name: string, pool: NodePoolSettings): Record<string, readonly string[]> {
  return {
    "kubernetes.io/arch": pool.architectures,
    "karpenter.sh/capacity-type": pool.capacityTypes,
    "kubernetes.io/os": ["linux"],
    "karpenter.sh/nodepool": [name],
  };
}

/** True when some node of the pool can carry every label of the selector. */
export function poolSatisfies(name: string, pool: NodePoolSettings, selector: Record<string, string>): boolean {
  const fixed = nodePoolLabels(name, pool);
  const variable = requirementValues(name, pool);
  return Object.entries(selector).every(([k, v]) => (k in fixed ? fixed[k] === v : (variable[k]?.includes(v) ?? false)));
}

interface ClusterView {
  readonly autoscaling: "none" | "karpenter";
  readonly karpenter: Pick<KarpenterSettings, "nodePools">;
}

/** NodePools (by name) whose nodes satisfy the selector; none when Karpenter is off. */
export function satisfyingNodePools(selector: Record<string, string>, cluster: ClusterView): string[] {
  if (cluster.autoscaling !== "karpenter") return [];
  return Object.entries(cluster.karpenter.nodePools)
    .filter(([name, pool]) => poolSatisfies(name, pool, selector))
    .map(([name]) => name)
    .sort();
}

/** "; NodePools offer: default {...}" for refusal messages, "" when Karpenter is off. */
export function nodePoolsOffered(cluster: ClusterView): string {
  if (cluster.autoscaling !== "karpenter") return "";
  const pools = Object.entries(cluster.karpenter.nodePools).map(([n, p]) => `${n} ${JSON.stringify(nodePoolLabels(n, p))}`);
  return `; NodePools offer: ${pools.join("; ") || "none"}`;
}

/** An EC2 service's scheduling with the satisfying NodePools' taints tolerated too. */
export function withNodePools(scheduling: Ec2Scheduling, cluster: ClusterView): Ec2Scheduling {
  const pools = satisfyingNodePools(scheduling.nodeSelector, cluster);
  if (pools.length === 0) return scheduling;
  const tolerations = new Map(scheduling.tolerations.map((t) => [`${t.key}=${t.value ?? ""}:${t.effect}`, t]));
  for (const name of pools) {
    for (const t of cluster.karpenter.nodePools[name].taints) {
      const effect = TAINT_EFFECT[t.effect];
      tolerations.set(`${t.key}=${t.value ?? ""}:${effect}`, { key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect });
    }
  }
  return { ...scheduling, tolerations: [...tolerations.values()] };
}
