import { describe, expect, it } from "vitest";
import type { PodItem } from "../../placement/bin-packing";
import { fargateHourly, fargateSize } from "../../placement/fargate-sizing";
import {
  evaluatePlacement,
  exhaustivePlacement,
  optimizePlacement,
  placementLowerBound,
  type PlacementItem,
  type PlacementProblem,
} from "../../placement/optimizer";
import { DEFAULT_PRICES } from "../../placement/prices";
import { intBetween, mulberry32 } from "./support/random";

const rates = DEFAULT_PRICES.fargate.x86_64;
const T3_MEDIUM_FREE = { cpuMillicores: 1805, memoryMiB: 3246, podSlots: 15 };

/** A random catalog of k services priced with the real Fargate sizing. */
function randomProblem(seed: number, k: number): PlacementProblem {
  const random = mulberry32(seed);
  let id = 0;
  const makePods = (n: number, cpu: number, mem: number): PodItem[] =>
    Array.from({ length: n }, () => ({ id: id++, cpuMillicores: cpu, memoryMiB: mem }));
  const fixedEc2Pods = makePods(intBetween(random, 0, 3), intBetween(random, 50, 900), intBetween(random, 64, 1500));
  const items: PlacementItem[] = Array.from({ length: k }, (_, i) => {
    // Now and then a pod too large for the node, which must stay on Fargate.
    const cpu = random() < 0.08 ? 1900 : intBetween(random, 20, 1500);
    const mem = intBetween(random, 32, 3000);
    const replicas = intBetween(random, 1, 3);
    const perPod = fargateHourly(fargateSize({ cpuMillicores: cpu, memoryMiB: mem }), rates);
    return { name: `svc-${i}`, fargateHourly: perPod * replicas, pods: makePods(replicas, cpu, mem) };
  });
  const nodeHourly = [0.0438, 0.0982, 0.1942][intBetween(random, 0, 2)]!;
  return { items, fixedEc2Pods, node: T3_MEDIUM_FREE, nodeHourly, minNodes: intBetween(random, 0, 2) };
}

