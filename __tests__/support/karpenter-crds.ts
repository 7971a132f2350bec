import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

/**
 * Validates Karpenter custom resources against the upstream CRDs of the version the mesh
 * stack installs (shared/reference/karpenter-v1.14.1/, read at test time, never copied
 * into the project). Per kind, the schema is the openAPIV3Schema of the served storage
 * version. CEL rules (x-kubernetes-validations) are not evaluated by ajv; the tests assert
 * what those rules guard separately.
 */
const REFERENCE = path.join("shared", "reference", "karpenter-v1.14.1");
/** `shared/` sits beside the repository (CI's clone); a git worktree sits one level further down. */
export const KARPENTER_CRD_DIR =
  [path.resolve(__dirname, "..", "..", ".."), path.resolve(__dirname, "..", "..", "..", "..")].map((dir) => path.join(dir, REFERENCE)).find((dir) => fs.existsSync(dir)) ??
  path.resolve(__dirname, "..", "..", "..", REFERENCE);
const FILES = ["karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml", "karpenter.sh_nodeclaims.yaml"];

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: object };
}

let validators: Map<string, { version: string; validate: ValidateFunction }> | undefined;

function load(): Map<string, { version: string; validate: ValidateFunction }> {
  if (validators) return validators;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validators = new Map();
  for (const file of FILES) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(KARPENTER_CRD_DIR, file), "utf8"))) {
      const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: CrdVersion[] } } | null;
      if (!crd || crd.kind !== "CustomResourceDefinition" || !crd.spec) continue;
      const version = crd.spec.versions.find((v) => v.served && v.storage);
      if (!version) continue;
      validators.set(crd.spec.names.kind, { version: `${crd.spec.group}/${version.name}`, validate: ajv.compile(version.schema.openAPIV3Schema) });
    }
  }
  return validators;
}

/** Errors of one Karpenter resource against its CRD (empty when valid). */
export function karpenterCrdErrors(resource: { apiVersion?: string; kind?: string }): string[] {
  const entry = load().get(resource.kind ?? "");
  if (!entry) return [`no Karpenter CRD defines kind ${JSON.stringify(resource.kind)}`];
  if (resource.apiVersion !== entry.version) return [`apiVersion ${JSON.stringify(resource.apiVersion)} is not the served storage version ${entry.version}`];
  if (entry.validate(resource)) return [];
  return (entry.validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}
