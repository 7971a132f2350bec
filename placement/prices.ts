import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Architecture, CapacityType } from "./types";
import { PlacementError } from "./errors";
import { CostValidationError, formatIssues } from "./validation";
import { US_EAST_1 } from "./prices/us-east-1";
import { describeInstanceGap, describeRegionGap, instanceGap, instanceTable } from "./prices/instances";

/** One price with its provenance. */
export interface PriceFigure {
  readonly value: number;
  /** What `value` is per, e.g. "USD per vCPU-hour". */
  readonly unit: string;
  /** Where the figure comes from (a URL, or "our EDP contract"). */
  readonly source: string;
  /** Date the source states for the figure, when it states one (YYYY-MM-DD). */
  readonly asOf?: string;
  /** Caveats: secondary confirmation, assumptions, scope. */
  readonly note?: string;
}

/** Shape and price of one EC2 instance type. */
export interface InstanceSpec {
  readonly architecture: Architecture;
  readonly vcpu: number;
  /** Nominal memory (the instance type's GiB × 1024). */
  readonly memoryMiB: number;
  /** ENIs and IPv4 addresses per ENI: the VPC CNI's max-pods inputs. */
  readonly maxEnis: number;
  readonly ipv4PerEni: number;
  /** Where vCPU, memory and architecture come from. */
  readonly specSource?: string;
  readonly eniSource?: string;
  readonly onDemandHourly: PriceFigure;
  /** A real Spot price; without it Spot is on-demand × (1 − spotDiscountFraction). */
  readonly spotHourly?: PriceFigure;
}

export interface FargateRates {
  readonly vcpuHourly: PriceFigure;
  readonly gbHourly: PriceFigure;
}

/** Every figure the model uses. */
export interface PriceTable {
  readonly region: string;
  readonly currency: "USD";
  /** Date the figures were collected (YYYY-MM-DD); each EC2 instance figure states its own. */
  readonly takenOn: string;
  /**
   * The region every figure outside `ec2.instances` was taken for, when it is not `region`:
   * the project keeps hand-checked figures for us-east-1 only, instance prices for every region.
   */
  readonly otherFiguresRegion?: string;
  /** Hours in the month used for monthly totals and GB-month conversions. */
  readonly hoursPerMonth: number;
  readonly eks: { readonly standardSupportHourly: PriceFigure; readonly extendedSupportHourly: PriceFigure };
  readonly fargate: {
    readonly x86_64: FargateRates;
    readonly arm64: FargateRates;
    readonly ephemeralStorageGbHourly: PriceFigure;
  };
  readonly ec2: {
    readonly instances: Readonly<Record<string, InstanceSpec>>;
    readonly spotDiscountFraction: PriceFigure;
  };
  readonly ebs: { readonly gp3GbMonth: PriceFigure; readonly gp2GbMonth: PriceFigure };
  readonly natGateway: { readonly hourly: PriceFigure; readonly dataProcessedPerGb: PriceFigure };
  readonly alb: { readonly hourly: PriceFigure; readonly lcuHourly: PriceFigure };
  readonly publicIpv4: { readonly hourly: PriceFigure };
  readonly dataTransfer: { readonly internetOutPerGb: PriceFigure };
  readonly cloudwatchLogs: { readonly ingestPerGb: PriceFigure; readonly storageGbMonth: PriceFigure };
  /** AWS Private CA: the mesh TLS certificate authority. */
  readonly privateCa: { readonly generalPurposeMonthly: PriceFigure; readonly certificateEach: PriceFigure };
  /** AWS WAF on the public load balancer. */
  readonly waf: { readonly webAclMonthly: PriceFigure; readonly ruleMonthly: PriceFigure; readonly requestsPerMillion: PriceFigure };
  readonly dynamodb: {
    readonly storageGbMonth: PriceFigure;
    readonly freeStorageGb: PriceFigure;
    readonly writeRequestsPerMillion: PriceFigure;
    readonly readRequestsPerMillion: PriceFigure;
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const nonNegative = z.number().min(0, { error: "must be >= 0" });
const positiveInt = z.number().int({ error: "must be a whole number" }).min(1, { error: "must be >= 1" });
const text = z.string().min(1, { error: "must not be empty" });
const date = z.string().regex(DATE, { error: "must be a date YYYY-MM-DD" });

const figure = z.strictObject({
  value: nonNegative,
  unit: text,
  source: text,
  asOf: date.optional(),
  note: z.string().optional(),
});

const fraction = z.strictObject({
  value: z.number().min(0, { error: "must be between 0 and 1" }).max(1, { error: "must be between 0 and 1" }),
  unit: text,
  source: text,
  asOf: date.optional(),
  note: z.string().optional(),
});

const instanceSpec = z.strictObject({
  architecture: z.enum(["x86_64", "arm64"], { error: 'must be "x86_64" or "arm64"' }),
  vcpu: positiveInt,
  memoryMiB: positiveInt,
  maxEnis: positiveInt,
  ipv4PerEni: z.number().int({ error: "must be a whole number" }).min(2, { error: "must be >= 2 (one address per ENI is the node's own)" }),
  specSource: z.string().optional(),
  eniSource: z.string().optional(),
  onDemandHourly: figure,
  spotHourly: figure.optional(),
});

const fargateRates = z.strictObject({ vcpuHourly: figure, gbHourly: figure });

export const priceTableSchema: z.ZodType<PriceTable> = z.strictObject({
  region: text,
  currency: z.literal("USD", { error: 'must be "USD"' }),
  takenOn: date,
  otherFiguresRegion: text.optional(),
  hoursPerMonth: z.number().min(1, { error: "must be >= 1" }),
  eks: z.strictObject({ standardSupportHourly: figure, extendedSupportHourly: figure }),
  fargate: z.strictObject({ x86_64: fargateRates, arm64: fargateRates, ephemeralStorageGbHourly: figure }),
  ec2: z.strictObject({ instances: z.record(z.string(), instanceSpec), spotDiscountFraction: fraction }),
  ebs: z.strictObject({ gp3GbMonth: figure, gp2GbMonth: figure }),
  natGateway: z.strictObject({ hourly: figure, dataProcessedPerGb: figure }),
  alb: z.strictObject({ hourly: figure, lcuHourly: figure }),
  publicIpv4: z.strictObject({ hourly: figure }),
  dataTransfer: z.strictObject({ internetOutPerGb: figure }),
  cloudwatchLogs: z.strictObject({ ingestPerGb: figure, storageGbMonth: figure }),
  privateCa: z.strictObject({ generalPurposeMonthly: figure, certificateEach: figure }),
  waf: z.strictObject({ webAclMonthly: figure, ruleMonthly: figure, requestsPerMillion: figure }),
  dynamodb: z.strictObject({
    storageGbMonth: figure,
    freeStorageGb: figure,
    writeRequestsPerMillion: figure,
    readRequestsPerMillion: figure,
  }),
});

/**
 * The table for a region: every EC2 instance type the data prices there, and the hand-checked
 * us-east-1 figures for the rest (marked by `otherFiguresRegion` elsewhere). Throws
 * PlacementError when the data has no prices for the region.
 */
export function pricesFor(region: string): PriceTable {
  const instances = instanceTable(region);
  if (instances === undefined) {
    throw new PlacementError({ kind: "region-without-prices", region }, `${describeRegionGap(region)}; pass a price file for ${region} (--prices)`);
  }
  return {
    ...US_EAST_1,
    region,
    ...(region === US_EAST_1.region ? {} : { otherFiguresRegion: US_EAST_1.region }),
    ec2: { ...US_EAST_1.ec2, instances },
  };
}

/** The region's table when the data prices it; otherwise one without instance types, for a price file to fill. */
export function basePricesFor(region: string): PriceTable {
  if (instanceTable(region) !== undefined) return pricesFor(region);
  return { ...US_EAST_1, region, otherFiguresRegion: US_EAST_1.region, ec2: { ...US_EAST_1.ec2, instances: {} } };
}

/** The shipped table (us-east-1). */
export const DEFAULT_PRICES: PriceTable = pricesFor("us-east-1");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Deep merge of a user's file over the defaults. A price figure (an object
 * with `value`) is replaced whole, never merged: a user's value with the
 * default's source would misstate where the number comes from.
 */
export function mergeOverride(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || "value" in override) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = key in base ? mergeOverride(base[key], value) : value;
  return out;
}

