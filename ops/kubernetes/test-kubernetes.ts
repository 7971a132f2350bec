/**
 * npm run test:kubernetes: a real Kubernetes API server accepts every object the mesh and
 * workloads stacks write, for each configuration below.
 *
 * Per configuration: synthesize it (node bin/synth.cjs), collect the objects (objects.ts),
 * create its CRDs and namespaces for real, render its Helm releases with helm template,
 * then server-side apply every other object with strict field validation as a dry run (the
 * server validates and admits it without storing it: nothing here would reconcile it, no
 * controller or webhook runs). Before that, a deliberately broken object must be refused,
 * or the run fails: the check proves it can fail. Exit 1 on any refusal or collection
 * problem; figures in .scratch/kubernetes/summary.json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { applyObject, discover, waitEstablished, type ResourceInfo } from "./apply";
import { findTools, startApiServer, ToolsMissing, type ApiServer } from "./cluster";
import { RenderError, renderObjects, valuesWithNoEffect } from "./helm";
import { collectStack, readStacks, type KubeObject, type NotChecked } from "./objects";
import { pins, PROJECT_ROOT, SourcesMissing } from "./sources";

export const SCRATCH = path.join(PROJECT_ROOT, ".scratch", "kubernetes");
const STACKS = ["mesh", "workloads"] as const;

/** The configurations checked: the two shipped environments and the variants that turn on what they leave off. */
export const CONFIGURATIONS: ReadonlyArray<{ label: string; env: Record<string, string> }> = [
  { label: "dev", env: { PLATFORM_ENV: "dev" } },
  { label: "prod", env: { PLATFORM_ENV: "prod" } },
  { label: "lattice", env: { PLATFORM_CONFIG: "ops/kubernetes/environments/lattice.ts" } },
  { label: "karpenter-vpa", env: { PLATFORM_CONFIG: "ops/kubernetes/environments/karpenter-vpa.ts" } },
  { label: "prometheus", env: { PLATFORM_CONFIG: "ops/kubernetes/environments/prometheus.ts" } },
  { label: "appmesh-tls", env: { PLATFORM_CONFIG: "ops/kubernetes/environments/appmesh-tls.ts" } },
];

export interface ObjectResult {
  readonly config: string;
  readonly stack: string;
  readonly address: string;
  readonly kind: string;
  readonly name: string;
  readonly how: "created" | "dry-run";
  readonly ok: boolean;
  readonly message?: string;
  readonly warnings?: string[];
}

export interface Summary {
  readonly apiServer: string;
  readonly accepted: number;
  readonly refused: number;
  readonly problems: string[];
  readonly counts: Record<string, Record<string, Record<string, number>>>;
  readonly rendered: string[];
  readonly notChecked: string[];
  readonly valuesWithNoEffect: string[];
  readonly selfTest: string;
}

/** The run's verdict: every object accepted, nothing left unresolved, the self-test refused its broken object. */
export function verdict(s: Pick<Summary, "refused" | "problems" | "accepted" | "selfTest" | "valuesWithNoEffect">): { ok: boolean; line: string } {
  const ok = s.refused === 0 && s.problems.length === 0 && s.accepted > 0 && s.selfTest === "refused" && s.valuesWithNoEffect.length === 0;
  const parts = [`${s.accepted} objects accepted`, `${s.refused} refused`];
  if (s.problems.length) parts.push(`${s.problems.length} not checkable (see above)`);
  if (s.valuesWithNoEffect.length) parts.push(`${s.valuesWithNoEffect.length} Helm values keys no template reads`);
  if (s.selfTest !== "refused") parts.push(`the self-tests did not pass (broken object ${s.selfTest}): the check could not have failed`);
  return { ok, line: `Kubernetes API: ${parts.join(", ")}` };
}

/** Counts per kind, as printed: `Deployment 4, Service 8`. */
export function countLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
}

/** What a refusal prints: where (configuration, stack, Terraform address, object), then the API server's own words. */
export function refusalText(config: string, stack: string, o: Pick<KubeObject, "address" | "object">, message: string): string {
  const ns = o.object.metadata?.namespace ? `${o.object.metadata.namespace}/` : "";
  return `  REFUSED ${config}/${stack} ${o.address} (${o.object.kind} ${ns}${o.object.metadata?.name}):\n    ${message}`;
}

