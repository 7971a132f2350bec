/**
 * Shapes and on-demand prices of EC2 instance types, extracted from pinned Go modules by
 * scripts/ec2-instances.ts (provenance.json names the modules, files, hashes and dates, and
 * which source is authoritative for what). Read at run time rather than imported, so the
 * type checker never infers a type for thousands of keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const EC2_INSTANCES_DIR = __dirname;

/** [architecture, vCPU, memory MiB (GiB × 1024), ENIs, IPv4 per ENI]. */
export type InstanceShape = readonly ["x86_64" | "arm64", number, number, number, number];

export interface Ec2InstanceData {
  readonly types: Readonly<Record<string, InstanceShape>>;
  /** Types a source names that cannot be sized, with what is missing ("vCPU and memory"). */
  readonly incomplete: Readonly<Record<string, string>>;
  /** Per region: the source of its prices (a key of provenance.sources) and type → USD per hour. */
  readonly regions: Readonly<Record<string, { readonly source: string; readonly prices: Readonly<Record<string, number>> }>>;
}

export interface Ec2InstanceSource {
  /** Key of `modules`. */
  readonly module: string;
  readonly file: string;
  readonly url: string;
  /** The date the file states it was generated (YYYY-MM-DD), or the module version's commit date. */
  readonly asOf: string;
  readonly sha256: string;
  /** Short name for reports, e.g. "Karpenter v1.14.1's AWS Price List table". */
  readonly label: string;
}

export interface Ec2InstanceProvenance {
  readonly $comment: string;
  readonly regenerate: string;
  readonly modules: Readonly<Record<string, { readonly module: string; readonly version: string; readonly sum: string; readonly licence: string }>>;
  readonly sources: Readonly<Record<string, Ec2InstanceSource>>;
  readonly authority: Readonly<Record<string, string>>;
  readonly counts: { readonly types: number; readonly incomplete: number; readonly regions: number };
}

let loaded: { data: Ec2InstanceData; provenance: Ec2InstanceProvenance } | undefined;

function load(): { data: Ec2InstanceData; provenance: Ec2InstanceProvenance } {
  loaded ??= {
    data: JSON.parse(fs.readFileSync(path.join(EC2_INSTANCES_DIR, "instances.json"), "utf8")) as Ec2InstanceData,
    provenance: JSON.parse(fs.readFileSync(path.join(EC2_INSTANCES_DIR, "provenance.json"), "utf8")) as Ec2InstanceProvenance,
  };
  return loaded;
}

export function ec2InstanceData(): Ec2InstanceData {
  return load().data;
}

export function ec2InstanceProvenance(): Ec2InstanceProvenance {
  return load().provenance;
}