/**
 * Validates a user's partial price table (already parsed JSON) and merges it
 * over `base`. Errors name the field as it is written in the user's file.
 */
export function applyPriceOverride(base: PriceTable, override: unknown, label = "price override"): PriceTable {
  if (!isPlainObject(override)) throw new CostValidationError(label, ["(root): expected a JSON object"]);
  const merged = mergeOverride(base, override);
  const parsed = priceTableSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw new CostValidationError(label, formatIssues(parsed.error.issues));
  return parsed.data;
}

/** Reads `file` (JSON) and merges it over the defaults; no file means the defaults. */
export function loadPrices(file?: string, base: PriceTable = DEFAULT_PRICES): PriceTable {
  if (file === undefined) return base;
  const label = `Invalid price file ${file}`;
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (error) {
    throw new CostValidationError(label, [`cannot read the file (${(error as Error).message})`]);
  }
  let json: Json;
  try {
    json = JSON.parse(raw) as Json;
  } catch (error) {
    throw new CostValidationError(label, [`not valid JSON (${(error as Error).message})`]);
  }
  return applyPriceOverride(base, json, label);
}

/** Shape and price data of an instance type, or a PlacementError saying what the data lacks. */
export function findInstance(prices: PriceTable, instanceType: string): InstanceSpec {
  const spec = prices.ec2.instances[instanceType];
  if (spec === undefined) {
    const gap = instanceGap(instanceType, prices.region);
    throw new PlacementError(
      { kind: "unknown-instance-type", instanceType, region: prices.region, gap },
      `${describeInstanceGap(instanceType, prices.region, gap)}; add it to your price file under ec2.instances`,
    );
  }
  return spec;
}

/** Hourly price of one node: Spot uses the entry's spotHourly, else the documented discount, never on-demand. */
export function instanceHourly(prices: PriceTable, instanceType: string, capacityType: CapacityType): number {
  const spec = findInstance(prices, instanceType);
  if (capacityType === "ON_DEMAND") return spec.onDemandHourly.value;
  if (spec.spotHourly !== undefined) return spec.spotHourly.value;
  return spec.onDemandHourly.value * (1 - prices.ec2.spotDiscountFraction.value);
}

/** Hourly equivalent of a per-GB-month price, using the table's hours per month. */
export function gbMonthToHourly(prices: PriceTable, perGbMonth: number, gb: number): number {
  return (perGbMonth * gb) / prices.hoursPerMonth;
}
