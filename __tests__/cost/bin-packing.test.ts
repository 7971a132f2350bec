import { describe, expect, it } from "vitest";
import { countNodesSorted, ffdOrder, firstFitDecreasing, type PodItem } from "../../placement/bin-packing";
import { eniMaxPods, kubeReservedCpuMillicores, kubeReservedMemoryMiB, nodeCapacity } from "../../placement/node-capacity";
import { DEFAULT_PRICES, findInstance } from "../../placement/prices";
import { mulberry32 } from "./support/random";

const pods = (list: readonly (readonly [number, number])[]): PodItem[] =>
  list.map(([cpuMillicores, memoryMiB], id) => ({ id, cpuMillicores, memoryMiB }));

const ds = [
  { name: "aws-node", cpuMillicores: 25, memoryMiB: 0 },
  { name: "kube-proxy", cpuMillicores: 100, memoryMiB: 0 },
];

describe("node capacity (EKS AMI kubelet rules)", () => {
  it("max pods = ENIs × (IPv4 per ENI − 1) + 2, matching eni-max-pods.txt", () => {
    const of = (type: string) => eniMaxPods(findInstance(DEFAULT_PRICES, type));
    expect(of("t3.small")).toBe(11);
    expect(of("t3.medium")).toBe(17);
    expect(of("t3.large")).toBe(35);
    expect(of("m5.large")).toBe(29);
    expect(of("m5.xlarge")).toBe(58);
    expect(of("m6g.large")).toBe(29);
  });

  it("kube-reserved CPU: 6% of core 1, 1% of core 2, 0.5% of cores 3-4, 0.25% above", () => {
    expect(kubeReservedCpuMillicores(1)).toBe(60);
    expect(kubeReservedCpuMillicores(2)).toBe(70);
    expect(kubeReservedCpuMillicores(4)).toBe(80);
    expect(kubeReservedCpuMillicores(8)).toBe(90);
    expect(kubeReservedCpuMillicores(16)).toBe(110);
    expect(kubeReservedCpuMillicores(48)).toBe(190);
  });

  it("kube-reserved memory: 11 MiB per pod + 255 MiB", () => {
    expect(kubeReservedMemoryMiB(17)).toBe(442);
    expect(kubeReservedMemoryMiB(29)).toBe(574);
  });

  it("t3.medium with aws-node and kube-proxy leaves 1805m / 3246Mi and 15 pod slots", () => {
    const node = nodeCapacity("t3.medium", findInstance(DEFAULT_PRICES, "t3.medium"), { daemonSets: ds });
    expect(node).toEqual({
      maxPods: 17,
      capacity: { cpuMillicores: 2000, memoryMiB: 3788 }, // floor(4096 × 0.925)
      kubeReserved: { cpuMillicores: 70, memoryMiB: 442 },
      evictionMiB: 100,
      allocatable: { cpuMillicores: 1930, memoryMiB: 3246 },
      daemonSets: { cpuMillicores: 125, memoryMiB: 0, pods: 2 },
      free: { cpuMillicores: 1805, memoryMiB: 3246, podSlots: 15 },
    });
  });

  it("max pods override (prefix delegation) changes slots and the memory reservation", () => {
    const node = nodeCapacity("t3.medium", findInstance(DEFAULT_PRICES, "t3.medium"), { daemonSets: ds, maxPodsOverride: 110 });
    expect(node.kubeReserved.memoryMiB).toBe(11 * 110 + 255);
    expect(node.free).toEqual({ cpuMillicores: 1805, memoryMiB: 3788 - 1465 - 100, podSlots: 108 });
  });

  it("refuses a node type the DaemonSets fill up", () => {
    expect(() =>
      nodeCapacity("t3.small", findInstance(DEFAULT_PRICES, "t3.small"), { daemonSets: [{ name: "greedy", cpuMillicores: 1930, memoryMiB: 0 }] }),
    ).toThrow("a t3.small node has no room left after its DaemonSets (free: 0m CPU, 1418Mi memory, 10 pod slots); choose a larger instance type");
  });
});

describe("first-fit decreasing", () => {
  const node = { cpuMillicores: 1000, memoryMiB: 1000, podSlots: 100 };

  it("packs CPU-bound pods two per node", () => {
    expect(firstFitDecreasing(pods([[400, 100], [400, 100], [400, 100], [400, 100], [400, 100], [400, 100]]), node).nodes).toBe(3);
  });

  it("packs memory-bound pods one per node", () => {
    expect(firstFitDecreasing(pods([[100, 600], [100, 600], [100, 600]]), node).nodes).toBe(3);
  });

  it("combines complementary pods in the decreasing order", () => {
    // Order: A(600,100), D(100,600) [same share, more CPU first], B(500,500), C(400,400), E(300,300).
    const result = firstFitDecreasing(pods([[600, 100], [500, 500], [400, 400], [100, 600], [300, 300]]), node);
    expect(result.nodes).toBe(2);
    expect(result.bins.map((b) => b.pods.map((p) => p.id))).toEqual([
      [0, 3, 4],
      [1, 2],
    ]);
    expect(result.bins.map((b) => [b.cpuMillicores, b.memoryMiB])).toEqual([
      [1000, 1000],
      [900, 900],
    ]);
  });

  it("respects the max-pods limit: 15 slots on a t3.medium", () => {
    const t3 = nodeCapacity("t3.medium", findInstance(DEFAULT_PRICES, "t3.medium"), { daemonSets: ds }).free;
    const tiny = (n: number) => pods(Array.from({ length: n }, () => [10, 10] as const));
    expect(firstFitDecreasing(tiny(15), t3).nodes).toBe(1);
    expect(firstFitDecreasing(tiny(16), t3).nodes).toBe(2);
    expect(firstFitDecreasing(tiny(31), t3).nodes).toBe(3);
  });

  it("counts DaemonSet overhead on every node: one more 10m DaemonSet turns 2 nodes into 3", () => {
    const spec = findInstance(DEFAULT_PRICES, "t3.medium");
    const six = pods(Array.from({ length: 6 }, () => [600, 100] as const));
    // 3 × 600m = 1800m ≤ 1805m free: three per node.
    expect(firstFitDecreasing(six, nodeCapacity("t3.medium", spec, { daemonSets: ds }).free).nodes).toBe(2);
    const withAgent = [...ds, { name: "agent", cpuMillicores: 10, memoryMiB: 64 }];
    // 1795m free: two per node.
    expect(firstFitDecreasing(six, nodeCapacity("t3.medium", spec, { daemonSets: withAgent }).free).nodes).toBe(3);
  });

  it("refuses a pod larger than an empty node", () => {
    expect(() => firstFitDecreasing(pods([[1001, 10]]), node)).toThrow("pod 0 (1001m CPU, 10Mi) does not fit an empty node (1000m CPU, 1000Mi free)");
  });

  it("the optimizer's fast counter agrees with the reference implementation", () => {
    const random = mulberry32(7);
    for (let round = 0; round < 200; round++) {
      const list = pods(Array.from({ length: 1 + Math.floor(random() * 40) }, () => [1 + Math.floor(random() * 900), 1 + Math.floor(random() * 900)] as const));
      const shape = { cpuMillicores: 1000, memoryMiB: 1000, podSlots: 2 + Math.floor(random() * 10) };
      expect(countNodesSorted(ffdOrder(list, shape), shape)).toBe(firstFitDecreasing(list, shape).nodes);
    }
  });
});
