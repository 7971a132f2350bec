import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

import { crdFiles } from "../../ops/kubernetes/sources";

/**
 * Validates Karpenter custom resources against the upstream CRDs of the version the mesh
 * stack installs (github.com/aws/karpenter-provider-aws v1.14.1, its Go module installed by
 * npm run setup:tools; ops/kubernetes/pins.json). Per kind, the schema is the openAPIV3Schema
 * of the served storage version. CEL rules (x-kubernetes-validations) are not evaluated by
 * ajv; the tests assert what those rules guard separately.
 */
const FILES = crdFiles().karpenter.filter((f) => /karpenter\.(sh|k8s\.aws)_(nodepools|ec2nodeclasses|nodeclaims)\.yaml$/.test(f));

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
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
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
