import type { ITerraformDependable } from "cdktf";
import { readOutputs } from "../contracts";
import { KARPENTER_OUTPUTS } from "../contracts/karpenter";
import type { PlatformStack } from "../platform-stack";
import { clusterState } from "../addons/capacity-addons";
import { KarpenterNodePools } from "../addons/karpenter/node-pools";
import { VerticalPodAutoscalers } from "../addons/vertical-pod-autoscaler/objects";

/**
 * The workloads stack's one call for capacity objects whose CRDs the mesh stack installs:
 * Karpenter's EC2NodeClass and NodePools (cluster.autoscaling "karpenter") and a
 * recommendation-only VerticalPodAutoscaler per Deployment (cluster.verticalPodAutoscaler).
 */
export function addWorkloadCapacity(stack: PlatformStack, props: { readonly namespaces: ITerraformDependable[] }): { nodePools?: KarpenterNodePools } {
  const { cluster, workloads } = stack.config;
  let nodePools: KarpenterNodePools | undefined;
  if (cluster.autoscaling === "karpenter") {
    const karpenter = readOutputs(clusterState(stack), KARPENTER_OUTPUTS);
    nodePools = new KarpenterNodePools(stack, "karpenter-node-pools", { naming: stack.naming, settings: cluster.karpenter, nodeRoleName: karpenter.karpenterNodeRoleName });
  }
  if (cluster.verticalPodAutoscaler) {
    new VerticalPodAutoscalers(stack, "vertical-pod-autoscalers", { services: workloads.app.services, dependsOn: props.namespaces });
  }
  return { nodePools };
}
