/**
 * Where the upstream CRDs and charts the checks validate against are: the Go module files
 * that ops/kubernetes/setup.sh installed (pinned by version and go.sum hash in pins.json) in
 * the cache outside the repository, and the schema facts kept in facts/upstream/ for the
 * controllers no registry carries. Nothing here reads anything beside the repository.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pinKey } from "./pin-key.cjs";
import pins from "./pins.json";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
export const FACTS_DIR = path.join(PROJECT_ROOT, "facts", "upstream");

/** The cache ops/kubernetes/setup.sh installs into (XDG_CACHE_HOME honoured, as there). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "eks-mesh-platform", "kubernetes");
}

export type SourceName = keyof typeof pins.sources;

/** A missing install, said once with the command that fixes it. */
export class SourcesMissing extends Error {}

/** The folder holding one pinned module's files; throws naming the setup command when absent or stale. */
export function sourceDir(name: SourceName, env: NodeJS.ProcessEnv = process.env): string {
  const pin = pins.sources[name];
  const dir = path.join(cacheDir(env), "sources", name, pin.version);
  const manifest = path.join(dir, "manifest.json");
  let installed: unknown;
  try {
    installed = JSON.parse(fs.readFileSync(manifest, "utf8")).pin;
  } catch {
    throw new SourcesMissing(`${pin.module}@${pin.version} is not installed in ${dir}; run npm run setup:tools (it downloads the pinned CRDs and charts from the Go module proxy)`);
  }
  if (pinKey(installed) !== pinKey(pin)) {
    throw new SourcesMissing(`${dir} holds another pin of ${pin.module} than ops/kubernetes/pins.json; run npm run setup:tools to install ${pin.version}`);
  }
  return dir;
}

/** One file of a pinned module (a path as pins.json lists it). */
export function sourceFile(name: SourceName, file: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(sourceDir(name, env), file);
}

/** A fact set's folder under facts/upstream (App Mesh controller, AWS Gateway API Controller). */
export function factsDir(set: "appmesh-controller-1.13.3" | "aws-gateway-controller-v2.1.3"): string {
  return path.join(FACTS_DIR, set);
}

const yamlIn = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && f !== "Chart.yaml")
    .sort()
    .map((f) => path.join(dir, f));

/**
 * The CRD files of each controller or project the stacks install, by where the stacks get
 * them: the files the cluster would receive, in the versions the stacks pin.
 */
export function crdFiles(env: NodeJS.ProcessEnv = process.env) {
  const gatewayApi = pins.sources["gateway-api"].files.map((f) => sourceFile("gateway-api", f, env));
  const karpenter = pins.sources.karpenter.files.filter((f) => f.endsWith(".yaml")).map((f) => sourceFile("karpenter", f, env));
  return {
    appmesh: yamlIn(factsDir("appmesh-controller-1.13.3")),
    gatewayController: yamlIn(factsDir("aws-gateway-controller-v2.1.3")),
    gatewayApi,
    karpenter,
    verticalPodAutoscaler: [sourceFile("vertical-pod-autoscaler", "deploy/vpa-v1-crd-gen.yaml", env)],
  };
}

/** The charts a registry carries here (Go module zips), by the chart name the stacks install. */
export function chartDirs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    karpenter: sourceFile("karpenter", "charts/karpenter", env),
    "metrics-server": sourceFile("metrics-server", "charts/metrics-server", env),
  };
}

export { pins };