describe("placement optimizer", () => {
  it("matches exhaustive search over all 2^k assignments on 150 random catalogs (k ≤ 12)", () => {
    let checked = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const k = 1 + (seed % 12);
      const problem = randomProblem(seed, k);
      const best = exhaustivePlacement(problem);
      const found = optimizePlacement(problem);
      expect(found.provenOptimal, `seed ${seed}`).toBe(true);
      expect(found.hourly, `seed ${seed}, k ${k}`).toBeCloseTo(best.hourly, 9);
      // The reported cost is the cost of the reported assignment.
      expect(evaluatePlacement(problem, found.ec2).hourly).toBeCloseTo(found.hourly, 12);
      // The bound is a bound.
      expect(placementLowerBound(problem)).toBeLessThanOrEqual(best.hourly + 1e-9);
      checked++;
    }
    expect(checked).toBe(150);
  });

  it("fills the node group's minimum, paid anyway, before paying for Fargate", () => {
    const problem: PlacementProblem = {
      items: [
        { name: "a", fargateHourly: 0.0123, pods: [{ id: 0, cpuMillicores: 100, memoryMiB: 128 }] },
        { name: "b", fargateHourly: 0.0123, pods: [{ id: 1, cpuMillicores: 100, memoryMiB: 128 }] },
      ],
      fixedEc2Pods: [],
      node: T3_MEDIUM_FREE,
      nodeHourly: 0.0438,
      minNodes: 1,
    };
    const result = optimizePlacement(problem);
    expect(result.ec2).toEqual([true, true]);
    expect(result.nodes).toBe(1);
    expect(result.hourly).toBeCloseTo(0.0438, 12);
  });

  it("keeps small services on Fargate when they would need a node of their own", () => {
    const problem: PlacementProblem = {
      items: [{ name: "small", fargateHourly: 2 * 0.0123425, pods: [{ id: 0, cpuMillicores: 100, memoryMiB: 128 }, { id: 1, cpuMillicores: 100, memoryMiB: 128 }] }],
      fixedEc2Pods: [],
      node: T3_MEDIUM_FREE,
      nodeHourly: 0.0438,
      minNodes: 0,
    };
    const result = optimizePlacement(problem);
    expect(result.ec2).toEqual([false]);
    expect(result.hourly).toBeCloseTo(0.024685, 12);
  });

  it("never puts a service whose pods exceed a node on EC2", () => {
    const problem: PlacementProblem = {
      items: [{ name: "big", fargateHourly: 10, pods: [{ id: 0, cpuMillicores: 1900, memoryMiB: 128 }] }],
      fixedEc2Pods: [],
      node: T3_MEDIUM_FREE,
      nodeHourly: 0.01,
      minNodes: 0,
    };
    expect(optimizePlacement(problem).ec2).toEqual([false]);
    expect(exhaustivePlacement(problem).ec2).toEqual([false]);
  });

  it("handles 500 services well under a second, never worse than either pure choice, with a bound", () => {
    const random = mulberry32(500);
    let id = 0;
    const items: PlacementItem[] = Array.from({ length: 500 }, (_, i) => {
      const cpu = [100, 250, 500, 990, 1500][intBetween(random, 0, 4)]!;
      const mem = [256, 512, 1024, 1760, 3072][intBetween(random, 0, 4)]!;
      const replicas = intBetween(random, 1, 3);
      const perPod = fargateHourly(fargateSize({ cpuMillicores: cpu + 10, memoryMiB: mem + 32 }), rates);
      return {
        name: `svc-${i}`,
        fargateHourly: perPod * replicas,
        pods: Array.from({ length: replicas }, () => ({ id: id++, cpuMillicores: cpu + 10, memoryMiB: mem + 32 })),
      };
    });
    // m5.xlarge after reservations and the two default DaemonSets.
    const problem: PlacementProblem = { items, fixedEc2Pods: [], node: { cpuMillicores: 3795, memoryMiB: 14167, podSlots: 56 }, nodeHourly: 0.1942, minNodes: 3 };
    optimizePlacement(problem); // warm-up (JIT)
    const started = performance.now();
    const result = optimizePlacement(problem);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    const allEc2 = evaluatePlacement(problem, items.map(() => true)).hourly;
    const allFargate = evaluatePlacement(problem, items.map(() => false)).hourly;
    expect(result.hourly).toBeLessThanOrEqual(Math.min(allEc2, allFargate) + 1e-9);
    expect(result.lowerBound).toBeLessThanOrEqual(result.hourly);
    expect(result.provenOptimal).toBe(false);
    expect(result.method).toBe("heuristic-with-bound");
    // The gap to the bound (valid for any packing) stays small on this catalog.
    expect((result.hourly - result.lowerBound) / result.hourly).toBeLessThan(0.05);
  });

  it("accepts a service scaled to zero", () => {
    const problem: PlacementProblem = {
      items: [
        { name: "idle", fargateHourly: 0, pods: [] },
        { name: "web", fargateHourly: 0.05, pods: [{ id: 0, cpuMillicores: 100, memoryMiB: 128 }] },
      ],
      fixedEc2Pods: [],
      node: T3_MEDIUM_FREE,
      nodeHourly: 0.0438,
      minNodes: 0,
    };
    const result = optimizePlacement(problem);
    expect(result.hourly).toBeCloseTo(0.0438, 12);
    expect(result.hourly).toBeCloseTo(exhaustivePlacement(problem).hourly, 12);
  });

  it("refuses duplicate pod ids", () => {
    const pod = { id: 1, cpuMillicores: 10, memoryMiB: 10 };
    expect(() =>
      optimizePlacement({ items: [{ name: "a", fargateHourly: 1, pods: [pod] }], fixedEc2Pods: [pod], node: T3_MEDIUM_FREE, nodeHourly: 1, minNodes: 0 }),
    ).toThrow("pod id 1 is used twice; ids must be unique across the problem");
  });
});
