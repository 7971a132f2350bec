import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderScenarioChart } from "../../cost/chart";
import { runCli } from "../../cost/command";
import { resolveCostInput } from "../../placement/input";
import { buildCostReport } from "../../cost/model";
import { costInputFromPlatform } from "../../cost/platform";
import { DEFAULT_PRICES } from "../../placement/prices";
import { parseConfig } from "../../config/load";
import { withDev } from "../support/config";

const config = parseConfig(withDev(), "dev");

function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const files = new Map<string, string>();
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), writeFile: (f, c) => files.set(f, c) });
  return { code, stdout, stderr, files };
}

describe("cost of the configured platform (npm run cost)", () => {
  it("models what the stacks create for the default config", () => {
    const input = costInputFromPlatform(config, "requested");
    expect(input.nodeGroup).toMatchObject({ instanceType: "t3.medium", minSize: 1, desiredSize: 2, maxSize: 3, capacityType: "ON_DEMAND", diskGiB: 20 });
    expect(input.natGateways).toBe(1);
    expect(input.albs).toBe(1);
    expect(input.services.map((s) => [s.name, s.placement, s.replicas, s.containers[0].cpuMillicores])).toEqual([
      ["frontend", "ec2", 2, 250],
      ["service-user", "fargate", 2, 240],
      ["service-registro", "fargate", 2, 240],
      ["service-chat", "fargate", 2, 240],
    ]);
  });

  it("sizes the reference APIs, with Envoy, to Fargate's smallest size", () => {
    const report = buildCostReport(resolveCostInput(costInputFromPlatform(config, "requested")), DEFAULT_PRICES);
    const configured = report.scenarios.find((s) => s.id === "configured")!;
    const api = configured.services.find((s) => s.name === "service-user")!;
    expect(api.target).toBe("fargate");
    // 240m + Envoy 10m = 0.25 vCPU; 512 + 32 + 256 MiB fits 1 GB: 2 pods at the 0.25/1 rate.
    const rate = DEFAULT_PRICES.fargate.x86_64;
    expect(api.hourly).toBeCloseTo(2 * (0.25 * rate.vcpuHourly.value + 1 * rate.gbHourly.value), 6);
  });

  it("prints every scenario, and the optimized mix beats both pure choices (the seed's finding)", () => {
    const { code, stdout, stderr } = run(["--platform"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const heading of ["Configured placement", "All on EC2", "All on Fargate", "Optimized placement", "Usage-priced, not in the totals"]) expect(stdout).toContain(heading);
    const report = buildCostReport(resolveCostInput(costInputFromPlatform(config, "requested")), DEFAULT_PRICES);
    const total = (id: string) => report.scenarios.find((s) => s.id === id)!.hourly;
    expect(total("optimized")).toBeLessThan(total("all-ec2"));
    expect(total("optimized")).toBeLessThan(total("all-fargate"));
    const targets = new Set(report.scenarios.find((s) => s.id === "optimized")!.services.map((s) => s.target));
    expect([...targets].sort()).toEqual(["ec2", "fargate"]);
  });

  it("the chart in the README is what the command writes for the default config", () => {
    const report = buildCostReport(resolveCostInput(costInputFromPlatform(config, "requested")), DEFAULT_PRICES);
    const committed = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "images", "cost-platform-dev.svg"), "utf8");
    expect(committed).toBe(renderScenarioChart(report));
  });

  it("prices mesh TLS's private CA per month (and its certificates once), and the edge's WAF", () => {
    const tlsConfig = parseConfig(withDev({ mesh: { tls: { mode: "strict" } }, edge: { waf: { enabled: true } } }), "dev");
    const input = costInputFromPlatform(tlsConfig, "requested");
    expect(input).toMatchObject({ privateCas: 1, privateCertificates: 4, waf: { webAcls: 1, rulesPerAcl: 4 } });
    const configured = buildCostReport(resolveCostInput(input), DEFAULT_PRICES).scenarios.find((s) => s.id === "configured")!;
    expect(configured.lines.find((l) => l.component === "AWS Private CA (mesh TLS)")).toMatchObject({ detail: "1 × general-purpose mode, 400/month", monthly: expect.closeTo(400, 6) });
    expect(configured.lines.find((l) => l.component === "AWS WAF (web ACL and rules)")).toMatchObject({ detail: "1 × (1 ACL + 4 rules)", monthly: expect.closeTo(9, 6) });
    expect(configured.notes).toContain("mesh TLS also issues 4 ACM private certificates, charged once each when first exported: 4 × 0.75 = 3.00 USD, not in the monthly total");
    expect(DEFAULT_PRICES.privateCa.generalPurposeMonthly).toMatchObject({ value: 400, source: "https://aws.amazon.com/private-ca/pricing/" });

    // A shared CA is someone else's bill: only the certificates remain.
    const shared = parseConfig(withDev({ mesh: { tls: { mode: "strict", certificateAuthorityArn: "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11223344-1234-1122-2233-112233445566" } } }), "dev");
    expect(costInputFromPlatform(shared, "requested")).toMatchObject({ privateCas: 0, privateCertificates: 4 });
    expect(costInputFromPlatform(config, "requested")).not.toHaveProperty("privateCas");
  });

  it("adds nothing for mesh TLS under VPC Lattice, whose HTTPS listeners use certificates Lattice manages", () => {
    const lattice = parseConfig(withDev({ mesh: { implementation: "vpc-lattice" } }), "dev");
    expect(lattice.mesh.tls.mode).toBe("strict");
    const input = costInputFromPlatform(lattice, "requested");
    expect(input).not.toHaveProperty("privateCas");
    expect(input).not.toHaveProperty("privateCertificates");
    const configured = buildCostReport(resolveCostInput(input), DEFAULT_PRICES).scenarios.find((s) => s.id === "configured")!;
    expect(configured.lines.map((l) => l.component)).not.toContain("AWS Private CA (mesh TLS)");
  });

  it("refuses --platform together with --example", () => {
    expect(run(["--platform", "--example", "reference"]).code).toBe(2);
  });
});
