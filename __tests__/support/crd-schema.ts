import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

/**
 * Validates App Mesh custom resources against the upstream CRDs of the controller the mesh
 * stack installs (shared/reference/appmesh-controller-1.13.3/crds.yaml, read at test time
 * and never copied into the project). Per kind, the schema is the openAPIV3Schema of the
 * version that is both served and the storage version.
 */
export const CRDS_FILE = sharedReference("appmesh-controller-1.13.3", "crds.yaml");

/**
 * A file under shared/reference: the folder sits next to the repository, or next to the
 * folder holding it when the checkout is a worktree one level down (e.g. wt/<branch>).
 */
function sharedReference(...parts: string[]): string {
  const root = path.resolve(__dirname, "..", "..");
  const candidates = [path.resolve(root, "..", "shared", "reference", ...parts), path.resolve(root, "..", "..", "shared", "reference", ...parts)];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: object };
}

let validators: Map<string, { version: string; validate: ValidateFunction }> | undefined;

function load(): Map<string, { version: string; validate: ValidateFunction }> {
  if (validators) return validators;
  // strict: false for the Kubernetes extensions (x-kubernetes-*); int64/int32 are not ajv formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validators = new Map();
  for (const doc of parseAllDocuments(fs.readFileSync(CRDS_FILE, "utf8"))) {
    const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: CrdVersion[] } } | null;
    if (!crd || crd.kind !== "CustomResourceDefinition" || !crd.spec) continue;
    const version = crd.spec.versions.find((v) => v.served && v.storage);
    if (!version) continue;
    validators.set(crd.spec.names.kind, { version: `${crd.spec.group}/${version.name}`, validate: ajv.compile(version.schema.openAPIV3Schema) });
  }
  return validators;
}

/** Kinds the CRD file defines, with their served/storage apiVersion. */
export function crdKinds(): Record<string, string> {
  return Object.fromEntries([...load()].map(([kind, v]) => [kind, v.version]));
}

/** Errors of one custom resource against its CRD (empty when valid). */
export function crdErrors(resource: { apiVersion?: string; kind?: string }): string[] {
  const entry = load().get(resource.kind ?? "");
  if (!entry) return [`no CRD defines kind ${JSON.stringify(resource.kind)}`];
  if (resource.apiVersion !== entry.version) return [`apiVersion ${JSON.stringify(resource.apiVersion)} is not the served storage version ${entry.version}`];
  if (entry.validate(resource)) return [];
  return (entry.validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}
