import type { ContainerRequest, FargateSize, PodDemand } from "./types";
import type { FargateRates } from "./prices";

/**
 * How EKS sizes a Fargate pod, from "Understand Fargate Pod configuration
 * details" (docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html):
 *  1. the largest init container request and the sum of the long-running
 *     containers' requests are compared, per resource, and the larger is used;
 *  2. Fargate adds 256 MB of memory for kubelet, kube-proxy and containerd;
 *  3. the result is rounded up to the next vCPU / memory combination of its table.
 * The table's "GB" are read as GiB (1024 MiB), as Fargate's own values (512, 1024, …) are.
 */

/** Memory Fargate adds to every pod for its Kubernetes components. */
export const FARGATE_COMPONENTS_MIB = 256;

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to; value += step) out.push(value);
  return out;
}

/** Valid vCPU → memory (GiB) combinations, smallest first. */
export const FARGATE_TABLE: ReadonlyArray<{ readonly vcpu: number; readonly memoryGiB: readonly number[] }> = [
  { vcpu: 0.25, memoryGiB: [0.5, 1, 2] },
  { vcpu: 0.5, memoryGiB: range(1, 4, 1) },
  { vcpu: 1, memoryGiB: range(2, 8, 1) },
  { vcpu: 2, memoryGiB: range(4, 16, 1) },
  { vcpu: 4, memoryGiB: range(8, 30, 1) },
  { vcpu: 8, memoryGiB: range(16, 60, 4) },
  { vcpu: 16, memoryGiB: range(32, 120, 8) },
];

const sum = (list: readonly ContainerRequest[], pick: (c: ContainerRequest) => number): number =>
  list.reduce((total, c) => total + pick(c), 0);
const max = (list: readonly ContainerRequest[], pick: (c: ContainerRequest) => number): number =>
  list.reduce((best, c) => Math.max(best, pick(c)), 0);

/**
 * A pod's effective requests under Kubernetes' rule (the same one the
 * scheduler uses on EC2 nodes): per resource, max(largest init container,
 * sum of long-running containers). Sidecars are long-running containers.
 */
export function podDemand(
  containers: readonly ContainerRequest[],
  initContainers: readonly ContainerRequest[] = [],
  sidecars: readonly ContainerRequest[] = [],
): PodDemand {
  const running = [...containers, ...sidecars];
  return {
    cpuMillicores: Math.max(max(initContainers, (c) => c.cpuMillicores), sum(running, (c) => c.cpuMillicores)),
    memoryMiB: Math.max(max(initContainers, (c) => c.memoryMiB), sum(running, (c) => c.memoryMiB)),
  };
}

/** The Fargate size for a pod's effective requests, or undefined when no size is large enough. */
export function tryFargateSize(demand: PodDemand): FargateSize | undefined {
  const memoryMiB = demand.memoryMiB + FARGATE_COMPONENTS_MIB;
  for (const tier of FARGATE_TABLE) {
    if (tier.vcpu * 1000 < demand.cpuMillicores) continue;
    const memoryGiB = tier.memoryGiB.find((gib) => gib * 1024 >= memoryMiB);
    if (memoryGiB !== undefined) return { vcpu: tier.vcpu, memoryGiB };
  }
  return undefined;
}

/** Like `tryFargateSize`, but a pod too large for Fargate is an error naming the sizes. */
export function fargateSize(demand: PodDemand): FargateSize {
  const size = tryFargateSize(demand);
  if (size === undefined) {
    throw new Error(
      `a pod requesting ${demand.cpuMillicores}m CPU and ${demand.memoryMiB}Mi memory (+${FARGATE_COMPONENTS_MIB}Mi Fargate adds) is larger than the largest Fargate size, 16 vCPU / 120 GB`,
    );
  }
  return size;
}

/** Hourly price of one pod of that size. */
export function fargateHourly(size: FargateSize, rates: FargateRates): number {
  return size.vcpu * rates.vcpuHourly.value + size.memoryGiB * rates.gbHourly.value;
}

/** "0.5 vCPU / 1 GB", the way the CapacityProvisioned annotation reads. */
export function formatFargateSize(size: FargateSize): string {
  return `${size.vcpu} vCPU / ${size.memoryGiB} GB`;
}
