/**
 * Plain-data input of the cost model. The real service catalog is adapted to
 * these shapes, so they hold numbers and strings only (no classes, no tokens).
 *
 * Units: CPU in millicores (1 vCPU = 1000m), memory in MiB (1 GiB = 1024 MiB),
 * money in USD.
 */

/** Where a service's pods run. `auto` lets the optimizer choose. */
export type Placement = "fargate" | "ec2" | "auto";

/** A resolved placement: what a scenario actually uses. */
export type Target = "fargate" | "ec2";

/** CPU architecture of a node or of Fargate pods. */
export type Architecture = "x86_64" | "arm64";

/** Managed node group capacity type (the EKS API's names). */
export type CapacityType = "ON_DEMAND" | "SPOT";

/** Resource requests of one container. */
export interface ContainerRequest {
  /** For reports only. @default "" */
  readonly name?: string;
  /** CPU request in millicores. */
  readonly cpuMillicores: number;
  /** Memory request in MiB. */
  readonly memoryMiB: number;
}

/**
 * Facts about a service that force a placement. Any of the EC2 ones together
 * with `isolation` is a contradiction and is refused.
 */
export interface PlacementConstraints {
  /** Needs a real node (host path, node-local storage, a node selector on the group). @default false */
  readonly needsNode?: boolean;
  /**
   * Runs as a DaemonSet: one pod on every node, never on Fargate. Its pod is
   * counted against every node's capacity instead of being bin-packed.
   * @default false
   */
  readonly daemonSet?: boolean;
  /** Privileged containers or added capabilities Fargate refuses. @default false */
  readonly privileged?: boolean;
  /** Needs a GPU (Fargate has none). @default false */
  readonly gpu?: boolean;
  /** hostNetwork / hostPort, which Fargate does not support. @default false */
  readonly hostNetwork?: boolean;
  /** Must be isolated in its own micro-VM: forces Fargate. @default false */
  readonly isolation?: boolean;
}

/** One microservice as the cost model sees it. */
export interface CostService {
  /** Unique name; reports and placement results are keyed by it. */
  readonly name: string;
  /**
   * Pods that run in steady state: a deployment's replicas, or an
   * autoscaled service's minimum (or a configured steady-state count).
   */
  readonly replicas: number;
  /** Long-running application containers (sidecars excluded). */
  readonly containers: readonly ContainerRequest[];
  /** Init containers; only the largest counts (they run one after another). @default [] */
  readonly initContainers?: readonly ContainerRequest[];
  /** Extra sidecars besides the mesh proxy (log shippers, agents). @default [] */
  readonly sidecars?: readonly ContainerRequest[];
  /**
   * Whether the App Mesh injector adds Envoy to this service's pods.
   * @default CostInput.mesh.enabled
   */
  readonly meshSidecar?: boolean;
  /** Requested placement. */
  readonly placement: Placement;
  /** @default {} (no constraint) */
  readonly constraints?: PlacementConstraints;
}

/** A DaemonSet present on every EC2 node (never on Fargate). */
export interface DaemonSetRequest {
  readonly name: string;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/** The managed node group the cluster stack creates. */
export interface NodeGroupInput {
  /** An instance type present in the price table, e.g. `t3.medium`. */
  readonly instanceType: string;
  /** Nodes that run whatever the pods need: paid in every scenario. */
  readonly minSize: number;
  /** Nodes created at deploy time; compared with what the pods need. @default minSize */
  readonly desiredSize?: number;
  /** Upper bound the autoscaler may reach; exceeding it is reported. @default unbounded */
  readonly maxSize?: number;
  /** @default "ON_DEMAND" */
  readonly capacityType?: CapacityType;
  /** Root volume per node (EKS managed node groups default to 20 GiB). @default 20 */
  readonly diskGiB?: number;
  /** Root volume type. @default "gp3" */
  readonly diskType?: "gp2" | "gp3";
  /** Nodes in public subnets get a public IPv4 address, which is billed. @default false */
  readonly publicIp?: boolean;
  /** Overrides the ENI-based max pods (prefix delegation, custom networking). @default from the price table's ENI data */
  readonly maxPodsOverride?: number;
  /**
   * Share of the nominal memory the kernel and hypervisor keep, so the kubelet
   * sees less than the instance's GiB. Karpenter's documented heuristic.
   * @default 0.075
   */
  readonly vmMemoryOverheadFraction?: number;
}

/** Fixed-size CloudWatch Logs assumption (storage is only costed when given). */
export interface LogsInput {
  /** GiB ingested per month, your own estimate. Ingestion itself is usage-priced. */
  readonly ingestGiBPerMonth: number;
  /** Retention of the log groups in days. Steady-state stored GiB = ingest per month × days / 30.4. */
  readonly retentionDays: number;
}

/** DynamoDB tables billed on demand; only storage has a fixed figure. */
export interface DynamoDbInput {
  readonly tables: number;
  /** Total GiB stored across tables. */
  readonly storageGiB: number;
}

/** Everything the stacks create that has a price. */
export interface CostInput {
  /** Region: picks the instance data's EC2 prices (`npm run cost`, the config); the price table must match it. @default "us-east-1" */
  readonly region?: string;
  readonly services: readonly CostService[];
  readonly nodeGroup: NodeGroupInput;
  /** DaemonSets on every node. @default aws-node (25m) and kube-proxy (100m), no EBS/EFS CSI */
  readonly daemonSets?: readonly DaemonSetRequest[];
  /** App Mesh sidecar injection. @default enabled, Envoy 10m / 32Mi (controller chart 1.13.3 defaults) */
  readonly mesh?: { readonly enabled: boolean; readonly envoy?: ContainerRequest };
  /** Fargate pod architecture. EKS Fargate is x86_64 only today (ARM is an ECS feature). @default "x86_64" */
  readonly fargateArchitecture?: Architecture;
  /** EKS clusters (control planes). @default 1 */
  readonly controlPlanes?: number;
  /** Kubernetes version support tier. @default "standard" */
  readonly controlPlaneSupport?: "standard" | "extended";
  /** NAT gateways (one per AZ for HA, one to save money). */
  readonly natGateways: number;
  /** Application Load Balancers (the controller creates one per ingress group). */
  readonly albs: number;
  /** AZs each ALB spans; each holds a billed public IPv4 address. @default 2 */
  readonly albAzCount?: number;
  /** @default no fixed log storage figure */
  readonly logs?: LogsInput;
  /** @default no DynamoDB */
  readonly dynamodb?: DynamoDbInput;
  /** AWS Private CAs (general-purpose mode) the platform pays for: mesh TLS. @default 0 */
  readonly privateCas?: number;
  /** ACM private certificates issued for mesh TLS (a one-time charge, reported as a note). @default 0 */
  readonly privateCertificates?: number;
  /** AWS WAF web ACLs and the rules in each. @default none */
  readonly waf?: { readonly webAcls: number; readonly rulesPerAcl: number };
  /**
   * How `auto` services are placed in the "configured" scenario.
   * `optimize` runs the optimizer over them with the explicit ones fixed.
   * @default "optimize"
   */
  readonly autoDefault?: "optimize" | "fargate" | "ec2";
}

/** Pod-level resource demand after applying Kubernetes' request rules. */
export interface PodDemand {
  /** Effective CPU request in millicores. */
  readonly cpuMillicores: number;
  /** Effective memory request in MiB. */
  readonly memoryMiB: number;
}

/** A Fargate capacity configuration. */
export interface FargateSize {
  readonly vcpu: number;
  readonly memoryGiB: number;
}
