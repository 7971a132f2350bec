/**
 * Regenerates the EC2 instance data the placement engine and the cost model read
 * (facts/upstream/ec2-instances/: instances.json, provenance.json) from two Go modules,
 * pinned below by version and go.sum hash and fetched with `go mod download`:
 *
 *   npx tsx scripts/ec2-instances.ts             download if needed, then rewrite the two files
 *   npx tsx scripts/ec2-instances.ts --check     exit 1 when the committed files differ from a regeneration
 *   npx tsx scripts/ec2-instances.ts --download  only fetch the modules (scripts/setup-tools.sh runs this)
 *
 * What comes from where (provenance.json says the same, for readers of the data):
 * - vCPU, memory, architecture: ec2-instances-info's data/instances.json (ec2instances.info's
 *   data; Karpenter ships no shapes).
 * - ENIs and IPv4 per ENI: Karpenter's vpclimits, the default network card's interfaces (the
 *   VPC CNI uses only that card); ec2-instances-info's `vpc` where Karpenter has no entry.
 * - On-demand Linux prices: Karpenter's generated tables where it has the region (us-east-1,
 *   the two GovCloud regions; newer), ec2-instances-info's for every other region. Karpenter's
 *   cn-north-1 table is left out: it is in CNY and the cost model is USD.
 * Nothing reads the modules at run time: only this script and its test.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REGION_PATTERN } from "../facts/aws";
import { EC2_INSTANCES_DIR, type Ec2InstanceData, type Ec2InstanceProvenance, type InstanceShape } from "../facts/upstream/ec2-instances";

export interface ModulePin {
  readonly module: string;
  readonly version: string;
  /** go.sum hash (h1:) of the module zip: `go mod download` refuses a zip that does not match. */
  readonly sum: string;
  readonly licence: string;
}

export const MODULES = {
  // The version the platform installs (ops/kubernetes/pins.json, charts/versions.ts); a test keeps them equal.
  karpenter: {
    module: "github.com/aws/karpenter-provider-aws",
    version: "v1.14.1",
    sum: "h1:WGtIQTQcxpElYMdWfWuPwaF2+9muR+hYhPZsTtoY8Gs=",
    licence: "Apache-2.0",
  },
  instancesInfo: {
    module: "github.com/cristim/ec2-instances-info",
    version: "v0.0.0-20250528091325-32acf84f42eb",
    sum: "h1:exJ9FsMTbotSG5xgDHmFJE84gV3MZ4JRpR8nhbgJz/k=",
    licence: "Unlicense (the module's code); its data/instances.json is ec2instances.info's (instances.vantage.sh), built from the AWS Price List",
  },
} as const satisfies Record<string, ModulePin>;

const FILES = {
  pricingAws: "pkg/providers/pricing/zz_generated.pricing_aws.go",
  pricingUsGov: "pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go",
  vpcLimits: "pkg/providers/instancetype/zz_generated.vpclimits.go",
  instancesJson: "data/instances.json",
} as const;

/** A downloaded module: its folder, and the commit time the proxy states for its version. */
export interface ModuleFiles {
  readonly dir: string;
  readonly time: string;
}

/** What a missing module says, with the command that fetches it. */
export class ModuleMissing extends Error {}

/**
 * The module's folder in the Go module cache. Offline (GOPROXY=off) unless `download`, so a
 * check never reaches the network; the hash is checked against the pin either way.
 */
