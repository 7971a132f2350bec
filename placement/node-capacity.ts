import type { InstanceSpec } from "./prices";
import type { DaemonSetRequest } from "./types";

/**
 * What one EKS node leaves for workload pods, computed the way the EKS
 * optimized AMIs configure the kubelet (awslabs/amazon-eks-ami,
 * nodeadm/internal/kubelet/config.go; AL2's bootstrap.sh used the same rules):
 *
 *   maxPods       = ENIs × (IPv4 per ENI − 1) + 2      (VPC CNI without prefix delegation)
 *   kubeReserved  cpu    = 6% of core 1 + 1% of core 2 + 0.5% of cores 3–4 + 0.25% above 4
 *                 memory = 11 MiB × maxPods + 255 MiB
 *   systemReserved       = none
 *   evictionHard         = memory.available < 100Mi
 *   allocatable   = capacity − kubeReserved − eviction threshold
 *
 * The kubelet's memory capacity is below the instance's nominal GiB (kernel,
 * hypervisor); that share is an input, defaulting to Karpenter's documented
 * heuristic of 7.5% (VM_MEMORY_OVERHEAD_PERCENT / vmMemoryOverheadPercent).
 * DaemonSets then take their requests and one pod slot each on every node.
 */

export const EVICTION_HARD_MEMORY_MIB = 100;
export const DEFAULT_VM_MEMORY_OVERHEAD = 0.075;

/** Max pods from the instance's ENI limits (the +2 are aws-node and kube-proxy, host-network pods). */
export function eniMaxPods(spec: Pick<InstanceSpec, "maxEnis" | "ipv4PerEni">): number {
  return spec.maxEnis * (spec.ipv4PerEni - 1) + 2;
}

/** kube-reserved CPU in millicores for a node with `vcpu` cores (integer maths as in nodeadm). */
export function kubeReservedCpuMillicores(vcpu: number): number {
  const total = Math.round(vcpu * 1000);
  const bounds = [0, 1000, 2000, 4000, Math.max(total, 4000)];
  const basisPoints = [600, 100, 50, 25];
  let reserved = 0;
  for (let i = 0; i < basisPoints.length; i++) {
    const start = bounds[i]!;
    if (total <= start) break;
    const end = Math.min(total, bounds[i + 1]!);
    reserved += Math.floor(((end - start) * basisPoints[i]!) / 10000);
  }
  return reserved;
}

/** kube-reserved memory in MiB: grows with pod density. */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 11 * maxPods + 255;
}

/** Room on one node for workload pods. */
export interface NodeShape {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  readonly podSlots: number;
}

export interface NodeCapacity {
  readonly maxPods: number;
  /** What the kubelet reports as capacity. */
  readonly capacity: { readonly cpuMillicores: number; readonly memoryMiB: number };
  readonly kubeReserved: { readonly cpuMillicores: number; readonly memoryMiB: number };
  readonly evictionMiB: number;
  /** Node allocatable (what `kubectl describe node` shows). */
  readonly allocatable: { readonly cpuMillicores: number; readonly memoryMiB: number };
  /** Sum of the DaemonSets' requests on this node. */
  readonly daemonSets: { readonly cpuMillicores: number; readonly memoryMiB: number; readonly pods: number };
  /** Allocatable minus DaemonSets: what the bin-packer fills. */
  readonly free: NodeShape;
}

export interface NodeCapacityOptions {
  /** @default eniMaxPods(spec) */
  readonly maxPodsOverride?: number;
  /** @default DEFAULT_VM_MEMORY_OVERHEAD */
  readonly vmMemoryOverheadFraction?: number;
  /** @default [] */
  readonly daemonSets?: readonly DaemonSetRequest[];
}

export function nodeCapacity(instanceType: string, spec: InstanceSpec, options: NodeCapacityOptions = {}): NodeCapacity {
  const maxPods = options.maxPodsOverride ?? eniMaxPods(spec);
  const overhead = options.vmMemoryOverheadFraction ?? DEFAULT_VM_MEMORY_OVERHEAD;
  const capacity = { cpuMillicores: spec.vcpu * 1000, memoryMiB: Math.floor(spec.memoryMiB * (1 - overhead)) };
  const kubeReserved = { cpuMillicores: kubeReservedCpuMillicores(spec.vcpu), memoryMiB: kubeReservedMemoryMiB(maxPods) };
  const allocatable = {
    cpuMillicores: capacity.cpuMillicores - kubeReserved.cpuMillicores,
    memoryMiB: capacity.memoryMiB - kubeReserved.memoryMiB - EVICTION_HARD_MEMORY_MIB,
  };
  const ds = options.daemonSets ?? [];
  const daemonSets = {
    cpuMillicores: ds.reduce((t, d) => t + d.cpuMillicores, 0),
    memoryMiB: ds.reduce((t, d) => t + d.memoryMiB, 0),
    pods: ds.length,
  };
  const free = {
    cpuMillicores: allocatable.cpuMillicores - daemonSets.cpuMillicores,
    memoryMiB: allocatable.memoryMiB - daemonSets.memoryMiB,
    podSlots: maxPods - daemonSets.pods,
  };
  if (free.cpuMillicores <= 0 || free.memoryMiB <= 0 || free.podSlots <= 0) {
    throw new Error(
      `a ${instanceType} node has no room left after its DaemonSets (free: ${free.cpuMillicores}m CPU, ${free.memoryMiB}Mi memory, ${free.podSlots} pod slots); choose a larger instance type`,
    );
  }
  return { maxPods, capacity, kubeReserved, evictionMiB: EVICTION_HARD_MEMORY_MIB, allocatable, daemonSets, free };
}
