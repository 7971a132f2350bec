import { ec2InstanceData, ec2InstanceProvenance, type Ec2InstanceSource } from "../../facts/upstream/ec2-instances";
import type { InstanceSpec, PriceFigure } from "../prices";

/**
 * Every EC2 instance type of a region as the price table holds it, from the extracted
 * instance data (facts/upstream/ec2-instances; provenance.json says which source gives
 * which field). Each figure names the file it comes from and the date that file states.
 */

/** Why a type is not in a region's table. */
export type InstanceGap =
  /** No source names it. */
  | { readonly kind: "unknown" }
  /** A source names it, but the data cannot size it; `missing` says what it lacks ("vCPU and memory"). */
  | { readonly kind: "incomplete"; readonly missing: string }
  /** Sized, but without an on-demand price in the region. */
  | { readonly kind: "not-in-region" };

const tables = new Map<string, Record<string, InstanceSpec>>();

function source(id: string): Ec2InstanceSource {
  const s = ec2InstanceProvenance().sources[id];
  if (!s) throw new Error(`facts/upstream/ec2-instances/provenance.json names no source "${id}"; run npx tsx scripts/ec2-instances.ts`);
  return s;
}

const moduleOf = (s: Ec2InstanceSource) => {
  const m = ec2InstanceProvenance().modules[s.module]!;
  return `${m.module}@${m.version} (${m.sum})`;
};

/** "ec2instances.info (ec2-instances-info) of 2025-05-28". */
const cite = (s: Ec2InstanceSource) => `${s.label} of ${s.asOf}`;

/** Regions the data has prices for. */
export function pricedRegions(): string[] {
  return Object.keys(ec2InstanceData().regions).sort();
}

/** The region's instance types with shape and on-demand price, or undefined when the data prices nothing there. */
export function instanceTable(region: string): Readonly<Record<string, InstanceSpec>> | undefined {
  const cached = tables.get(region);
  if (cached) return cached;
  const data = ec2InstanceData();
  const priced = data.regions[region];
  if (!priced) return undefined;
  const prices = source(priced.source);
  const shapes = source("ec2-instances-info");
  const enis = source("karpenter-vpclimits");
  // Shared by every entry: one string each, not one per type.
  const note = `${prices.label}, on-demand Linux, ${region}; ${moduleOf(prices)}, ${prices.file}`;
  const specSource = `${shapes.url} (vCPU, memory, architecture; ${moduleOf(shapes)}, ${shapes.asOf})`;
  const eniSource = `${enis.url} (default network card's MaximumNetworkInterfaces, IPv4PerInterface; ${enis.asOf}); ec2-instances-info's vpc for types it lacks`;
  const table: Record<string, InstanceSpec> = {};
  for (const [type, hourly] of Object.entries(priced.prices)) {
    const shape = data.types[type];
    if (!shape) continue;
    const [architecture, vcpu, memoryMiB, maxEnis, ipv4PerEni] = shape;
    const onDemandHourly: PriceFigure = { value: hourly, unit: "USD per instance-hour", source: prices.url, asOf: prices.asOf, note };
    table[type] = { architecture, vcpu, memoryMiB, maxEnis, ipv4PerEni, specSource, eniSource, onDemandHourly };
  }
  tables.set(region, table);
  return table;
}

/** Why the data has no entry for `instanceType` in `region`. */
export function instanceGap(instanceType: string, region: string): InstanceGap {
  const data = ec2InstanceData();
  const missing = data.incomplete[instanceType];
  if (missing !== undefined) return { kind: "incomplete", missing };
  if (data.types[instanceType] !== undefined && data.regions[region]?.prices[instanceType] === undefined) return { kind: "not-in-region" };
  return { kind: "unknown" };
}