export function moduleFiles(pin: ModulePin, download = false): ModuleFiles {
  let out: string;
  try {
    out = execFileSync("go", ["mod", "download", "-json", `${pin.module}@${pin.version}`], {
      // Outside any go.mod, so the project's own Go modules (ops/) never take part.
      cwd: os.tmpdir(),
      env: { ...process.env, GOFLAGS: "-mod=mod", ...(download ? {} : { GOPROXY: "off" }) },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { code?: string; stdout?: string };
    if (err.code === "ENOENT") throw new ModuleMissing(`Go is not installed; the EC2 instance data is regenerated from Go modules (install Go, then run npm run setup:tools)`);
    const reported = (() => {
      try {
        return (JSON.parse(err.stdout ?? "") as { Error?: string }).Error;
      } catch {
        return undefined;
      }
    })();
    throw new ModuleMissing(`${pin.module}@${pin.version} is not in the Go module cache${reported ? ` (${reported.split("\n")[0]})` : ""}; run npm run setup:tools (or npx tsx scripts/ec2-instances.ts --download)`);
  }
  const json = JSON.parse(out) as { Dir: string; Sum: string; Info: string };
  if (json.Sum !== pin.sum) throw new Error(`${pin.module}@${pin.version} has go.sum hash ${json.Sum}, but scripts/ec2-instances.ts pins ${pin.sum}`);
  const info = JSON.parse(fs.readFileSync(json.Info, "utf8")) as { Time: string };
  return { dir: json.Dir, time: info.Time };
}

/** "generated at 2026-07-06T14:20:29Z" (Karpenter's pricing files) or "generated at 2026-05-18T17:08:55Z" (vpclimits). */
function generatedAt(text: string, file: string): string {
  const m = /generated at (\d{4}-\d{2}-\d{2})T[\d:]+Z/.exec(text);
  if (!m) throw new Error(`${file}: no "generated at <time>" line`);
  return m[1]!;
}

/** Region → type → USD per hour, from one of Karpenter's generated pricing files. */
export function parseKarpenterPrices(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  let region: Record<string, number> | undefined;
  for (const line of text.split("\n")) {
    const start = /^\t"([a-z0-9-]+)": \{$/.exec(line);
    if (start) {
      region = out[start[1]!] = {};
      continue;
    }
    if (line === "\t},") region = undefined;
    if (!region) continue;
    for (const m of line.matchAll(/"([a-z0-9-]+\.[a-z0-9-]+)": (\d+(?:\.\d+)?)/g)) region[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Type → [ENIs of the default network card, IPv4 per ENI], from Karpenter's vpclimits. */
export function parseVpcLimits(text: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const m of text.matchAll(/\n\t"([a-z0-9-]+\.[a-z0-9-]+)": \{([\s\S]*?)\n\t\},/g)) {
    const body = m[2]!;
    const field = (name: string) => {
      const f = new RegExp(`\\b${name}:\\s+(\\d+)`).exec(body);
      if (!f) throw new Error(`vpclimits "${m[1]}": no ${name}`);
      return Number(f[1]);
    };
    const defaultCard = field("DefaultNetworkCardIndex");
    const card = [...body.matchAll(/MaximumNetworkInterfaces:\s+(\d+),\s+NetworkCardIndex:\s+(\d+)/g)].find((c) => Number(c[2]) === defaultCard);
    // Without a card list, Interface is the only count there is.
    out[m[1]!] = [card ? Number(card[1]) : field("Interface"), field("IPv4PerInterface")];
  }
  return out;
}

interface InfoEntry {
  readonly instance_type: string;
  readonly vCPU: number;
  readonly memory: number;
  readonly arch: readonly string[];
  readonly vpc: { readonly max_enis: number; readonly ips_per_eni: number } | null;
  readonly pricing: Record<string, { readonly linux?: { readonly ondemand?: string } }>;
}

const sortKeys = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The committed data and its provenance, from the two modules' files. Pure: same files, same output. */
export function buildInstanceData(karpenter: ModuleFiles, instancesInfo: ModuleFiles): { data: Ec2InstanceData; provenance: Ec2InstanceProvenance } {
  const read = (m: ModuleFiles, file: string) => fs.readFileSync(path.join(m.dir, file), "utf8");
  const pricingAws = read(karpenter, FILES.pricingAws);
  const pricingUsGov = read(karpenter, FILES.pricingUsGov);
  const vpcLimitsText = read(karpenter, FILES.vpcLimits);
  const infoText = read(instancesInfo, FILES.instancesJson);
  const info = JSON.parse(infoText) as InfoEntry[];
  const vpcLimits = parseVpcLimits(vpcLimitsText);
  const karpenterPrices = { ...parseKarpenterPrices(pricingAws), ...parseKarpenterPrices(pricingUsGov) };

  const types: Record<string, InstanceShape> = {};
  const incomplete: Record<string, string> = {};
  for (const e of info) {
    const arch = e.arch.includes("arm64") ? "arm64" : e.arch.includes("x86_64") ? "x86_64" : undefined;
    const enis = vpcLimits[e.instance_type] ?? (e.vpc ? [e.vpc.max_enis, e.vpc.ips_per_eni] : undefined);
    if (arch === undefined) incomplete[e.instance_type] = `Linux architecture (a Mac type: ${e.arch.join("/")})`;
    else if (enis === undefined) incomplete[e.instance_type] = "ENI limits";
    else if (!(e.vCPU > 0 && e.memory > 0)) incomplete[e.instance_type] = "vCPU and memory";
    else types[e.instance_type] = [arch, e.vCPU, Math.round(e.memory * 1024), enis[0], enis[1]];
  }
  // Types AWS prices (Karpenter's tables are the newer list) that the shape source predates.
  for (const prices of Object.values(karpenterPrices)) {
    for (const type of Object.keys(prices)) if (!types[type] && !incomplete[type]) incomplete[type] = "vCPU and memory";
  }

  const karpenterSource = (region: string) => (region.startsWith("us-gov-") ? "karpenter-pricing-us-gov" : "karpenter-pricing-aws");
  const regions: Record<string, { source: string; prices: Record<string, number> }> = {};
  const infoRegions = new Set(info.flatMap((e) => Object.keys(e.pricing)).filter((r) => REGION_PATTERN.test(r)));
  for (const region of [...new Set([...infoRegions, ...Object.keys(karpenterPrices).filter((r) => !r.startsWith("cn-"))])].sort()) {
    const prices: Record<string, number> = {};
    const fromKarpenter = karpenterPrices[region];
    if (fromKarpenter) {
      for (const [type, hourly] of Object.entries(fromKarpenter)) if (types[type] && hourly > 0) prices[type] = hourly;
    } else {
      for (const e of info) {
        const od = e.pricing[region]?.linux?.ondemand;
        const hourly = od === undefined ? NaN : Number(od);
        if (types[e.instance_type] && hourly > 0) prices[e.instance_type] = hourly;
      }
    }
    regions[region] = { source: fromKarpenter ? karpenterSource(region) : "ec2-instances-info", prices: sortKeys(prices) };
  }

  const infoDate = instancesInfo.time.slice(0, 10);
  const k = MODULES.karpenter;
  const i = MODULES.instancesInfo;
  const blob = (pin: ModulePin, ref: string, file: string) => `https://github.com/${pin.module.replace(/^github\.com\//, "")}/blob/${ref}/${file}`;
  const infoCommit = i.version.split("-").pop()!;
  const provenance: Ec2InstanceProvenance = {
    $comment: "Where facts/upstream/ec2-instances/instances.json comes from; written by scripts/ec2-instances.ts with the data. Each source is a file of a Go module pinned by version and go.sum hash.",
    regenerate: "npx tsx scripts/ec2-instances.ts (go mod download of the pinned modules; --check compares without writing)",
    modules: { karpenter: k, instancesInfo: i },
    sources: {
      "karpenter-pricing-aws": { module: "karpenter", file: FILES.pricingAws, url: blob(k, k.version, FILES.pricingAws), asOf: generatedAt(pricingAws, FILES.pricingAws), sha256: sha256(pricingAws), label: `Karpenter ${k.version}'s AWS Price List table` },
      "karpenter-pricing-us-gov": { module: "karpenter", file: FILES.pricingUsGov, url: blob(k, k.version, FILES.pricingUsGov), asOf: generatedAt(pricingUsGov, FILES.pricingUsGov), sha256: sha256(pricingUsGov), label: `Karpenter ${k.version}'s AWS Price List table (GovCloud)` },
      "karpenter-vpclimits": { module: "karpenter", file: FILES.vpcLimits, url: blob(k, k.version, FILES.vpcLimits), asOf: generatedAt(vpcLimitsText, FILES.vpcLimits), sha256: sha256(vpcLimitsText), label: `Karpenter ${k.version}'s VPC limits` },
      "ec2-instances-info": { module: "instancesInfo", file: FILES.instancesJson, url: blob(i, infoCommit, FILES.instancesJson), asOf: infoDate, sha256: sha256(infoText), label: "ec2instances.info" },
    },
    authority: {
      "architecture, vcpu, memoryMiB": "ec2-instances-info: arch (arm64, else x86_64; Mac-only types left out), vCPU, memory GiB × 1024 rounded",
      "maxEnis, ipv4PerEni": "karpenter-vpclimits: the default network card's MaximumNetworkInterfaces and IPv4PerInterface (the VPC CNI uses only that card); ec2-instances-info's vpc.max_enis and vpc.ips_per_eni for a type Karpenter lists no limits for",
      prices: "on-demand Linux USD per hour. karpenter-pricing-aws for us-east-1 and karpenter-pricing-us-gov for us-gov-east-1 and us-gov-west-1 (newer than ec2-instances-info); ec2-instances-info's pricing.<region>.linux.ondemand for every other region it prices (Local and Wavelength Zones left out). Karpenter's cn-north-1 table is not used: it is in CNY and the cost model is USD. Only types with a whole shape are priced.",
      incomplete: "types a source names that the data cannot size, with what is missing; the placement engine refuses them by name",
    },
    counts: { types: Object.keys(types).length, incomplete: Object.keys(incomplete).length, regions: Object.keys(regions).length },
  };
  return { data: { types: sortKeys(types), incomplete: sortKeys(incomplete), regions }, provenance };
}

/** The committed files' text, as the regeneration writes them. */
export function renderFiles(built: ReturnType<typeof buildInstanceData>): Record<"instances.json" | "provenance.json", string> {
  const { data, provenance } = built;
  // One line per type and per region's price list keeps the file small and its diffs readable.
  const lines = [
    "{",
    '  "types": {',
    Object.entries(data.types).map(([t, s]) => `    ${JSON.stringify(t)}: ${JSON.stringify(s)}`).join(",\n"),
    "  },",
    `  "incomplete": ${JSON.stringify(data.incomplete)},`,
    '  "regions": {',
    Object.entries(data.regions).map(([r, v]) => `    ${JSON.stringify(r)}: ${JSON.stringify(v)}`).join(",\n"),
    "  }",
    "}",
  ];
  return { "instances.json": lines.join("\n") + "\n", "provenance.json": JSON.stringify(provenance, null, 2) + "\n" };
}

export function regenerate(download: boolean): ReturnType<typeof renderFiles> {
  return renderFiles(buildInstanceData(moduleFiles(MODULES.karpenter, download), moduleFiles(MODULES.instancesInfo, download)));
}

if (require.main === module) {
  const flag = process.argv[2];
  try {
    if (flag === "--download") {
      for (const pin of Object.values(MODULES)) moduleFiles(pin, true);
      console.log(`ec2-instances: ${Object.values(MODULES).map((p) => `${p.module}@${p.version}`).join(", ")} in the Go module cache`);
    } else if (flag === "--check") {
      const files = regenerate(false);
      const stale = Object.entries(files).filter(([name, text]) => fs.readFileSync(path.join(EC2_INSTANCES_DIR, name), "utf8") !== text).map(([name]) => name);
      if (stale.length) {
        console.error(`ec2-instances: facts/upstream/ec2-instances/${stale.join(", ")} differ from the pinned modules; run npx tsx scripts/ec2-instances.ts`);
        process.exit(1);
      }
      console.log("ec2-instances: the committed data equals a regeneration");
    } else if (flag === undefined) {
      const files = regenerate(true);
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(EC2_INSTANCES_DIR, name), text);
      const p = JSON.parse(files["provenance.json"]) as Ec2InstanceProvenance;
      console.log(`ec2-instances: ${p.counts.types} types, ${p.counts.regions} regions, ${p.counts.incomplete} incomplete -> facts/upstream/ec2-instances/`);
    } else {
      console.error("usage: npx tsx scripts/ec2-instances.ts [--check | --download]");
      process.exit(2);
    }
  } catch (e) {
    console.error(`ec2-instances: ${(e as Error).message}`);
    process.exit(1);
  }
}
