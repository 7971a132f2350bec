import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../cost/command";
import { DEFAULT_PRICES as P } from "../../placement/prices";

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), writeFile: (f, c) => files.set(f, c) };
  const code = runCli(argv, io);
  return { code, stdout: out.join(""), stderr: err.join(""), files };
}

// The table's layout: component 28, detail 50, $/hour 10 (4 decimals), $/month 11 (2 decimals).
const row = (component: string, detail: string, hourly: number) =>
  (component.padEnd(28) + detail.padEnd(50) + hourly.toFixed(4).padStart(10) + (hourly * 730).toFixed(2).padStart(11)).trimEnd();

/** Lines of one scenario's section. */
function section(stdout: string, title: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.indexOf(title);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf("", start);
  return lines.slice(start, end);
}

// Prices the rows must be computed from.
const pod = (vcpu: number, gb: number) => vcpu * P.fargate.x86_64.vcpuHourly.value + gb * P.fargate.x86_64.gbHourly.value;
const t3 = P.ec2.instances["t3.medium"]!.onDemandHourly.value;
const disk = (P.ebs.gp3GbMonth.value * 20) / 730;
const fixedRows = [
  row("EKS control plane", "1 × standard support", P.eks.standardSupportHourly.value),
  row("NAT gateways (hourly part)", `1 × ${P.natGateway.hourly.value}/h`, P.natGateway.hourly.value),
  row("ALB (hourly part)", `1 × ${P.alb.hourly.value}/h`, P.alb.hourly.value),
  row("Public IPv4 addresses", "3 (1 NAT, 2 ALB)", 3 * P.publicIpv4.hourly.value),
];
const fixedHourly = P.eks.standardSupportHourly.value + P.natGateway.hourly.value + P.alb.hourly.value + 3 * P.publicIpv4.hourly.value;

describe("cost CLI on the built-in example", () => {
  const { code, stdout, stderr } = run([]);

  it("exits 0 without errors", () => {
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n")[0]).toBe("Cost estimate, us-east-1, prices taken 2026-11-23, 730 h/month, USD");
  });

  it("prints the configured scenario's rows from the price data", () => {
    const fargate = 6 * pod(0.5, 1);
    const total = fixedHourly + t3 + disk + fargate;
    expect(section(stdout, "== Configured placement (configured) ==").slice(1, 11)).toEqual([
      "Component".padEnd(28) + "Detail".padEnd(50) + "$/hour".padStart(10) + "$/month".padStart(11),
      ...fixedRows,
      row("EC2 nodes", "1 × t3.medium on-demand (needed 1, min 1)", t3),
      row("EBS root volumes", "1 × 20 GiB gp3", disk),
      row("Fargate pods", "6 pods of 3 services", fargate),
      row("DynamoDB storage", "1 GiB in 2 tables, 25 GB free", 0),
      row("Total", "", total),
    ]);
  });

  it("prints the all-EC2 and all-Fargate totals from the price data", () => {
    expect(section(stdout, "== All on EC2 (all-ec2) ==")).toContain(row("Total", "", fixedHourly + 2 * (t3 + disk)));
    expect(section(stdout, "== All on Fargate (all-fargate) ==")).toContain(row("Fargate pods", "8 pods of 4 services", 6 * pod(0.5, 1) + 2 * pod(1, 2)));
  });

  it("compares the scenarios: optimized ≤ all-EC2 < configured < all-Fargate", () => {
    const comparison = section(stdout, "== Comparison ==");
    const totals = Object.fromEntries(
      comparison.slice(2).map((line) => {
        const cells = line.trim().split(/\s{2,}/);
        return [cells[0], Number(cells[4])];
      }),
    );
    expect(Object.keys(totals)).toEqual(["Configured placement", "All on EC2", "All on Fargate", "Optimized placement"]);
    expect(totals["Optimized placement"]).toBeLessThanOrEqual(totals["All on EC2"]!);
    expect(totals["All on EC2"]).toBeLessThan(totals["Configured placement"]!);
    expect(totals["Configured placement"]).toBeLessThan(totals["All on Fargate"]!);
    const configuredMonthly = (fixedHourly + t3 + disk + 6 * pod(0.5, 1)) * 730;
    const allEc2Monthly = (fixedHourly + 2 * (t3 + disk)) * 730;
    expect(comparison[3]).toBe(
      "All on EC2".padEnd(24) +
        "2".padStart(6) +
        "0".padStart(14) +
        (allEc2Monthly / 730).toFixed(4).padStart(10) +
        allEc2Monthly.toFixed(2).padStart(11) +
        `-${(configuredMonthly - allEc2Monthly).toFixed(2)}`.padStart(14),
    );
  });

  it("lists the usage-priced items and the node arithmetic", () => {
    expect(stdout).toContain("NAT gateway data processed                   0.045  USD per GB processed");
    expect(stdout).toContain(
      "allocatable 1930m / 3246Mi; DaemonSets 125m / 0Mi (2 pods); free for workloads 1805m / 3246Mi, 15 pod slots; $0.0438/h per node with its root volume",
    );
  });
});