/** The sizes the data has of a type's family ("large, xlarge, 2xlarge"), empty when it has none. */
function familySizes(instanceType: string): string[] {
  const family = instanceType.split(".")[0]!;
  const types = ec2InstanceData().types;
  return Object.keys(types)
    .filter((t) => t.split(".")[0] === family)
    .sort((a, b) => types[a]![1] - types[b]![1] || types[a]![2] - types[b]![2] || (a < b ? -1 : 1))
    .map((t) => t.slice(family.length + 1));
}

/** The same size of the newest earlier generation the region prices (m8i.large → m7i.large), if any. */
export function earlierGeneration(instanceType: string, region: string): string | undefined {
  const m = /^([a-z]+)(\d+)([a-z0-9-]*)\.(.+)$/.exec(instanceType);
  if (!m) return undefined;
  const prices = ec2InstanceData().regions[region]?.prices ?? {};
  for (let gen = Number(m[2]) - 1; gen > 0; gen--) {
    const candidate = `${m[1]}${gen}${m[3]}.${m[4]}`;
    if (prices[candidate] !== undefined) return candidate;
  }
  return undefined;
}

/**
 * What is wrong, as a clause a caller ends with its own fix: the config says which field to
 * change, `npm run cost` says to add the type to a price file.
 */
export function describeInstanceGap(instanceType: string, region: string, gap: InstanceGap): string {
  const shapes = cite(source("ec2-instances-info"));
  const type = JSON.stringify(instanceType);
  switch (gap.kind) {
    case "incomplete":
      return `${type} cannot be sized: the platform's EC2 instance data (${shapes}) lacks its ${gap.missing}`;
    case "not-in-region": {
      const priced = ec2InstanceData().regions[region];
      return `the platform's EC2 instance data has no ${region} on-demand price for ${type} (${priced ? cite(source(priced.source)) : `it has no prices for ${region}`})`;
    }
    case "unknown": {
      const sizes = familySizes(instanceType);
      const family = instanceType.split(".")[0]!;
      return `${type} is not an EC2 instance type in the platform's instance data (${shapes}, ${cite(source("karpenter-pricing-aws"))}${sizes.length ? `; ${family} sizes: ${sizes.join(", ")}` : ""})`;
    }
  }
}

/** Why the data has no prices for a region, as a clause. */
export function describeRegionGap(region: string): string {
  const cn = region.startsWith("cn-") ? "; Karpenter's China prices are in CNY and the cost model is USD" : "";
  return `${JSON.stringify(region)} has no EC2 prices in the platform's instance data (it prices ${pricedRegions().length} regions, not this one${cn})`;
}

export interface InstanceDataSource {
  readonly label: string;
  readonly asOf: string;
  readonly url: string;
  /** The Go module and version the file is in. */
  readonly module: string;
}

/** Where the EC2 instance figures of `region` come from, per kind of figure, with the date each source states. */
export function instanceDataSources(region: string): { readonly prices?: InstanceDataSource; readonly shapes: InstanceDataSource; readonly enis: InstanceDataSource } {
  const of = (id: string): InstanceDataSource => {
    const s = source(id);
    const m = ec2InstanceProvenance().modules[s.module]!;
    return { label: s.label, asOf: s.asOf, url: s.url, module: `${m.module}@${m.version}` };
  };
  const priced = ec2InstanceData().regions[region];
  return { ...(priced ? { prices: of(priced.source) } : {}), shapes: of("ec2-instances-info"), enis: of("karpenter-vpclimits") };
}

/** The same, as one sentence for reports. */
export function instanceDataSummary(region: string): string {
  const { prices, shapes, enis } = instanceDataSources(region);
  const modules = Object.values(ec2InstanceProvenance().modules).map((m) => `${m.module}@${m.version}`).join(", ");
  const c = (s: InstanceDataSource) => `${s.label} of ${s.asOf}`;
  return `EC2 instances: ${prices ? `prices from ${c(prices)}` : `no prices for ${region} (only a price file's)`}; vCPU, memory and architecture from ${c(shapes)}; ENIs from ${c(enis)} (Go modules ${modules}; facts/upstream/ec2-instances/provenance.json)`;
}
