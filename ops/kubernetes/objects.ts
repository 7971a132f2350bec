/**
 * Every Kubernetes object a synthesized mesh or workloads stack writes, as the API server
 * would receive it: typed kubernetes_* resources through convert.ts, kubernetes_manifest
 * bodies as they are, the CRDs the stacks install from a chart or a download (from the
 * pinned sources that hold the same files), and the Helm releases with the values they pass.
 * Apply-time values are resolved by stand-ins.ts. Reads cdk.tf.json only.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { ConversionError, RESOURCE_TYPES, toApiObject } from "./convert";
import { chartDirs, crdFiles, factsDir, pins } from "./sources";
import { resolveValue, StandInMissing, type StackDoc } from "./stand-ins";

export type ObjectSource = "typed" | "manifest" | "crd";

export interface KubeObject {
  readonly stack: string;
  /** The Terraform address (or the Helm release and template) that writes it. */
  readonly address: string;
  readonly source: ObjectSource | "chart";
  readonly object: Record<string, any>;
}

export interface HelmRelease {
  readonly stack: string;
  readonly address: string;
  readonly chart: string;
  readonly version: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly includeCrds: boolean;
  /** The values documents the release passes, apply-time values resolved. */
  readonly values: string[];
  /** The chart folder from a pinned source; undefined when no registry here carries it. */
  readonly chartDir: string | undefined;
}

/** A chart this workplace cannot have, with the reason; its objects are not checked. */
export interface NotChecked {
  readonly stack: string;
  readonly address: string;
  readonly what: string;
  readonly why: string;
}

export interface StackObjects {
  readonly objects: KubeObject[];
  readonly releases: HelmRelease[];
  readonly notChecked: NotChecked[];
  /** Problems found while collecting (an unknown attribute, an unresolvable reference): each fails the run. */
  readonly problems: string[];
}

/**
 * Where the CRDs of each chart the stacks render with helm_template come from, and the
 * chart version they belong to (facts/upstream provenance, ops/kubernetes/pins.json): a
 * stack that moves to another version fails here until the pinned sources move too.
 */
function chartCrds(): Record<string, { version: string; files: string[] } | { version?: undefined; files?: undefined; why: string }> {
  const f = crdFiles();
  const fact = (set: "appmesh-controller-1.13.3" | "aws-gateway-controller-v2.1.3") => JSON.parse(fs.readFileSync(path.join(factsDir(set), "provenance.json"), "utf8")).chart as { name: string; version: string };
  const appmesh = fact("appmesh-controller-1.13.3");
  const gateway = fact("aws-gateway-controller-v2.1.3");
  const vpa = pins.sources["vertical-pod-autoscaler"].forChart;
  return {
    [appmesh.name]: { version: appmesh.version, files: f.appmesh },
    [gateway.name]: { version: gateway.version, files: f.gatewayController },
    karpenter: { version: pins.sources.karpenter.chart.version, files: f.karpenter },
    [vpa.name]: { version: vpa.version, files: f.verticalPodAutoscaler },
    "aws-load-balancer-controller": { why: "its chart is on no registry here (eks-charts' Helm repository is unreachable; the Go module proxy has only the controller's old v1 module)" },
  };
}

/** Why a chart cannot be rendered here (the charts with a pinned source are in sources.ts chartDirs). */
export const NOT_ON_A_REGISTRY: Readonly<Record<string, string>> = {
  "appmesh-controller": "on no registry here: eks-charts' Helm repository is unreachable, eks-charts is no Go module (the proxy lists no version), and the controller's module is not on the proxy",
  "aws-load-balancer-controller": "on no registry here: eks-charts' Helm repository is unreachable and eks-charts is no Go module (the proxy lists no version); the proxy has only the controller's old v1 module, not chart 3.5.0",
  "aws-gateway-controller-chart": "on no registry here: its OCI chart (public.ecr.aws) is unreachable and its module is not on the proxy",
  vpa: "on no registry here: Fairwinds' Helm repository is unreachable and the proxy does not serve their charts repository",
};

const readYamlDocs = (file: string) =>
  parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d) => d.toJS() as Record<string, any> | null)
    .filter((d): d is Record<string, any> => !!d && typeof d === "object");

