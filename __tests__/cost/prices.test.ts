import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_PRICES,
  applyPriceOverride,
  gbMonthToHourly,
  instanceHourly,
  loadPrices,
  priceTableSchema,
} from "../../placement/prices";
import { CostValidationError } from "../../placement/validation";

let dir: string;
const write = (name: string, content: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cost-prices-"));
});

describe("default price table", () => {
  it("passes its own schema and names a source for every figure", () => {
    expect(priceTableSchema.safeParse(DEFAULT_PRICES).success).toBe(true);
    expect(DEFAULT_PRICES.region).toBe("us-east-1");
    expect(DEFAULT_PRICES.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const figures: { source: string }[] = [];
    const walk = (value: unknown): void => {
      if (typeof value !== "object" || value === null) return;
      if ("value" in value && "source" in value) figures.push(value as { source: string });
      else Object.values(value).forEach(walk);
    };
    walk(DEFAULT_PRICES);
    expect(figures.length).toBeGreaterThan(40);
    for (const f of figures) expect(f.source).toMatch(/^https:\/\//);
  });

  it("has x86 and Graviton instances and both Fargate architectures", () => {
    const arch = (type: string) => DEFAULT_PRICES.ec2.instances[type]!.architecture;
    expect(arch("m5.large")).toBe("x86_64");
    expect(arch("m6g.large")).toBe("arm64");
    expect(arch("t4g.medium")).toBe("arm64");
    expect(DEFAULT_PRICES.fargate.arm64.vcpuHourly.value).toBeLessThan(DEFAULT_PRICES.fargate.x86_64.vcpuHourly.value);
  });

  it("takes every EC2 instance type from the instance data, each figure naming its source file and date", () => {
    expect(Object.keys(DEFAULT_PRICES.ec2.instances).length).toBeGreaterThan(800);
    const spec = DEFAULT_PRICES.ec2.instances["m7i.large"]!;
    expect(spec).toMatchObject({ architecture: "x86_64", vcpu: 2, memoryMiB: 8192, maxEnis: 3, ipv4PerEni: 10 });
    expect(spec.onDemandHourly).toMatchObject({
      value: 0.1008,
      unit: "USD per instance-hour",
      source: "https://github.com/aws/karpenter-provider-aws/blob/v1.14.1/pkg/providers/pricing/zz_generated.pricing_aws.go",
      asOf: "2026-07-06",
    });
    expect(spec.specSource).toContain("https://github.com/cristim/ec2-instances-info/blob/32acf84f42eb/data/instances.json");
    expect(spec.eniSource).toContain("zz_generated.vpclimits.go");
    expect(DEFAULT_PRICES.otherFiguresRegion).toBeUndefined();
  });

  it("prices Spot with the documented discount, never at the on-demand price", () => {
    expect(instanceHourly(DEFAULT_PRICES, "m5.large", "ON_DEMAND")).toBe(0.096);
    expect(instanceHourly(DEFAULT_PRICES, "m5.large", "SPOT")).toBeCloseTo(0.096 * (1 - DEFAULT_PRICES.ec2.spotDiscountFraction.value), 12);
    expect(instanceHourly(DEFAULT_PRICES, "m5.large", "SPOT")).toBeLessThan(0.096);
  });

  it("converts GB-month prices with the table's 730 hours", () => {
    expect(gbMonthToHourly(DEFAULT_PRICES, 0.08, 20)).toBeCloseTo(1.6 / 730, 15);
  });

  it("says what the instance data lacks when a type is missing, and where to add it", () => {
    expect(() => instanceHourly(DEFAULT_PRICES, "x9.huge", "ON_DEMAND")).toThrow(
      `"x9.huge" is not an EC2 instance type in the platform's instance data (ec2instances.info of 2025-05-28, Karpenter v1.14.1's AWS Price List table of 2026-07-06); add it to your price file under ec2.instances`,
    );
    // Karpenter prices m8i.large; the shape source predates it.
    expect(() => instanceHourly(DEFAULT_PRICES, "m8i.large", "ON_DEMAND")).toThrow(
      `"m8i.large" cannot be sized: the platform's EC2 instance data (ec2instances.info of 2025-05-28) lacks its vCPU and memory; add it to your price file under ec2.instances`,
    );
  });
});

describe("price file override", () => {
  it("merges a good file over the defaults and keeps every other figure", () => {
    const file = write("good.json", {
      takenOn: "2026-12-01",
      fargate: { x86_64: { vcpuHourly: { value: 0.035, unit: "USD per vCPU-hour", source: "our EDP contract, 2026" } } },
      ec2: {
        instances: {
          "m5.large": { spotHourly: { value: 0.04, unit: "USD per instance-hour", source: "Spot price history, us-east-1a, 2026-11" } },
          // A type the shipped data cannot size (Karpenter prices it, ec2instances.info predates it).
          "m8i.large": {
            architecture: "x86_64",
            vcpu: 2,
            memoryMiB: 8192,
            maxEnis: 3,
            ipv4PerEni: 20,
            onDemandHourly: { value: 0.10584, unit: "USD per instance-hour", source: "https://aws.amazon.com/ec2/pricing/on-demand/" },
          },
        },
      },
    });
    const prices = loadPrices(file);
    expect(prices.takenOn).toBe("2026-12-01");
    expect(prices.fargate.x86_64.vcpuHourly).toEqual({ value: 0.035, unit: "USD per vCPU-hour", source: "our EDP contract, 2026" });
    expect(prices.fargate.x86_64.gbHourly).toEqual(DEFAULT_PRICES.fargate.x86_64.gbHourly);
    expect(prices.ec2.instances["m8i.large"]!.onDemandHourly.value).toBe(0.10584);
    expect(DEFAULT_PRICES.ec2.instances["m8i.large"]).toBeUndefined();
    expect(prices.ec2.instances["m5.large"]!.onDemandHourly).toEqual(DEFAULT_PRICES.ec2.instances["m5.large"]!.onDemandHourly);
    expect(instanceHourly(prices, "m5.large", "SPOT")).toBe(0.04);
    expect(prices.ec2.instances["t3.medium"]).toEqual(DEFAULT_PRICES.ec2.instances["t3.medium"]);
  });

  it("no file means the defaults", () => {
    expect(loadPrices()).toBe(DEFAULT_PRICES);
  });

  it("refuses a value of the wrong type, naming the field", () => {
    const file = write("bad-type.json", { fargate: { x86_64: { vcpuHourly: { value: "abc", unit: "USD per vCPU-hour", source: "x" } } } });
    expect(() => loadPrices(file)).toThrow(`Invalid price file ${file}: fargate.x86_64.vcpuHourly.value: expected number, got string "abc"`);
  });

  it("refuses a figure without its source (a figure is replaced whole, never merged)", () => {
    const file = write("no-source.json", { natGateway: { hourly: { value: 0.05, unit: "USD per NAT gateway-hour" } } });
    expect(() => loadPrices(file)).toThrow(`Invalid price file ${file}: natGateway.hourly.source: is required`);
  });

  it("refuses negative prices, unknown fields and incomplete new instances, listing every problem", () => {
    const file = write("many.json", {
      alb: { hourly: { value: -1, unit: "USD per ALB-hour", source: "x" }, perHour: 3 },
      ec2: { instances: { "m8i.large": { vcpu: 2 } } },
    });
    let error: unknown;
    try {
      loadPrices(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CostValidationError);
    expect((error as CostValidationError).issues).toEqual([
      'ec2.instances["m8i.large"].architecture: is required',
      'ec2.instances["m8i.large"].memoryMiB: is required',
      'ec2.instances["m8i.large"].maxEnis: is required',
      'ec2.instances["m8i.large"].ipv4PerEni: is required',
      'ec2.instances["m8i.large"].onDemandHourly: is required',
      "alb.hourly.value: must be >= 0",
      "alb.perHour: unknown field",
    ]);
  });

  it("refuses a Spot discount outside [0, 1]", () => {
    expect(() =>
      applyPriceOverride(DEFAULT_PRICES, { ec2: { spotDiscountFraction: { value: 1.5, unit: "fraction", source: "guess" } } }, "override"),
    ).toThrow("override: ec2.spotDiscountFraction.value: must be between 0 and 1");
  });

  it("reports a file that is not JSON, or not an object", () => {
    const notJson = write("broken.json", "{ nope");
    expect(() => loadPrices(notJson)).toThrow(new RegExp(`^Invalid price file ${notJson.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: not valid JSON \\(`));
    const list = write("list.json", [1, 2]);
    expect(() => loadPrices(list)).toThrow(`Invalid price file ${list}: (root): expected a JSON object`);
    expect(() => loadPrices(join(dir, "missing.json"))).toThrow(`Invalid price file ${join(dir, "missing.json")}: cannot read the file (`);
  });
});
