/**
 * Regenerates the project's schema facts of upstream CRDs that no package registry carries,
 * from the upstream files themselves:
 *
 *   npx tsx facts/upstream/regenerate.ts <fact-set> <folder holding the upstream files>
 *   npx tsx facts/upstream/regenerate.ts --list
 *
 * Each fact set below names its upstream files. A CRD file is kept as schema facts only: the
 * structure, types, defaults, enums, patterns and CEL rules (x-kubernetes-validations), with
 * every schema `description` removed; other files (a chart's metadata, a policy the
 * controller's documentation recommends) are kept as they are. Beside them, provenance.json
 * records the origin, version, licence and the SHA-256 of every upstream file, so a reviewer
 * can check the facts against the release they came from. Nothing reads the upstream folder
 * at test or run time: only this script, given it on the command line.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments, stringify } from "yaml";

interface FactSet {
  readonly origin: string;
  readonly version: string;
  /** The chart (name and version) the stacks install whose CRDs these are. */
  readonly chart: { readonly name: string; readonly version: string };
  readonly licence: string;
  readonly why: string;
  /** Upstream file names: CRD files (.yaml holding CustomResourceDefinitions) and kept-verbatim files. */
  readonly crdFiles: readonly string[];
  readonly verbatimFiles: readonly string[];
  /** "json": each CRD file's one CRD as JSON (`<name>.json`, see factFile), for sets synth reads on every run, where parsing YAML would cost tens of milliseconds. @default "yaml" */
  readonly format?: "yaml" | "json";
}

export const FACT_SETS: Record<string, FactSet> = {
  "appmesh-controller-1.13.3": {
    origin: "https://github.com/aws/eks-charts/tree/v0.0.215/stable/appmesh-controller (crds/crds.yaml, Chart.yaml)",
    version: "chart 1.13.3 (app 1.13.3)",
    chart: { name: "appmesh-controller", version: "1.13.3" },
    licence: "Apache-2.0",
    why: "the App Mesh controller is served by no registry this project reaches (not on the Go module proxy, its Helm repository unreachable)",
    crdFiles: ["crds.yaml"],
    verbatimFiles: ["Chart.yaml"],
  },
  "aws-gateway-controller-v2.1.3": {
    origin: "https://github.com/aws/aws-application-networking-k8s/tree/v2.1.3 (helm/crds/*, helm/Chart.yaml, files/controller-installation/recommended-inline-policy.json)",
    version: "v2.1.3",
    chart: { name: "aws-gateway-controller-chart", version: "v2.1.3" },
    licence: "Apache-2.0",
    why: "the AWS Gateway API Controller is served by no registry this project reaches (not on the Go module proxy, its OCI chart unreachable)",
    crdFiles: [
      "application-networking.k8s.aws_accesslogpolicies.yaml",
      "application-networking.k8s.aws_iamauthpolicies.yaml",
      "application-networking.k8s.aws_serviceexports.yaml",
      "application-networking.k8s.aws_serviceimports.yaml",
      "application-networking.k8s.aws_servicenetworks.yaml",
      "application-networking.k8s.aws_targetgrouppolicies.yaml",
      "application-networking.k8s.aws_vpcassociationpolicies.yaml",
    ],
    verbatimFiles: ["Chart.yaml", "recommended-inline-policy.json"],
  },
  "karpenter-v1.14.1": {
    origin: "Go module github.com/aws/karpenter-provider-aws@v1.14.1 (h1:WGtIQTQcxpElYMdWfWuPwaF2+9muR+hYhPZsTtoY8Gs=), pkg/apis/crds/",
    version: "v1.14.1",
    chart: { name: "karpenter", version: "1.14.1" },
    licence: "Apache-2.0",
    why: "synth validates the Karpenter fields of the config against the NodePool CRD the chart installs; synth must not need the Go module (ops/kubernetes/setup.sh sources fetches it for the tests)",
    crdFiles: ["karpenter.sh_nodepools.yaml"],
    verbatimFiles: [],
    format: "json",
  },
};

const SCHEMA_CHILDREN = ["items", "additionalProperties", "not"] as const;
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"] as const;

