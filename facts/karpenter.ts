/**
 * Karpenter facts several stacks and the cost model share (its controller's identity is in
 * facts/controllers.ts, its discovery tag in facts/naming.ts).
 */

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

/** Capacity types as Karpenter names them (`karpenter.sh/capacity-type`). */
export const KARPENTER_CAPACITY_TYPES = ["on-demand", "spot"] as const;
export type KarpenterCapacityType = (typeof KARPENTER_CAPACITY_TYPES)[number];

/** Architectures as Kubernetes names them (`kubernetes.io/arch`). */
export const KARPENTER_ARCHITECTURES = ["amd64", "arm64"] as const;
export type KarpenterArchitecture = (typeof KARPENTER_ARCHITECTURES)[number];

/** Instance categories a pool may ask for (`karpenter.k8s.aws/instance-category`): general, compute, memory, burstable. */
export const INSTANCE_CATEGORIES = ["c", "m", "r", "t"] as const;
export type InstanceCategory = (typeof INSTANCE_CATEGORIES)[number];

/** Smallest size a family offers, which bounds the smallest node a pool can launch. */
export interface InstanceFamily {
  readonly category: InstanceCategory;
  readonly architecture: KarpenterArchitecture;
  /** vCPUs and GiB of the family's smallest size (e.g. m6i.large: 2 vCPU, 8 GiB; m7g.medium: 1 vCPU, 4 GiB). */
  readonly smallest: { readonly size: string; readonly vcpu: number; readonly memoryGiB: number };
}

const fam = (category: InstanceCategory, architecture: KarpenterArchitecture, size: string, vcpu: number, memoryGiB: number): InstanceFamily => ({
  category,
  architecture,
  smallest: { size, vcpu, memoryGiB },
});

/**
 * Current-generation families the platform knows, from the EC2 instance-type pages
 * (smallest size of each). A family not listed is refused rather than guessed; add it here
 * (and its sizes to the cost model's price table) to allow it.
 */
export const KNOWN_INSTANCE_FAMILIES: Readonly<Record<string, InstanceFamily>> = {
  t3: fam("t", "amd64", "nano", 2, 0.5),
  t3a: fam("t", "amd64", "nano", 2, 0.5),
  t4g: fam("t", "arm64", "nano", 2, 0.5),
  m5: fam("m", "amd64", "large", 2, 8),
  m5a: fam("m", "amd64", "large", 2, 8),
  m6i: fam("m", "amd64", "large", 2, 8),
  m6a: fam("m", "amd64", "large", 2, 8),
  m7i: fam("m", "amd64", "large", 2, 8),
  "m7i-flex": fam("m", "amd64", "large", 2, 8),
  m7a: fam("m", "amd64", "medium", 1, 4),
  m6g: fam("m", "arm64", "medium", 1, 4),
  m7g: fam("m", "arm64", "medium", 1, 4),
  m8g: fam("m", "arm64", "medium", 1, 4),
  c5: fam("c", "amd64", "large", 2, 4),
  c5a: fam("c", "amd64", "large", 2, 4),
  c6i: fam("c", "amd64", "large", 2, 4),
  c6a: fam("c", "amd64", "large", 2, 4),
  c7i: fam("c", "amd64", "large", 2, 4),
  c7a: fam("c", "amd64", "medium", 1, 2),
  c6g: fam("c", "arm64", "medium", 1, 2),
  c7g: fam("c", "arm64", "medium", 1, 2),
  c8g: fam("c", "arm64", "medium", 1, 2),
  r5: fam("r", "amd64", "large", 2, 16),
  r5a: fam("r", "amd64", "large", 2, 16),
  r6i: fam("r", "amd64", "large", 2, 16),
  r6a: fam("r", "amd64", "large", 2, 16),
  r7i: fam("r", "amd64", "large", 2, 16),
  r7a: fam("r", "amd64", "medium", 1, 8),
  r6g: fam("r", "arm64", "medium", 1, 8),
  r7g: fam("r", "arm64", "medium", 1, 8),
  r8g: fam("r", "arm64", "medium", 1, 8),
};

export const DEFAULT_CATEGORIES: readonly InstanceCategory[] = ["c", "m", "r"];

/** Instance generations Karpenter may pick when a pool gives categories: 5 and newer (the cost model's and the schema's families). */
export const MIN_INSTANCE_GENERATION = 4;

/** Label keys and prefixes Karpenter (and Kubernetes) reserve; a pool's own labels may not use them. */
export const RESERVED_LABEL_PREFIXES = ["karpenter.sh/", "karpenter.k8s.aws/", "kubernetes.io/", "k8s.io/", "node.kubernetes.io/", "topology.kubernetes.io/", "eks.amazonaws.com/"];
