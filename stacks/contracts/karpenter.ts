import type { Contract, ContractValues } from "./index";

/**
 * What the cluster stack hands the mesh and workloads stacks for Karpenter. Published in
 * every mode ("" when `cluster.autoscaling` is "none"), so the contract's shape never
 * depends on the config.
 */
export const KARPENTER_OUTPUTS = {
  karpenterNodeRoleName: { name: "karpenter_node_role_name", kind: "string", description: "IAM role of Karpenter's nodes (EC2NodeClass spec.role; Karpenter creates the instance profile) (\"\" when Karpenter is off)" },
  karpenterControllerRoleArn: { name: "karpenter_controller_role_arn", kind: "string", description: "IRSA role of the Karpenter controller (\"\" when Karpenter is off)" },
  karpenterInterruptionQueueName: { name: "karpenter_interruption_queue_name", kind: "string", description: "SQS queue of spot interruption, rebalance, state-change and health events for Karpenter (\"\" when Karpenter is off)" },
} as const satisfies Contract;

export type KarpenterOutputs = ContractValues<typeof KARPENTER_OUTPUTS>;

export const NO_KARPENTER: KarpenterOutputs = { karpenterNodeRoleName: "", karpenterControllerRoleArn: "", karpenterInterruptionQueueName: "" };
