import { describe, expect, it } from "vitest";
import { REFERENCE_SYSTEM, SCALED_SYSTEM } from "../../cost/example";
import { resolveCostInput } from "../../placement/input";
import { buildCostReport, decidePlacement, type ScenarioCost, type ScenarioId } from "../../cost/model";
import { DEFAULT_PRICES as P } from "../../placement/prices";
import type { CostInput } from "../../placement/types";

const report = (input: CostInput) => buildCostReport(resolveCostInput(input), P);
const scenario = (scenarios: readonly ScenarioCost[], id: ScenarioId) => scenarios.find((s) => s.id === id)!;
const lineOf = (s: ScenarioCost, component: string) => s.lines.find((l) => l.component === component)!;

// Unit prices as the model must use them, from the shipped table.
const fargatePod = (vcpu: number, gb: number) => vcpu * P.fargate.x86_64.vcpuHourly.value + gb * P.fargate.x86_64.gbHourly.value;
const t3 = P.ec2.instances["t3.medium"]!.onDemandHourly.value;
const disk = (P.ebs.gp3GbMonth.value * 20) / P.hoursPerMonth;
const fixed = P.eks.standardSupportHourly.value + P.natGateway.hourly.value + P.alb.hourly.value + 3 * P.publicIpv4.hourly.value;

describe("cost model on the reference system", () => {
  const r = report(REFERENCE_SYSTEM);
  const configured = scenario(r.scenarios, "configured");
  const allEc2 = scenario(r.scenarios, "all-ec2");
  const allFargate = scenario(r.scenarios, "all-fargate");
  const optimized = scenario(r.scenarios, "optimized");

  it("prices a node as the instance plus its 20 GiB gp3 root volume", () => {
    expect(r.nodeHourly).toBeCloseTo(t3 + disk, 12);
  });

  it("configured: 3 APIs × 2 pods on Fargate at 0.5 vCPU / 1 GB (Envoy included), the front end on 1 node", () => {
    expect(configured.services.map((s) => [s.name, s.target])).toEqual([
      ["api-user", "fargate"],
      ["api-registro", "fargate"],
      ["api-chat", "fargate"],
      ["frontend", "ec2"],
    ]);
    expect(configured.nodes).toBe(1);
    expect(configured.fargatePods).toBe(6);
    expect(lineOf(configured, "Fargate pods").hourly).toBeCloseTo(6 * fargatePod(0.5, 1), 12);
    expect(lineOf(configured, "EKS control plane").hourly).toBe(0.1);
    expect(lineOf(configured, "NAT gateways (hourly part)").hourly).toBe(0.045);
    expect(lineOf(configured, "ALB (hourly part)").hourly).toBe(0.0225);
    expect(lineOf(configured, "Public IPv4 addresses")).toMatchObject({ detail: "3 (1 NAT, 2 ALB)", hourly: 3 * 0.005 });
    expect(lineOf(configured, "EC2 nodes")).toMatchObject({ detail: "1 × t3.medium on-demand (needed 1, min 1)", hourly: t3 });
    expect(lineOf(configured, "DynamoDB storage").hourly).toBe(0); // 1 GiB is inside the 25 GB free tier
    expect(configured.hourly).toBeCloseTo(fixed + t3 + disk + 6 * fargatePod(0.5, 1), 12);
    expect(configured.monthly).toBeCloseTo(configured.hourly * 730, 9);
  });

  it("says when desiredSize buys more nodes than the pods need", () => {
    expect(configured.notes).toContain("desiredSize 2 is above the 1 node(s) needed: until scaled in, the extra 1 cost $0.0438/h more than shown");
  });

  it("all on EC2 needs 2 t3.medium nodes; all on Fargate puts the front end at 1 vCPU / 2 GB and still pays the minimum node", () => {
    expect([allEc2.nodes, allEc2.fargatePods]).toEqual([2, 0]);
    expect(allEc2.hourly).toBeCloseTo(fixed + 2 * (t3 + disk), 12);
    expect([allFargate.nodes, allFargate.nodesNeeded, allFargate.fargatePods]).toEqual([1, 0, 8]);
    expect(allFargate.hourly).toBeCloseTo(fixed + t3 + disk + 6 * fargatePod(0.5, 1) + 2 * fargatePod(1, 2), 12);
  });

  it("optimized is never dearer than any other scenario, and here is all-EC2", () => {
    for (const s of r.scenarios) expect(optimized.hourly).toBeLessThanOrEqual(s.hourly + 1e-12);
    expect(optimized.hourly).toBeCloseTo(allEc2.hourly, 12);
    expect(optimized.optimizer?.provenOptimal).toBe(true);
    expect(configured.hourly).toBeGreaterThan(allEc2.hourly);
    expect(allFargate.hourly).toBeGreaterThan(configured.hourly);
  });

  it("lists usage-priced items with their unit price and keeps them out of the totals", () => {
    expect(r.usagePriced.map((u) => [u.component, u.price.value])).toEqual([
      ["NAT gateway data processed", 0.045],
      ["ALB capacity units (LCU)", 0.008],
      ["Data transfer out to the internet", 0.09],
      ["CloudWatch Logs ingestion", 0.5],
      ["DynamoDB writes (on-demand)", 0.625],
      ["DynamoDB reads (on-demand)", 0.125],
      ["Fargate ephemeral storage above 20 GB", 0.000111],
      ["AWS WAF requests inspected (when edge.waf is on)", 0.6],
      ["ACM private certificates, once each (mesh TLS)", 0.75],
    ]);
  });

  it("tells the stacks where to deploy each service", () => {
    expect(decidePlacement(resolveCostInput(REFERENCE_SYSTEM), P)).toEqual({
      "api-user": "fargate",
      "api-registro": "fargate",
      "api-chat": "fargate",
      frontend: "ec2",
    });
  });
});

