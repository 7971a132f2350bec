import type { NodeShape } from "./node-capacity";

/**
 * Packing model for EC2 pods: first-fit decreasing over two resources (CPU
 * and memory requests) plus the node's pod-slot limit, as a third dimension.
 * It mirrors what the scheduler can achieve when nodes are added one at a
 * time, without claiming the optimal packing (an NP-hard problem). The
 * optimizer and its exhaustive test both use this same function, so
 * "optimal placement" means optimal under this packing model.
 *
 * Order: by dominant share (the largest fraction of a node the pod takes on
 * any dimension), then CPU, then memory, then id, so the order is total and
 * a subset of pods keeps the relative order it had in the whole set.
 */

export interface PodItem {
  /** Unique and stable: the final tie-breaker of the order. */
  readonly id: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

export interface NodeBin {
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  readonly pods: readonly PodItem[];
}

export interface PackResult {
  readonly nodes: number;
  readonly bins: readonly NodeBin[];
}

/** True when the pod fits an empty node. */
export function fitsNode(pod: Pick<PodItem, "cpuMillicores" | "memoryMiB">, node: NodeShape): boolean {
  return pod.cpuMillicores <= node.cpuMillicores && pod.memoryMiB <= node.memoryMiB && node.podSlots >= 1;
}

function dominantShare(pod: PodItem, node: NodeShape): number {
  return Math.max(pod.cpuMillicores / node.cpuMillicores, pod.memoryMiB / node.memoryMiB, 1 / node.podSlots);
}

/** Sorts pods into first-fit-decreasing order for `node` (returns a new array). */
export function ffdOrder(pods: readonly PodItem[], node: NodeShape): PodItem[] {
  const keyed = pods.map((pod) => ({ pod, share: dominantShare(pod, node) }));
  keyed.sort(
    (a, b) =>
      b.share - a.share ||
      b.pod.cpuMillicores - a.pod.cpuMillicores ||
      b.pod.memoryMiB - a.pod.memoryMiB ||
      a.pod.id - b.pod.id,
  );
  return keyed.map((k) => k.pod);
}

function tooLarge(pod: PodItem, node: NodeShape): Error {
  return new Error(
    `pod ${pod.id} (${pod.cpuMillicores}m CPU, ${pod.memoryMiB}Mi) does not fit an empty node (${node.cpuMillicores}m CPU, ${node.memoryMiB}Mi free)`,
  );
}

/**
 * Node count of FFD for pods already in `ffdOrder` (the optimizer's hot path:
 * it sorts the whole catalog once and filters). `include` selects a subset.
 */
export function countNodesSorted(sorted: readonly PodItem[], node: NodeShape, include?: (pod: PodItem) => boolean): number {
  const cpu: number[] = [];
  const mem: number[] = [];
  const slots: number[] = [];
  for (const pod of sorted) {
    if (include !== undefined && !include(pod)) continue;
    let placed = false;
    for (let b = 0; b < cpu.length; b++) {
      if (cpu[b]! >= pod.cpuMillicores && mem[b]! >= pod.memoryMiB && slots[b]! >= 1) {
        cpu[b]! -= pod.cpuMillicores;
        mem[b]! -= pod.memoryMiB;
        slots[b]! -= 1;
        placed = true;
        break;
      }
    }
    if (placed) continue;
    if (!fitsNode(pod, node)) throw tooLarge(pod, node);
    cpu.push(node.cpuMillicores - pod.cpuMillicores);
    mem.push(node.memoryMiB - pod.memoryMiB);
    slots.push(node.podSlots - 1);
  }
  return cpu.length;
}

/** First-fit decreasing with the bins' contents, for reports and tests. */
export function firstFitDecreasing(pods: readonly PodItem[], node: NodeShape): PackResult {
  const bins: { cpu: number; mem: number; pods: PodItem[] }[] = [];
  for (const pod of ffdOrder(pods, node)) {
    let bin = bins.find(
      (b) => b.cpu + pod.cpuMillicores <= node.cpuMillicores && b.mem + pod.memoryMiB <= node.memoryMiB && b.pods.length < node.podSlots,
    );
    if (bin === undefined) {
      if (!fitsNode(pod, node)) throw tooLarge(pod, node);
      bin = { cpu: 0, mem: 0, pods: [] };
      bins.push(bin);
    }
    bin.cpu += pod.cpuMillicores;
    bin.mem += pod.memoryMiB;
    bin.pods.push(pod);
  }
  return {
    nodes: bins.length,
    bins: bins.map((b) => ({ cpuMillicores: b.cpu, memoryMiB: b.mem, pods: b.pods })),
  };
}