describe("cost CLI: where the EC2 instance figures come from", () => {
  const INSTANCE_SOURCES =
    "vCPU, memory and architecture from ec2instances.info of 2025-05-28; ENIs from Karpenter v1.14.1's VPC limits of 2026-05-18 " +
    "(Go modules github.com/aws/karpenter-provider-aws@v1.14.1, github.com/cristim/ec2-instances-info@v0.0.0-20250528091325-32acf84f42eb; facts/upstream/ec2-instances/provenance.json)";

  it("names the source and date of the instance prices, shapes and ENIs under the title", () => {
    const { stdout } = run([]);
    expect(stdout.split("\n")[1]).toBe(`EC2 instances: prices from Karpenter v1.14.1's AWS Price List table of 2026-07-06; ${INSTANCE_SOURCES}`);
  });

  it("prices another region from the data, and says the other figures are us-east-1's", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-cli-"));
    const catalog = join(dir, "eu.json");
    writeFileSync(
      catalog,
      JSON.stringify({
        region: "eu-west-1",
        services: [{ name: "web", replicas: 2, containers: [{ cpuMillicores: 500, memoryMiB: 1024 }], placement: "ec2" }],
        nodeGroup: { instanceType: "m7i.large", minSize: 1 },
        natGateways: 0,
        albs: 0,
      }),
    );
    const { code, stdout, stderr } = run(["--catalog", catalog]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n").slice(0, 3)).toEqual([
      "Cost estimate, eu-west-1, prices taken 2026-11-23, 730 h/month, USD",
      `EC2 instances: prices from ec2instances.info of 2025-05-28; ${INSTANCE_SOURCES}`,
      "Other figures (EKS, Fargate, EBS, NAT, load balancer, logs, ...) are us-east-1's: the project keeps hand-checked figures for us-east-1 only",
    ]);
    // eu-west-1's m7i.large price.
    expect(stdout).toContain(row("EC2 nodes", "1 × m7i.large on-demand (needed 1, min 1)", 0.11235));
    const json = JSON.parse(run(["--catalog", catalog, "--json"]).stdout);
    expect(json.prices).toMatchObject({ region: "eu-west-1", otherFiguresRegion: "us-east-1", instances: { prices: { label: "ec2instances.info", asOf: "2025-05-28" } } });
  });

  it("says whose price it is when a price file replaces the node type's", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-cli-"));
    const file = join(dir, "prices.json");
    writeFileSync(file, JSON.stringify({ ec2: { instances: { "t3.medium": { onDemandHourly: { value: 0.03, unit: "USD per instance-hour", source: "our EDP contract", asOf: "2026-12-01" } } } } }));
    expect(run(["--prices", file]).stdout.split("\n")[2]).toBe("t3.medium's price: our EDP contract (2026-12-01)");
  });

  it("a region the data has no prices for takes its instance types from a price file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-cli-"));
    const catalog = join(dir, "cn.json");
    writeFileSync(catalog, JSON.stringify({ region: "cn-north-1", services: [], nodeGroup: { instanceType: "t3.medium", minSize: 1 }, natGateways: 0, albs: 0 }));
    const without = run(["--catalog", catalog]);
    expect(without.code).toBe(1);
    expect(without.stderr).toBe(
      `cost: the platform's EC2 instance data has no cn-north-1 on-demand price for "t3.medium" (it has no prices for cn-north-1); add it to your price file under ec2.instances\n`,
    );
    const file = join(dir, "cn-prices.json");
    const t3 = { ...P.ec2.instances["t3.medium"]!, onDemandHourly: { value: 0.05, unit: "USD per instance-hour", source: "our cn-north-1 rate card", asOf: "2026-12-01" } };
    writeFileSync(file, JSON.stringify({ ec2: { instances: { "t3.medium": t3 } } }));
    const withFile = run(["--catalog", catalog, "--prices", file]);
    expect(withFile.stderr).toBe("");
    expect(withFile.stdout.split("\n").slice(1, 3)).toEqual([`EC2 instances: no prices for cn-north-1 (only a price file's); ${INSTANCE_SOURCES}`, "t3.medium's price: our cn-north-1 rate card (2026-12-01)"]);
  });
});

