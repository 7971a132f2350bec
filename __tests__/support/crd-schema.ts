import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

import { crdFiles, factsDir, sourceFile } from "../../ops/kubernetes/sources";

/**
 * Validates custom resources against the upstream CRDs of the controllers the mesh stack
 * installs: App Mesh controller 1.13.3 and the AWS Gateway API Controller v2.1.3's own CRDs
 * (schema facts in facts/upstream/, no registry carries them), and the Gateway API v1.5.0
 * standard channel (its Go module, installed by npm run setup:tools; ops/kubernetes/pins.json).
 * Per kind, the schema is the openAPIV3Schema of the version that is both served and the
 * storage version. CEL rules (x-kubernetes-validations) are evaluated separately, by crd-cel.ts.
 */
/** The Gateway API standard-channel CRD file of one kind (its plural), from the pinned module. */
export const gatewayApiCrdFile = (plural: string) => sourceFile("gateway-api", `config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`);
/** The AWS Gateway API Controller's facts: its CRDs, Chart.yaml and recommended IAM policy. */
export const GATEWAY_CONTROLLER_DIR = factsDir("aws-gateway-controller-v2.1.3");

/** Every CRD file the validators read. */
export const CRD_FILES = (() => {
  const f = crdFiles();
  return [...f.appmesh, ...f.gatewayApi, ...f.gatewayController];
})();

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
