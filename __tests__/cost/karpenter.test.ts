import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load";
import { runCli, type CliIo } from "../../cost/command";
import { resolveCostInput } from "../../placement/input";
import { compareKarpenter, compareScenario, poolInstanceTypes } from "../../cost/karpenter";
import { buildCostReport } from "../../cost/model";
import { DEFAULT_PRICES as P } from "../../placement/prices";
import type { CostInput } from "../../placement/types";

const karpenter = (pool: Record<string, unknown> = {}) => parseConfig({ platform: { throwaway: true }, edge: { insecurePlainHttpForThrowawayEnvironment: true }, cluster: { karpenter: { nodePools: { default: pool } } } } as never).cluster.karpenter;

// Ten 1 vCPU / 1.5 GiB pods on EC2: one fits a t3.medium's free room, so two managed nodes take two.
const BUSY: CostInput = {
  region: "us-east-1",
  services: [{ name: "worker", replicas: 10, containers: [{ name: "app", cpuMillicores: 1000, memoryMiB: 1536 }], placement: "ec2" }],
  nodeGroup: { instanceType: "t3.medium", minSize: 1, desiredSize: 2, maxSize: 3, capacityType: "ON_DEMAND" },
  natGateways: 1,
  albs: 0,
};
const report = buildCostReport(resolveCostInput(BUSY), P);
const configured = report.scenarios.find((s) => s.id === "configured")!;
const disk = (P.ebs.gp3GbMonth.value * 20) / P.hoursPerMonth;
const node = (type: string) => P.ec2.instances[type]!.onDemandHourly.value;

describe("Karpenter priced next to the fixed node group", () => {
  it("the fixed group pays for every node the pods need; Karpenter keeps the managed nodes and adds the cheapest pool type for the rest", () => {
    const c = compareScenario(report, configured, karpenter());
    expect(c.ec2Pods).toBe(10);
    expect(c.fixed).toEqual({ nodes: 10, hourly: 10 * (node("t3.medium") + disk) });
    expect(c.karpenter.managedNodes).toBe(2);
    // 8 pods overflow; a c6a.xlarge (3 of them by CPU, $0.153/h) is the cheapest c/m/r amd64 type that holds them.
    expect(c.karpenter.pool).toEqual({ pool: "default", instanceType: "c6a.xlarge", capacity: "on-demand", nodes: 3, hourly: 3 * (node("c6a.xlarge") + disk) });
    expect(c.karpenter.hourly).toBeCloseTo(2 * (node("t3.medium") + disk) + 3 * (node("c6a.xlarge") + disk), 10);
    expect(c.notes[0]).toMatch(/^the fixed group starts with 2 nodes; its EC2 pods need 10, so without an autoscaler 8 node\(s\) of pods stay Pending/);
  });

  it("spot pools are priced at the table's stated discount", () => {
    const c = compareScenario(report, configured, karpenter({ capacityTypes: ["spot"] }));
    const spot = node("c6a.xlarge") * (1 - P.ec2.spotDiscountFraction.value);
    expect(c.karpenter.pool).toMatchObject({ instanceType: "c6a.xlarge", capacity: "spot", nodes: 3 });
    expect(c.karpenter.pool!.hourly).toBeCloseTo(3 * (spot + disk), 10);
  });

  it("a pool only gets the families and architectures it allows", () => {
    expect(poolInstanceTypes(karpenter({ instanceFamilies: ["m6g"], architectures: ["arm64"] }).nodePools.default, P)).toEqual([
      "m6g.12xlarge",
      "m6g.16xlarge",
      "m6g.2xlarge",
      "m6g.4xlarge",
      "m6g.8xlarge",
      "m6g.large",
      "m6g.medium",
      "m6g.metal",
      "m6g.xlarge",
    ]);
    expect(poolInstanceTypes(karpenter().nodePools.default, P).every((t) => /^(c|m|r)\d/.test(t) && !/g\./.test(t))).toBe(true);
    expect(compareScenario(report, configured, karpenter({ instanceFamilies: ["m6g"], architectures: ["arm64"] })).karpenter.pool?.instanceType).toMatch(/^m6g\./);
  });

  it("says when a pool's limits stop it from holding the pods", () => {
    const c = compareScenario(report, configured, karpenter({ instanceFamilies: ["c5"], limits: { cpu: 8, memoryGiB: 64 } }));
    expect(c.karpenter.pool?.cappedAt).toBe(2);
    expect(c.notes).toContain('NodePool "default" limits allow 2 c5.xlarge node(s); 3 are needed, so pods stay Pending until the limits are raised');
  });

  it("when the pods fit the managed nodes, Karpenter adds nothing and costs the same", () => {
    const small = buildCostReport(resolveCostInput({ ...BUSY, services: [{ ...BUSY.services[0]!, replicas: 2 }] }), P);
    const [c] = compareKarpenter(small, karpenter());
    expect(c.karpenter.pool).toBeUndefined();
    expect(c.karpenter.hourly).toBeCloseTo(c.fixed.hourly, 10);
  });

  it("counts the controller's requests on the managed nodes", () => {
    // 1590m + Envoy's 10m fits a t3.medium's 1805m free, but not once a 250m controller replica is there.
    const tight = buildCostReport(resolveCostInput({ ...BUSY, services: [{ ...BUSY.services[0]!, replicas: 2, containers: [{ name: "app", cpuMillicores: 1590, memoryMiB: 512 }] }] }), P);
    const [c] = compareKarpenter(tight, karpenter());
    expect(c.fixed.nodes).toBe(2);
    expect(c.karpenter.pool?.nodes).toBeGreaterThan(0);
    const [relaxed] = compareKarpenter(tight, { ...karpenter(), controllerReplicas: 0 } as never);
    expect(relaxed.karpenter.pool).toBeUndefined();
  });

  it("`npm run cost` prints the comparison with the spot figure and the price date", () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), writeFile: () => undefined };
    expect(runCli(["--platform"], io)).toBe(0);
    const text = out.join("");
    expect(text).toContain('== EC2 capacity: fixed node group vs Karpenter (configured: cluster.autoscaling "none") ==');
    expect(text).toContain(`Spot is priced at ${Math.round(P.ec2.spotDiscountFraction.value * 100)}% off on-demand unless an instance has its own spotHourly (${P.ec2.spotDiscountFraction.source}, price table taken ${P.takenOn};`);
    expect(text).toMatch(/Fixed node group +2 × t3\.medium on-demand/);
  });
});
