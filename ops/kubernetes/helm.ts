/**
 * Helm releases rendered with a real `helm template` (helm built from helm.sh/helm/v3 by
 * setup.sh), with exactly the values the stacks pass, against the capabilities of the
 * checks' API server; and the values keys that change nothing in what the chart renders.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments, parse as parseYaml, stringify } from "yaml";
import type { HelmRelease } from "./objects";

export interface RenderOptions {
  readonly helm: string;
  readonly kubeVersion: string;
  readonly apiVersions: readonly string[];
  readonly workDir: string;
}

export class RenderError extends Error {}

function helmEnv(workDir: string): NodeJS.ProcessEnv {
  // Helm's own folders inside the run's work folder: nothing is read from or written to ~.
  return { PATH: process.env.PATH, HOME: workDir, HELM_CACHE_HOME: path.join(workDir, "helm-cache"), HELM_CONFIG_HOME: path.join(workDir, "helm-config"), HELM_DATA_HOME: path.join(workDir, "helm-data") };
}

/** `helm template` of a release with these values documents; the rendered YAML text. */
export function renderText(release: HelmRelease, values: readonly string[], options: RenderOptions): string {
  if (!release.chartDir) throw new RenderError(`${release.chart} has no chart here`);
  fs.mkdirSync(options.workDir, { recursive: true });
  const files = values.map((v, i) => {
    const file = path.join(options.workDir, `values-${i}.yaml`);
    fs.writeFileSync(file, v);
    return file;
  });
  const args = ["template", release.releaseName, release.chartDir, "--namespace", release.namespace, "--kube-version", options.kubeVersion, ...options.apiVersions.flatMap((v) => ["--api-versions", v]), ...(release.includeCrds ? ["--include-crds"] : []), ...files.flatMap((f) => ["-f", f])];
  const run = spawnSync(options.helm, args, { encoding: "utf8", env: helmEnv(options.workDir), maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new RenderError(`helm template ${release.chart} ${release.version} failed: ${(run.stderr || run.stdout).trim().split("\n").slice(0, 10).join("\n")}`);
  return run.stdout;
}

/** The objects a release renders, each with the namespace `helm install` would give it. */
export function renderObjects(release: HelmRelease, options: RenderOptions, namespaced: (apiVersion: string, kind: string) => boolean): Array<{ template: string; object: Record<string, any> }> {
  const text = renderText(release, release.values, options);
  const out: Array<{ template: string; object: Record<string, any> }> = [];
  // helm template writes "---" then "# Source: <chart>/templates/<file>" before each document.
  for (const chunk of text.split(/^---\s*$/m)) {
    const template = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim() ?? "(no source line)";
    for (const doc of parseAllDocuments(chunk)) {
      const object = doc.toJS() as Record<string, any> | null;
      if (!object || typeof object !== "object") continue;
      if (namespaced(object.apiVersion, object.kind) && !object.metadata?.namespace) object.metadata = { ...object.metadata, namespace: release.namespace };
      out.push({ template, object });
    }
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The values documents merged as Helm merges them (a later file's maps over an earlier one's). */
export function mergedValues(values: readonly string[]): Record<string, Json> {
  const merge = (a: Json, b: Json): Json => {
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      const out: Record<string, Json> = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k]!, v) : v;
      return out;
    }
    return b;
  };
  return values.reduce<Record<string, Json>>((acc, v) => merge(acc, (parseYaml(v) ?? {}) as Json) as Record<string, Json>, {});
}

/** Every leaf of a values tree, as a path of keys and list indexes. */
export function leafPaths(value: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => leafPaths(v, [...at, i])) : [at];
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...at, k])) : [at];
  }
  return [at];
}

function perturbed(v: Json): Json {
  if (typeof v === "boolean") return !v;
  if (typeof v === "number") return v + 7;
  if (typeof v === "string") return `${v}-perturbed`;
  return "perturbed";
}

function withLeaf(tree: Json, at: Array<string | number>, f: (v: Json) => Json): Json {
  if (at.length === 0) return f(tree);
  const [head, ...rest] = at;
  if (Array.isArray(tree)) return tree.map((v, i) => (i === head ? withLeaf(v, rest, f) : v));
  const obj = (tree ?? {}) as Record<string, Json>;
  return { ...obj, [head!]: withLeaf(obj[head!] ?? null, rest, f) };
}

export const showPath = (at: Array<string | number>) => at.map((s) => (typeof s === "number" ? `[${s}]` : s)).join(".").replace(/\.\[/g, "[");

/**
 * The values keys that change nothing the chart renders: each leaf is changed in turn (a
 * string gets a suffix, a number +7, a boolean flips) and the chart rendered again. A key
 * whose change leaves every rendered byte alone is read by no template (a typo, or a key
 * the chart version dropped); a change that makes rendering fail counts as read.
 */
export function valuesWithNoEffect(release: HelmRelease, options: RenderOptions): string[] {
  const base = mergedValues(release.values);
  const baseline = renderText(release, [stringify(base)], options);
  const unread: string[] = [];
  for (const at of leafPaths(base)) {
    if (at.length === 0) continue;
    let text: string | undefined;
    try {
      text = renderText(release, [stringify(withLeaf(base, at, perturbed))], options);
    } catch {
      continue;
    }
    if (text === baseline) unread.push(showPath(at));
  }
  return unread;
}