describe("cost model rules", () => {
  it("the scaled example: a mix beats both pure choices (the document's point)", () => {
    const r = report(SCALED_SYSTEM);
    const optimized = scenario(r.scenarios, "optimized");
    expect(optimized.hourly).toBeLessThan(scenario(r.scenarios, "all-ec2").hourly);
    expect(optimized.hourly).toBeLessThan(scenario(r.scenarios, "all-fargate").hourly);
    expect(optimized.fargatePods).toBeGreaterThan(0);
    expect(optimized.services.some((s) => s.target === "ec2")).toBe(true);
  });

  it("prices Spot nodes with the discount, not on demand", () => {
    const r = report({ ...REFERENCE_SYSTEM, nodeGroup: { ...REFERENCE_SYSTEM.nodeGroup, capacityType: "SPOT" } });
    const ec2 = lineOf(scenario(r.scenarios, "all-ec2"), "EC2 nodes");
    expect(ec2.detail).toBe("2 × t3.medium spot (needed 2, min 1)");
    expect(ec2.hourly).toBeCloseTo(2 * t3 * (1 - P.ec2.spotDiscountFraction.value), 12);
  });

  it("keeps hard constraints in the pure scenarios", () => {
    const r = report({
      services: [
        { name: "gpu", replicas: 1, containers: [{ cpuMillicores: 100, memoryMiB: 128 }], placement: "auto", constraints: { gpu: true } },
        { name: "isolated", replicas: 1, containers: [{ cpuMillicores: 100, memoryMiB: 128 }], placement: "auto", constraints: { isolation: true } },
      ],
      nodeGroup: { instanceType: "t3.medium", minSize: 0 },
      natGateways: 0,
      albs: 0,
    });
    const targets = (id: ScenarioId) => scenario(r.scenarios, id).services.map((s) => s.target);
    expect(targets("all-fargate")).toEqual(["ec2", "fargate"]);
    expect(targets("all-ec2")).toEqual(["ec2", "fargate"]);
    expect(scenario(r.scenarios, "all-ec2").services[1]!.why).toBe("Fargate only: asks for isolation");
  });

  it("counts a DaemonSet service on every node instead of packing it", () => {
    const r = report({
      services: [
        { name: "agent", replicas: 1, containers: [{ cpuMillicores: 100, memoryMiB: 200 }], placement: "ec2", meshSidecar: false, constraints: { daemonSet: true } },
        { name: "web", replicas: 4, containers: [{ cpuMillicores: 400, memoryMiB: 256 }], placement: "ec2", meshSidecar: false },
      ],
      nodeGroup: { instanceType: "t3.medium", minSize: 1 },
      natGateways: 0,
      albs: 0,
    });
    expect(r.node.free).toEqual({ cpuMillicores: 1705, memoryMiB: 3046, podSlots: 14 });
    const configured = scenario(r.scenarios, "configured");
    expect(configured.services[0]).toMatchObject({ target: "daemonset", replicas: 0 });
    // 4 × 400m = 1600m ≤ 1705m: one node.
    expect(configured.nodes).toBe(1);
  });

  it("refuses an explicit EC2 placement the node cannot hold", () => {
    expect(() =>
      report({
        services: [{ name: "huge", replicas: 1, containers: [{ cpuMillicores: 1900, memoryMiB: 128 }], placement: "ec2", meshSidecar: false }],
        nodeGroup: { instanceType: "t3.medium", minSize: 1 },
        natGateways: 0,
        albs: 0,
      }),
    ).toThrow('service "huge" is placed on ec2 but cannot run there: larger than a t3.medium node\'s free room (pod 1900m CPU, 128Mi)');
  });

  it("costs log storage and DynamoDB storage only from stated figures", () => {
    const r = report({ ...REFERENCE_SYSTEM, logs: { ingestGiBPerMonth: 30, retentionDays: 14 }, dynamodb: { tables: 2, storageGiB: 45 } });
    const s = scenario(r.scenarios, "configured");
    const stored = (30 * 14) / (730 / 24);
    expect(lineOf(s, "CloudWatch Logs storage").hourly).toBeCloseTo((stored * 0.03) / 730, 12);
    expect(lineOf(s, "CloudWatch Logs ingestion").hourly).toBeCloseTo((30 * 0.5) / 730, 12);
    expect(lineOf(s, "DynamoDB storage").hourly).toBeCloseTo((20 * 0.25) / 730, 12);
  });

  it("resolves auto services in the configured scenario per autoDefault", () => {
    const auto = { ...REFERENCE_SYSTEM, services: REFERENCE_SYSTEM.services.map((svc) => ({ ...svc, placement: "auto" as const })) };
    const targets = (autoDefault: CostInput["autoDefault"]) =>
      scenario(report({ ...auto, autoDefault }).scenarios, "configured").services.map((s) => s.target);
    expect(targets("fargate")).toEqual(["fargate", "fargate", "fargate", "fargate"]);
    expect(targets("ec2")).toEqual(["ec2", "ec2", "ec2", "ec2"]);
    expect(targets("optimize")).toEqual(["ec2", "ec2", "ec2", "ec2"]);
  });

  it("notes that EKS Fargate has no arm64 pods when asked to price them", () => {
    const r = report({ ...REFERENCE_SYSTEM, fargateArchitecture: "arm64" });
    const configured = scenario(r.scenarios, "configured");
    expect(configured.notes[0]).toBe("EKS Fargate runs x86_64 pods only; the arm64 rates are ECS's and shown for comparison");
    const arm = (vcpu: number, gb: number) => vcpu * P.fargate.arm64.vcpuHourly.value + gb * P.fargate.arm64.gbHourly.value;
    expect(lineOf(configured, "Fargate pods").hourly).toBeCloseTo(6 * arm(0.5, 1), 12);
  });

  it("refuses an input for another region than the price table", () => {
    expect(() => report({ ...REFERENCE_SYSTEM, region: "eu-west-1" })).toThrow(
      "the input is for eu-west-1 but the price table is for us-east-1; pass a price file for eu-west-1",
    );
  });
});