/** What the stacks' for_each does to a CRD document before applying it: no status, no null metadata. */
function asApplied(doc: Record<string, any>): Record<string, any> {
  const { status: _status, ...rest } = doc;
  return { ...rest, metadata: Object.fromEntries(Object.entries(doc.metadata ?? {}).filter(([, v]) => v !== null)) };
}

const HELM_CRDS = /^\$\{\{ for doc in flatten\(\[for file in data\.helm_template\.([\w-]+)\.crds : provider::kubernetes::manifest_decode_multi\(file\)\]\) : doc\.metadata\.name => merge\(\{ for key, value in doc : key => value if key != "status" \}, \{ metadata = \{ for key, value in doc\.metadata : key => value if value != null \} \}\) \}\}$/;
const HTTP_CRD = /^\$\{\{ for key, value in yamldecode\(data\.http\.([\w-]+)\.response_body\) : key => value if key != "status" \}\}$/;

/** Every object, release and gap of one stack. */
export function collectStack(stack: string, stacks: Readonly<Record<string, StackDoc>>): StackObjects {
  const doc = stacks[stack]!;
  const objects: KubeObject[] = [];
  const releases: HelmRelease[] = [];
  const notChecked: NotChecked[] = [];
  const problems: string[] = [];
  const ctx = { stack, doc, stacks };
  const attempt = (address: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof ConversionError) problems.push(...e.problems.map((p) => `${stack}: ${address}: ${p}`));
      else if (e instanceof StandInMissing || e instanceof CollectError) problems.push(`${stack}: ${address}: ${e.message}`);
      else throw e;
    }
  };

  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    if (!type.startsWith("kubernetes_") && !type.startsWith("helm_")) continue;
    for (const [name, body] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      attempt(address, () => {
        if (type === "kubernetes_manifest") return manifestObjects(stack, address, body, ctx, objects, notChecked);
        if (type === "helm_release") return releases.push(release(stack, address, body, ctx));
        if (!(type in RESOURCE_TYPES)) throw new CollectError(`resource type ${type} writes Kubernetes objects but ops/kubernetes/convert.ts does not know it`);
        objects.push({ stack, address, source: "typed", object: toApiObject(type, resolveValue(body, ctx) as Record<string, unknown>, address) });
      });
    }
  }
  for (const r of releases) {
    if (!r.chartDir) notChecked.push({ stack, address: r.address, what: `Helm chart ${r.chart} ${r.version}`, why: `not rendered here: ${NOT_ON_A_REGISTRY[r.chart] ?? "no pinned source for it (ops/kubernetes/sources.ts chartDirs)"}` });
  }
  return { objects, releases, notChecked, problems };
}

class CollectError extends Error {}