describe("cost CLI options", () => {
  it("writes both SVG charts", () => {
    const { code, files, stdout } = run(["--svg", "scenarios.svg", "--utilization-svg", "util.svg"]);
    expect(code).toBe(0);
    expect(files.get("scenarios.svg")).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    expect(files.get("scenarios.svg")).toContain(`$${((fixedHourly + t3 + disk + 6 * pod(0.5, 1)) * 730).toFixed(2)}`);
    expect(files.get("util.svg")).toContain("Fargate dearer from 26%");
    expect(stdout).toContain("wrote scenarios.svg\nwrote util.svg\n");
  });

  it("uses a price file and reports a bad one with the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-cli-"));
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ eks: { standardSupportHourly: { value: 0.2, unit: "USD per cluster-hour", source: "test" } } }));
    expect(run(["--prices", good]).stdout).toContain(row("EKS control plane", "1 × standard support", 0.2));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ eks: { standardSupportHourly: { value: -0.1, unit: "USD", source: "test" } } }));
    const result = run(["--prices", bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`cost: Invalid price file ${bad}: eks.standardSupportHourly.value: must be >= 0\n`);
  });

  it("reads a catalog file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-cli-"));
    const catalog = join(dir, "catalog.json");
    writeFileSync(
      catalog,
      JSON.stringify({
        services: [{ name: "only", replicas: 1, containers: [{ cpuMillicores: 100, memoryMiB: 128 }], placement: "fargate", meshSidecar: false }],
        nodeGroup: { instanceType: "m6g.large", minSize: 0 },
        natGateways: 0,
        albs: 0,
      }),
    );
    const { code, stdout } = run(["--catalog", catalog]);
    expect(code).toBe(0);
    // 100m / 128Mi + 256 MiB → 0.25 vCPU / 0.5 GB.
    expect(stdout).toContain(row("Fargate pods", "1 pod of 1 service", pod(0.25, 0.5)));
    expect(stdout).toContain("== Node arithmetic (m6g.large) ==");
  });

  it("prints the effective price table as JSON", () => {
    const { code, stdout } = run(["--print-prices"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(P)));
  });

  it("refuses unknown options with the usage text", () => {
    const { code, stderr } = run(["--bogus"]);
    expect(code).toBe(2);
    expect(stderr.startsWith('cost: unknown option "--bogus"\n\nUsage: npx tsx cost/cli.ts [options]')).toBe(true);
    expect(run(["--svg"]).stderr.startsWith("cost: --svg needs a value")).toBe(true);
    expect(run(["--example", "nope"]).stderr.startsWith('cost: unknown example "nope" (known: reference, scaled)')).toBe(true);
  });

  it("runs as a program through tsx", () => {
    // vitest runs from the project root (where vitest.config.ts lives).
    const root = process.cwd();
    const output = execFileSync(join(root, "node_modules/.bin/tsx"), [join(root, "cost/cli.ts"), "--example", "scaled"], { cwd: root, encoding: "utf8" });
    expect(output).toContain("== Optimized placement (optimized) ==");
  });
});