/** A JSON schema node without descriptions, at every depth; property names are left alone. */
export function stripDescriptions(node: unknown): unknown {
  if (!node || typeof node !== "object" || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === "description") continue;
    if (key === "properties" && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, stripDescriptions(sub)]));
    } else if ((SCHEMA_CHILDREN as readonly string[]).includes(key)) {
      out[key] = stripDescriptions(value);
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map(stripDescriptions);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A CRD document reduced to schema facts: each version's openAPIV3Schema without descriptions. */
export function crdFacts(crd: Record<string, any>): Record<string, any> {
  const spec = crd.spec ?? {};
  return {
    ...crd,
    spec: {
      ...spec,
      versions: (spec.versions ?? []).map((v: Record<string, any>) => ({
        ...v,
        ...(v.additionalPrinterColumns ? { additionalPrinterColumns: v.additionalPrinterColumns.map(({ description: _d, ...c }: Record<string, unknown>) => c) } : {}),
        ...(v.schema?.openAPIV3Schema ? { schema: { ...v.schema, openAPIV3Schema: stripDescriptions(v.schema.openAPIV3Schema) } } : {}),
      })),
    },
  };
}

/** The file a set keeps for an upstream CRD file: the same name, or `.json` for a JSON set. */
export function factFile(set: FactSet, upstreamFile: string): string {
  return set.format === "json" ? upstreamFile.replace(/\.ya?ml$/, ".json") : upstreamFile;
}

const sha256 = (buf: Buffer) => createHash("sha256").update(buf).digest("hex");

function regenerate(name: string, upstreamDir: string): void {
  const set = FACT_SETS[name];
  if (!set) throw new Error(`no fact set "${name}"; use one of ${Object.keys(FACT_SETS).join(", ")}`);
  const outDir = path.join(__dirname, name);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const files: Array<{ file: string; upstreamSha256: string; kept: "schema facts" | "verbatim"; kinds?: string[] }> = [];
  for (const file of set.crdFiles) {
    const raw = fs.readFileSync(path.join(upstreamDir, file));
    const docs = parseAllDocuments(raw.toString("utf8")).map((d) => d.toJS() as Record<string, any> | null).filter((d) => d?.kind === "CustomResourceDefinition");
    if (docs.length === 0) throw new Error(`${file} holds no CustomResourceDefinition`);
    if (set.format === "json") {
      if (docs.length !== 1) throw new Error(`${file} holds ${docs.length} CRDs; a JSON fact set keeps one per file`);
      fs.writeFileSync(path.join(outDir, factFile(set, file)), `${JSON.stringify(crdFacts(docs[0]!), null, 1)}\n`);
      files.push({ file, upstreamSha256: sha256(raw), kept: "schema facts", kinds: [docs[0]!.spec.names.kind] });
    } else {
      const header = `# Schema facts of ${file} (${set.version}): descriptions removed by facts/upstream/regenerate.ts. Origin and SHA-256 of the upstream file: provenance.json.\n`;
      fs.writeFileSync(path.join(outDir, file), header + docs.map((d) => stringify(crdFacts(d!), { lineWidth: 0 })).join("---\n"));
      files.push({ file, upstreamSha256: sha256(raw), kept: "schema facts", kinds: docs.map((d) => d!.spec.names.kind) });
    }
  }
  for (const file of set.verbatimFiles) {
    const raw = fs.readFileSync(path.join(upstreamDir, file));
    fs.writeFileSync(path.join(outDir, file), raw);
    files.push({ file, upstreamSha256: sha256(raw), kept: "verbatim" });
  }
  const provenance = { origin: set.origin, version: set.version, chart: set.chart, licence: set.licence, why: set.why, regenerate: `npx tsx facts/upstream/regenerate.ts ${name} <folder holding the upstream files>`, files };
  fs.writeFileSync(path.join(outDir, "provenance.json"), `${JSON.stringify(provenance, null, 2)}\n`);
  console.log(`facts/upstream/${name}: ${files.length} files from ${upstreamDir} (${files.map((f) => f.file).join(", ")})`);
}

if (require.main === module) {
  const [name, dir] = process.argv.slice(2);
  if (name === "--list") {
    for (const [n, s] of Object.entries(FACT_SETS)) console.log(`${n}: ${[...s.crdFiles, ...s.verbatimFiles].join(", ")}`);
  } else if (!name || !dir) {
    console.error("usage: npx tsx facts/upstream/regenerate.ts <fact-set> <folder holding the upstream files>   (--list names the sets and their files)");
    process.exit(2);
  } else {
    try {
      regenerate(name, dir);
    } catch (e) {
      console.error(`regenerate: ${(e as Error).message}`);
      process.exit(1);
    }
  }
}
