import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load";
import { runCli, type CliIo } from "../../cost/command";
import { compareOrchestrators, FARGATE_SPOT_DISCOUNT, formatOrchestratorComparison, spotShare } from "../../cost/ecs";
import { resolveCostInput } from "../../placement/input";
import { buildCostReport } from "../../cost/model";
import { costInputFromPlatform } from "../../cost/platform";
import { DEFAULT_PRICES as P } from "../../placement/prices";
import { withDev } from "../support/synth";

const rates = P.fargate.x86_64;
const task = (vcpu: number, gb: number) => vcpu * rates.vcpuHourly.value + gb * rates.gbHourly.value;
const shared = P.natGateway.hourly.value + P.alb.hourly.value + 3 * P.publicIpv4.hourly.value;

function compare(overrides: Record<string, unknown> = {}) {
  const config = parseConfig(withDev(overrides as never), "test");
  const report = buildCostReport(resolveCostInput(costInputFromPlatform(config, "requested")), P);
  return { report, comparison: compareOrchestrators(report, config, P) };
}

describe("EKS vs ECS for the configured catalog", () => {
  const { report, comparison } = compare();
  const byId = Object.fromEntries(comparison.scenarios.map((s) => [s.id, s]));

  it("the EKS rows are the cost report's configured and optimized scenarios", () => {
    expect(comparison.scenarios.map((s) => s.id)).toEqual(["eks-configured", "eks-optimized", "ecs-configured", "ecs-fargate", "ecs-fargate-spot"]);
    expect(byId["eks-configured"].monthly).toBe(report.scenarios.find((s) => s.id === "configured")!.monthly);
    expect(byId["eks-optimized"].monthly).toBe(report.scenarios.find((s) => s.id === "optimized")!.monthly);
  });

  it("ECS on Fargate: every task at its ECS size (proxy included, no 256 MiB), the same network, no control plane", () => {
    // reference: 4 services × 2 tasks; each 0.5 vCPU / 1 GB (e.g. 246 + 256 units, 512 + 64 MiB).
    expect(byId["ecs-fargate"].fargateTasks).toBe(8);
    expect(byId["ecs-fargate"].instances).toBe(0);
    expect(byId["ecs-fargate"].hourly).toBeCloseTo(shared + 8 * task(0.5, 1), 10);
    expect(byId["ecs-fargate"].lines.map((l) => l.component)).not.toContain("EKS control plane");
  });

  it("FARGATE_SPOT: the same tasks at the stated discount", () => {
    expect(byId["ecs-fargate-spot"].hourly).toBeCloseTo(shared + 8 * task(0.5, 1) * (1 - FARGATE_SPOT_DISCOUNT.value), 10);
  });

  it("ECS as configured: the ec2 frontend on the EC2 capacity provider's minimum, the APIs on Fargate", () => {
    const t3 = P.ec2.instances["t3.medium"]!.onDemandHourly.value;
    const disk = (P.ebs.gp3GbMonth.value * 30) / P.hoursPerMonth;
    expect(byId["ecs-configured"]).toMatchObject({ instances: 1, fargateTasks: 6 });
    expect(byId["ecs-configured"].hourly).toBeCloseTo(shared + t3 + disk + 6 * task(0.5, 1), 10);
  });

  it("the table prints every scenario with its difference to EKS as configured", () => {
    const text = formatOrchestratorComparison(comparison);
    expect(text).toContain("== EKS or ECS: the same catalog on both (seeds 001, 002) ==");
    const spot = text.split("\n").find((l) => l.startsWith("ECS on FARGATE_SPOT"))!;
    expect(spot).toContain(byId["ecs-fargate-spot"].monthly.toFixed(2));
    expect(spot).toContain(`-$${(byId["eks-configured"].monthly - byId["ecs-fargate-spot"].monthly).toFixed(2)}`);
  });
});

describe("capacity provider strategy", () => {
  it("bases first, then the rest by weight", () => {
    expect(spotShare(4, [{ capacityProvider: "FARGATE", weight: 1, base: 0 }])).toBe(0);
    expect(spotShare(5, [{ capacityProvider: "FARGATE", weight: 1, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 }])).toBe(3);
    expect(spotShare(1, [{ capacityProvider: "FARGATE", weight: 1, base: 2 }, { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 }])).toBe(0);
  });

  it("prices a mixed strategy between all on-demand and all Spot", () => {
    const mixed = compare({ ecs: { capacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }] } }).comparison.scenarios;
    const plain = compare().comparison.scenarios;
    const at = (list: typeof plain, id: string) => list.find((s) => s.id === id)!.hourly;
    expect(at(mixed, "ecs-configured")).toBeLessThan(at(plain, "ecs-configured"));
    // 3 APIs × 2 tasks: 1 base on-demand each, the other half on Spot.
    const t3 = P.ec2.instances["t3.medium"]!.onDemandHourly.value;
    const disk = (P.ebs.gp3GbMonth.value * 30) / P.hoursPerMonth;
    const api = task(0.5, 1);
    expect(at(mixed, "ecs-configured")).toBeCloseTo(shared + t3 + disk + 3 * (1.5 * api + 0.5 * api * 0.3), 10);
  });
});

describe("npm run cost", () => {
  function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const files = new Map<string, string>();
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), writeFile: (f, c) => files.set(f, c) };
    return { code: runCli(argv, io), stdout: out.join(""), stderr: err.join(""), files };
  }

  it("--platform prints the EKS-vs-ECS table and --orchestrators-svg draws a bar per scenario", () => {
    const r = run(["--platform", "--orchestrators-svg", "o.svg"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("== EKS or ECS: the same catalog on both (seeds 001, 002) ==");
    const svg = r.files.get("o.svg")!;
    for (const title of ["EKS, as configured", "EKS, optimized", "ECS, as configured", "ECS on Fargate", "ECS on FARGATE_SPOT"]) expect(svg).toContain(`>${title}</text>`);
  });

  it("the chart in the README is what the command writes for the default config (regenerate: npm run cost -- --orchestrators-svg docs/images/cost-orchestrators-dev.svg)", () => {
    const committed = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "images", "cost-orchestrators-dev.svg"), "utf8");
    expect(run(["--platform", "--orchestrators-svg", "o.svg"]).files.get("o.svg")).toBe(committed);
  });

  it("--orchestrators-svg without --platform is a usage error", () => {
    const r = run(["--orchestrators-svg", "o.svg"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--orchestrators-svg needs --platform");
  });
});