function synthesize(label: string, env: Record<string, string>): string {
  const outdir = path.join(SCRATCH, label, "cdktf.out");
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "synth.cjs")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PLATFORM_ENV: "", PLATFORM_CONFIG: "", ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`synthesizing ${label} failed (exit ${run.status}):\n${(run.stderr || run.stdout).trim()}`);
  return outdir;
}

async function main(): Promise<number> {
  const started = Date.now();
  const log = (line: string) => console.log(`[test:kubernetes ${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s] ${line}`);
  let tools;
  try {
    tools = findTools();
  } catch (e) {
    if (e instanceof ToolsMissing) {
      console.error(`test:kubernetes: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const results: ObjectResult[] = [];
  const problems: string[] = [];
  const notChecked: NotChecked[] = [];
  const rendered = new Set<string>();
  const noEffect = new Set<string>();
  const counts: Summary["counts"] = {};
  const warnings = new Set<string>();
  let selfTest = "not run";
  let valuesSelfTest = "not run";
  let apiServerVersion = "";
  for (const config of CONFIGURATIONS) {
    // A fresh API server per configuration: no CRD or namespace of another one is there.
    const api = await startApiServer(tools, path.join(SCRATCH, "apiserver"), log);
    apiServerVersion = api.version;
    try {
      if (!api.version.startsWith(`${pins.kubeApiserver.version}`)) throw new Error(`the API server reports ${api.version}, not the pinned ${pins.kubeApiserver.version}`);
      let resources = await discover(api);
      if (selfTest === "not run") selfTest = await brokenObjectIsRefused(api, resources, log);
      const apiVersions = () => [...new Set([...resources.keys()].map((k) => k.split("|")[0]!))].sort();
      const outdir = synthesize(config.label, config.env);
      const stacks = readStacks(outdir);
      for (const stack of STACKS) {
        if (!stacks[stack]) {
          problems.push(`${config.label}: stack ${stack} was not synthesized`);
          continue;
        }
        const collected = collectStack(stack, stacks);
        problems.push(...collected.problems.map((p) => `${config.label}: ${p}`));
        notChecked.push(...collected.notChecked);
        const objects: KubeObject[] = [...collected.objects];
        const record = (o: KubeObject, how: ObjectResult["how"], r: { ok: boolean; message?: string; warnings: string[] }) => {
          results.push({ config: config.label, stack, address: o.address, kind: o.object.kind, name: o.object.metadata?.name, how, ok: r.ok, message: r.message, warnings: r.warnings });
          for (const w of r.warnings) warnings.add(`${o.object.kind}: ${w}`);
          if (r.ok) {
            const byKind = ((counts[config.label] ??= {})[stack] ??= {});
            byKind[o.object.kind] = (byKind[o.object.kind] ?? 0) + 1;
          } else {
            console.log(refusalText(config.label, stack, o, r.message ?? ""));
          }
        };
        // CRDs and namespaces for real: what depends on them is checked against them.
        const crds = objects.filter((o) => o.object.kind === "CustomResourceDefinition");
        for (const o of crds) record(o, "created", await applyObject(api, resources, o.object, { dryRun: false }));
        const pending = await waitEstablished(api, crds.map((o) => o.object.metadata.name));
        for (const n of pending) problems.push(`${config.label}/${stack}: CRD ${n} was not Established within 60 s`);
        if (crds.length) resources = await discover(api);
        for (const o of objects.filter((o) => o.object.kind === "Namespace")) record(o, "created", await applyObject(api, resources, o.object, { dryRun: false }));

        const namespaced = (apiVersion: string, kind: string) => resources.get(`${apiVersion}|${kind}`)?.namespaced ?? true;
        for (const release of collected.releases) {
          if (!release.chartDir) continue;
          const options = { helm: tools.helm, kubeVersion: api.version, apiVersions: apiVersions(), workDir: path.join(SCRATCH, config.label, "helm", release.releaseName) };
          try {
            const docs = renderObjects(release, options, namespaced);
            rendered.add(`${release.chart} ${release.version}`);
            const chartCrds = docs.filter((d) => d.object.kind === "CustomResourceDefinition");
            for (const d of chartCrds) record({ stack, address: `${release.address} ${d.template}`, source: "chart", object: d.object }, "created", await applyObject(api, resources, d.object, { dryRun: false }));
            if (chartCrds.length) {
              await waitEstablished(api, chartCrds.map((d) => d.object.metadata.name));
              resources = await discover(api);
            }
            for (const d of docs.filter((d) => d.object.kind !== "CustomResourceDefinition")) objects.push({ stack, address: `${release.address} ${d.template}`, source: "chart", object: d.object });
            for (const key of valuesWithNoEffect(release, options)) noEffect.add(`${release.chart} ${release.version} (${release.address}): ${key}`);
            if (valuesSelfTest === "not run") {
              // The same check on the same values plus a misspelt key must name that key.
              const typo = valuesWithNoEffect({ ...release, values: [...release.values, "replicaCuont: 3\n"] }, options);
              valuesSelfTest = typo.includes("replicaCuont") ? "reported" : `not reported (${typo.join(", ") || "nothing reported"})`;
              if (valuesSelfTest === "reported") log(`self-test: a misspelt values key (replicaCuont) given to ${release.chart} is reported as read by no template`);
            }
          } catch (e) {
            if (!(e instanceof RenderError)) throw e;
            problems.push(`${config.label}/${stack}: ${release.address}: ${e.message}`);
          }
        }
        for (const o of objects.filter((o) => o.object.kind !== "CustomResourceDefinition" && o.object.kind !== "Namespace")) {
          record(o, "dry-run", await applyObject(api, resources, o.object, { dryRun: true }));
        }
        const mine = results.filter((r) => r.config === config.label && r.stack === stack);
        log(`${config.label}/${stack}: ${mine.filter((r) => r.ok).length} accepted, ${mine.filter((r) => !r.ok).length} refused: ${countLine(counts[config.label]?.[stack] ?? {})}`);
      }
    } finally {
      await api.stop();
    }
  }

  const gaps = [...new Map(notChecked.map((n) => [`${n.what}: ${n.why}`, n])).keys()].sort();
  if (gaps.length) log(`not checked here (named, not hidden):\n  - ${gaps.join("\n  - ")}`);
  if (rendered.size) log(`charts rendered with helm template: ${[...rendered].sort().join(", ")}`);
  if (noEffect.size) log(`Helm values keys no template of the chart reads (a typo or a key the chart dropped):\n  - ${[...noEffect].sort().join("\n  - ")}`);
  if (warnings.size) log(`the API server's warnings (accepted, but worth reading):\n  - ${[...warnings].sort().join("\n  - ")}`);
  for (const p of problems) console.log(`  NOT CHECKABLE ${p}`);
  const summary: Summary = {
    apiServer: apiServerVersion,
    accepted: results.filter((r) => r.ok).length,
    refused: results.filter((r) => !r.ok).length,
    problems,
    counts,
    rendered: [...rendered].sort(),
    notChecked: gaps,
    valuesWithNoEffect: [...noEffect].sort(),
    selfTest: selfTest === "refused" && valuesSelfTest === "reported" ? "refused" : `${selfTest}; misspelt values key ${valuesSelfTest}`,
  };
  fs.mkdirSync(SCRATCH, { recursive: true });
  fs.writeFileSync(path.join(SCRATCH, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(SCRATCH, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const v = verdict(summary);
  log(`${v.line} (${CONFIGURATIONS.length} configurations, kube-apiserver ${apiServerVersion}, ${Math.round((Date.now() - started) / 1000)} s)`);
  return v.ok ? 0 : 1;
}

/**
 * The check's own proof that it can fail: a ConfigMap with a field the API does not have
 * must be refused under strict field validation. Returns "refused" or what happened instead.
 */
async function brokenObjectIsRefused(api: ApiServer, resources: Map<string, ResourceInfo>, log: (line: string) => void): Promise<string> {
  const broken = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "broken-on-purpose", namespace: "default" }, data: { a: "b" }, dataa: { typo: "yes" } };
  const r = await applyObject(api, resources, broken, { dryRun: true });
  if (r.ok) return "accepted";
  log(`self-test: a ConfigMap with an unknown field is refused: ${r.message}`);
  return "refused";
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof SourcesMissing || e instanceof ToolsMissing ? `test:kubernetes: ${e.message}` : e);
      process.exit(1);
    },
  );
}
