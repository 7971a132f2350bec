import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

/**
 * Validates custom resources against the upstream CRDs of the controllers the mesh stack
 * installs, read at test time from ../shared/reference/ and never copied into the project:
 * App Mesh controller 1.13.3, the Gateway API v1.5.0 standard channel, and the AWS Gateway
 * API Controller v2.1.3's own CRDs. Per kind, the schema is the openAPIV3Schema of the
 * version that is both served and the storage version. CEL rules (x-kubernetes-validations)
 * are evaluated separately, by crd-cel.ts.
 */
export const CRDS_FILE = sharedReference("appmesh-controller-1.13.3", "crds.yaml");
export const GATEWAY_API_DIR = sharedReference("gateway-api-v1.5.0");
export const GATEWAY_CONTROLLER_DIR = sharedReference("aws-gateway-controller-v2.1.3");

/**
 * A file under shared/reference: the folder sits next to the repository, or next to the
 * folder holding it when the checkout is a worktree one level down (e.g. wt/<branch>).
 */
function sharedReference(...parts: string[]): string {
  const root = path.resolve(__dirname, "..", "..");
  const candidates = [path.resolve(root, "..", "shared", "reference", ...parts), path.resolve(root, "..", "..", "shared", "reference", ...parts)];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

const yamlFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && f !== "values.yaml" && f !== "Chart.yaml")
    .map((f) => path.join(dir, f));

/** Every CRD file the validators read. */
export const CRD_FILES = [CRDS_FILE, ...yamlFiles(GATEWAY_API_DIR), ...yamlFiles(GATEWAY_CONTROLLER_DIR)];

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: object };
}

let validators: Map<string, { version: string; validate: ValidateFunction; schema: object }> | undefined;

function load(): Map<string, { version: string; validate: ValidateFunction; schema: object }> {
  if (validators) return validators;
  // strict: false for the Kubernetes extensions (x-kubernetes-*); int64/int32 are not ajv formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  validators = new Map();
  for (const file of CRD_FILES) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: CrdVersion[] } } | null;
      if (!crd || crd.kind !== "CustomResourceDefinition" || !crd.spec) continue;
      const version = crd.spec.versions.find((v) => v.served && v.storage);
      if (!version) continue;
      validators.set(crd.spec.names.kind, { version: `${crd.spec.group}/${version.name}`, validate: ajv.compile(version.schema.openAPIV3Schema), schema: version.schema.openAPIV3Schema });
    }
  }
  return validators;
}

/** Kinds the CRD files define, with their served/storage apiVersion. */
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

/** The served storage version's openAPIV3Schema of a kind (for the CEL rules, crd-cel.ts). */
export function crdSchema(kind: string): object | undefined {
  return load().get(kind)?.schema;
}
