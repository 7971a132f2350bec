import type { Naming } from "./naming";

/**
 * The one source of the names Karpenter's pieces must agree on across stacks: the
 * discovery tag the network stack puts on the private subnets and the cluster stack on the
 * node security group, which the EC2NodeClass (workloads stack) selects; and the
 * controller's namespace and service account, which its IRSA trust (cluster stack) names
 * and its Helm release (mesh stack) creates.
 */

/** Tag key Karpenter's getting-started guide uses for subnet and security-group discovery. */
export const KARPENTER_DISCOVERY_TAG_KEY = "karpenter.sh/discovery";

/** `{ "karpenter.sh/discovery": <cluster name> }`: on the private subnets and the node security group. */
export function karpenterDiscoveryTags(naming: Naming): Record<string, string> {
  return { [KARPENTER_DISCOVERY_TAG_KEY]: naming.prefix };
}

/** The EC2NodeClass selector terms that find what karpenterDiscoveryTags() tagged. */
export function karpenterDiscoverySelector(naming: Naming): { tags: Record<string, string> }[] {
  return [{ tags: karpenterDiscoveryTags(naming) }];
}

/** Where the controller runs and as whom; its IRSA trust names exactly this pair. */
export const KARPENTER_CONTROLLER = { namespace: "karpenter", serviceAccount: "karpenter", releaseName: "karpenter" } as const;

/** Name of the single EC2NodeClass every NodePool references. */
export const EC2_NODE_CLASS_NAME = "default";

/**
 * The controller's requests per replica (the chart sets none). Small enough for the managed
 * nodes it shares with CoreDNS and the add-ons; Karpenter's guide starts at 1 CPU / 1 GiB for
 * clusters with hundreds of nodes. The cost model subtracts them from the managed nodes.
 */
export const KARPENTER_CONTROLLER_REQUESTS = { cpuMillicores: 250, memoryMiB: 512 } as const;
/** Memory limit per replica (no CPU limit: throttling the controller slows every scale-up). */
export const KARPENTER_CONTROLLER_MEMORY_LIMIT_MIB = 1024;