function manifestObjects(stack: string, address: string, body: Record<string, any>, ctx: Parameters<typeof resolveValue>[1], objects: KubeObject[], notChecked: NotChecked[]): void {
  const forEach = typeof body.for_each === "string" ? HELM_CRDS.exec(body.for_each) : null;
  if (body.for_each !== undefined) {
    if (!forEach || body.manifest !== "${each.value}") throw new CollectError(`for_each of a form ops/kubernetes/objects.ts does not know: ${String(body.for_each).slice(0, 120)}`);
    const template = ctx.doc.data?.helm_template?.[forEach[1]!] as Record<string, any> | undefined;
    if (!template) throw new CollectError(`for_each reads data.helm_template.${forEach[1]}, which the stack does not have`);
    const source = chartCrds()[template.chart];
    if (!source) throw new CollectError(`installs the CRDs of chart ${template.chart}, for which no pinned source is known (ops/kubernetes/objects.ts chartCrds)`);
    if (!source.files) {
      notChecked.push({ stack, address, what: `the CRDs of chart ${template.chart} ${template.version}`, why: `not installed here: ${source.why}` });
      return;
    }
    if (source.version !== template.version) throw new CollectError(`installs the CRDs of ${template.chart} ${template.version}, but the pinned source holds ${source.version}; move ops/kubernetes/pins.json or facts/upstream to ${template.version}`);
    for (const file of source.files) {
      for (const d of readYamlDocs(file).filter((d) => d.kind === "CustomResourceDefinition")) {
        objects.push({ stack, address: `${address}["${d.metadata.name}"]`, source: "crd", object: asApplied(resolveValue(d, { ...ctx, each: d }) as Record<string, any>) });
      }
    }
    return;
  }
  const http = typeof body.manifest === "string" ? HTTP_CRD.exec(body.manifest) : null;
  if (http) {
    const download = ctx.doc.data?.http?.[http[1]!] as Record<string, any> | undefined;
    const url = String(download?.url ?? "");
    const m = /gateway-api\/(v[\d.]+)\/config\/crd\/standard\/(gateway\.networking\.k8s\.io_\w+\.yaml)$/.exec(url);
    if (!m) throw new CollectError(`downloads ${url || `data.http.${http[1]}`}, which is not a Gateway API standard-channel CRD the checks hold`);
    if (m[1] !== pins.sources["gateway-api"].version) throw new CollectError(`downloads Gateway API ${m[1]}, but ops/kubernetes/pins.json holds ${pins.sources["gateway-api"].version}`);
    const file = path.join(path.dirname(crdFiles().gatewayApi[0]!), m[2]!);
    const text = fs.readFileSync(file);
    // The stack refuses a download whose SHA-256 is not its pin: the file checked here must be that file.
    const pinned = JSON.stringify(download?.lifecycle ?? {}).match(/sha256\(self\.response_body\) == \\"([0-9a-f]{64})\\"/)?.[1];
    const actual = createHash("sha256").update(text).digest("hex");
    if (pinned !== actual) throw new CollectError(`the stack pins SHA-256 ${pinned ?? "(none)"} for ${m[2]}, but the module file checked here has ${actual}`);
    for (const d of readYamlDocs(file)) objects.push({ stack, address, source: "crd", object: asApplied(d) });
    return;
  }
  if (typeof body.manifest === "string") throw new CollectError(`manifest is an expression ops/kubernetes/objects.ts does not know: ${body.manifest.slice(0, 120)}`);
  objects.push({ stack, address, source: "manifest", object: resolveValue(body.manifest, ctx) as Record<string, any> });
}

const RELEASE_KNOWN = new Set([
  "//", "depends_on", "lifecycle", "name", "chart", "version", "repository", "namespace", "values", "skip_crds",
  // Install behaviour, not content: what the checks render is the same with any of these.
  "atomic", "cleanup_on_fail", "create_namespace", "dependency_update", "max_history", "timeout", "wait", "wait_for_jobs",
]);

function release(stack: string, address: string, body: Record<string, any>, ctx: Parameters<typeof resolveValue>[1]): HelmRelease {
  const unknown = Object.keys(body).filter((k) => !RELEASE_KNOWN.has(k));
  // set / set_sensitive / postrender would change what is rendered: refuse rather than render something else.
  if (unknown.length) throw new CollectError(`helm_release arguments the checks do not render: ${unknown.join(", ")} (ops/kubernetes/objects.ts)`);
  const chart = String(body.chart);
  const dir = chartDirs()[chart];
  if (dir && chartVersion(dir) !== String(body.version)) throw new CollectError(`installs chart ${chart} ${String(body.version)}, but the pinned source holds ${chartVersion(dir)}; move ops/kubernetes/pins.json to it`);
  return {
    stack,
    address,
    chart,
    version: String(body.version),
    releaseName: String(body.name),
    namespace: String(body.namespace ?? "default"),
    includeCrds: body.skip_crds !== true,
    values: ((body.values ?? []) as string[]).map((v) => resolveValue(v, ctx) as string),
    chartDir: dir,
  };
}

/** The version in a chart folder's Chart.yaml. */
export function chartVersion(dir: string): string {
  return String((readYamlDocs(path.join(dir, "Chart.yaml"))[0] ?? {}).version);
}

/** Reads a synthesized app's stacks (cdktf.out). */
export function readStacks(outdir: string): Record<string, StackDoc> {
  const stacksDir = path.join(outdir, "stacks");
  return Object.fromEntries(
    fs
      .readdirSync(stacksDir)
      .filter((s) => fs.existsSync(path.join(stacksDir, s, "cdk.tf.json")))
      .map((s) => [s, JSON.parse(fs.readFileSync(path.join(stacksDir, s, "cdk.tf.json"), "utf8")) as StackDoc]),
  );
}
