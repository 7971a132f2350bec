import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeXml, niceStep, renderScenarioChart, renderUtilizationChart } from "../../cost/chart";
import { REFERENCE_SYSTEM, SCALED_SYSTEM } from "../../cost/example";
import { resolveCostInput } from "../../placement/input";
import { buildCostReport } from "../../cost/model";
import { DEFAULT_PRICES as P } from "../../placement/prices";
import { crossover, utilizationCurve } from "../../cost/utilization";

/** Every opened element is closed (or self-closed), in order. */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing === "/") continue;
    if (closing === "/") {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe("utilization curve (the document's first chart)", () => {
  const points = utilizationCurve(P);

  it("keeps EC2 flat and sizes the Fargate pod to the share used", () => {
    expect(points).toHaveLength(101);
    const at = (percent: number) => points.find((p) => p.percent === percent)!;
    for (const p of points) expect(p.ec2Hourly).toBe(P.ec2.instances["t3.medium"]!.onDemandHourly.value);
    const rate = (vcpu: number, gb: number) => vcpu * 0.04048 + gb * 0.004445;
    expect([at(0).fargateSize, at(0).fargateHourly]).toEqual([{ vcpu: 0.25, memoryGiB: 0.5 }, rate(0.25, 0.5)]);
    // 25%: 500m / 1024Mi (+256) → 0.5 vCPU / 2 GB.
    expect(at(25).fargateSize).toEqual({ vcpu: 0.5, memoryGiB: 2 });
    // 26%: 520m → 1 vCPU / 2 GB, now dearer than the instance.
    expect(at(26).fargateSize).toEqual({ vcpu: 1, memoryGiB: 2 });
    expect(at(26).fargateHourly).toBeCloseTo(rate(1, 2), 12);
    // 100%: 2000m / 4096Mi (+256) → 2 vCPU / 5 GB.
    expect(at(100).fargateSize).toEqual({ vcpu: 2, memoryGiB: 5 });
    expect(at(100).fargateHourly).toBeCloseTo(rate(2, 5), 12);
    expect(crossover(points)).toBe(26);
  });

  it("never decreases as utilization grows", () => {
    for (let i = 1; i < points.length; i++) expect(points[i]!.fargateHourly).toBeGreaterThanOrEqual(points[i - 1]!.fargateHourly);
  });

  it("renders a well-formed line chart with the crossover", () => {
    const svg = renderUtilizationChart(points, { instanceType: "t3.medium", region: "us-east-1", takenOn: P.takenOn });
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain("Fargate dearer from 26%");
    expect(svg).toContain("EC2 t3.medium on-demand (us-east-1): $0.0416/h whatever the use");
    expect(svg).toContain("$0.1032/h (2 vCPU / 5 GB) at 100%");
  });
});

describe("scenario chart", () => {
  const report = buildCostReport(resolveCostInput(REFERENCE_SYSTEM), P);
  const svg = renderScenarioChart(report);

  it("is well-formed and labels every scenario with its monthly total", () => {
    expect(balanced(svg)).toBe(true);
    for (const s of report.scenarios) {
      expect(svg).toContain(`>${s.title}</text>`);
      expect(svg).toContain(`>$${s.monthly.toFixed(2)}</text>`);
    }
  });

  it("stacks one bar segment per non-zero kind of charge", () => {
    const segments = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="[^"]+"><title>/g)];
    // configured: control plane, network, ec2, fargate; all-ec2: 3; all-fargate: 4; optimized: 3 (DynamoDB storage is $0).
    expect(segments).toHaveLength(14);
  });

  it("escapes text", () => {
    expect(escapeXml(`a < b & "c" > d`)).toBe("a &lt; b &amp; &quot;c&quot; &gt; d");
    expect(renderScenarioChart(report, "Costs <&> more")).toContain("<title>Costs &lt;&amp;&gt; more</title>");
  });

  it("picks readable axis steps", () => {
    expect(niceStep(345)).toBe(100);
    expect(niceStep(0.103)).toBe(0.025);
    expect(niceStep(1071)).toBe(250);
    expect(niceStep(0)).toBe(1);
  });
});

describe("charts in docs/images", () => {
  // Regenerate with:
  //   npx tsx cost/cli.ts --svg docs/images/cost-scenarios.svg --utilization-svg docs/images/fargate-vs-ec2-utilization.svg
  //   npx tsx cost/cli.ts --example scaled --svg docs/images/cost-scenarios-scaled.svg
  const read = (name: string) => readFileSync(join(process.cwd(), "docs/images", name), "utf8");

  it("match what the CLI generates from the shipped prices", () => {
    const reference = buildCostReport(resolveCostInput(REFERENCE_SYSTEM), P);
    expect(read("cost-scenarios.svg")).toBe(renderScenarioChart(reference));
    expect(read("cost-scenarios-scaled.svg")).toBe(renderScenarioChart(buildCostReport(resolveCostInput(SCALED_SYSTEM), P)));
    expect(read("fargate-vs-ec2-utilization.svg")).toBe(
      renderUtilizationChart(utilizationCurve(P), { instanceType: "t3.medium", region: P.region, takenOn: P.takenOn }),
    );
  });
});
