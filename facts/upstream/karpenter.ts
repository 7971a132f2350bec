import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../paths";

/**
 * The pinned Karpenter NodePool CRD's schema (facts/upstream/karpenter-v1.14.1/, regenerated
 * from the Go module by facts/upstream/regenerate.ts): the authority for every config field
 * that ends up in a NodePool. Read once, on first use; kept as JSON because synth reads it
 * on every run.
 */
export const KARPENTER_CRD_VERSION = "v1.14.1";
const FILE = path.join(PROJECT_ROOT, "facts", "upstream", `karpenter-${KARPENTER_CRD_VERSION}`, "karpenter.sh_nodepools.json");

/** The parts of an OpenAPI property schema the config's checks use. */
export interface CrdProperty {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxItems?: number;
}

let root: Record<string, unknown> | undefined;

/**
 * The NodePool schema at a dotted path below the version's openAPIV3Schema, `[]` stepping
 * into list items and `{}` into map values: `spec.disruption.budgets[].schedule`.
 */
export function nodePoolProperty(at: string): CrdProperty {
  root ??= (JSON.parse(fs.readFileSync(FILE, "utf8")) as { spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] } }).spec.versions[0]!.schema.openAPIV3Schema;
  let node: Record<string, unknown> | undefined = root;
  for (const step of at.match(/[^.[\]{}]+|\[\]|\{\}/g) ?? []) {
    if (step === "[]") node = node?.items as Record<string, unknown> | undefined;
    else if (step === "{}") node = node?.additionalProperties as Record<string, unknown> | undefined;
    else node = (node?.properties as Record<string, Record<string, unknown>> | undefined)?.[step];
  }
  if (!node) throw new Error(`the Karpenter ${KARPENTER_CRD_VERSION} NodePool CRD has no property ${at}`);
  return node as CrdProperty;
}
