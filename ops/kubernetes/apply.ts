/**
 * Server-side apply against the checks' API server, with strict field validation: an
 * unknown or duplicated field is a refusal, as it is for Terraform's kubernetes_manifest.
 */
import type { ApiServer } from "./cluster";

export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/** Kind → REST resource, per apiVersion, from the server's discovery (CRDs included once established). */
export async function discover(api: ApiServer): Promise<Map<string, ResourceInfo>> {
  const map = new Map<string, ResourceInfo>();
  const groupVersions = ["v1"];
  const groups = (await api.call("GET", "/apis")).body.groups as Array<{ versions: Array<{ groupVersion: string }> }>;
  for (const g of groups) for (const v of g.versions) groupVersions.push(v.groupVersion);
  for (const gv of groupVersions) {
    const list = await api.call("GET", gv === "v1" ? "/api/v1" : `/apis/${gv}`);
    if (list.status !== 200) continue;
    for (const r of list.body.resources as Array<{ name: string; kind: string; namespaced: boolean }>) {
      if (r.name.includes("/")) continue;
      map.set(`${gv}|${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
  }
  return map;
}

export interface ApplyResult {
  readonly ok: boolean;
  /** The API server's own message on a refusal. */
  readonly message?: string;
  readonly warnings: string[];
}

/** Applies one object; `dryRun` runs validation and admission without storing it. */
export async function applyObject(api: ApiServer, resources: Map<string, ResourceInfo>, object: Record<string, any>, options: { dryRun: boolean; fieldManager?: string }): Promise<ApplyResult> {
  const info = resources.get(`${object.apiVersion}|${object.kind}`);
  if (!info) return { ok: false, message: `the API server serves no ${object.kind} in ${object.apiVersion} (is its CRD installed?)`, warnings: [] };
  const name = object.metadata?.name;
  if (!name) return { ok: false, message: "metadata.name is missing", warnings: [] };
  const ns = object.metadata?.namespace;
  if (info.namespaced && !ns) return { ok: false, message: `${object.kind} is namespaced but has no metadata.namespace`, warnings: [] };
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const where = info.namespaced ? `/namespaces/${encodeURIComponent(ns)}` : "";
  const query = new URLSearchParams({ fieldManager: options.fieldManager ?? "eks-mesh-platform", fieldValidation: "Strict", force: "true" });
  if (options.dryRun) query.set("dryRun", "All");
  const res = await api.call("PATCH", `${base}${where}/${info.plural}/${encodeURIComponent(name)}?${query}`, object, "application/apply-patch+yaml");
  if (res.status >= 200 && res.status < 300) return { ok: true, warnings: res.warnings };
  const message = typeof res.body === "object" && res.body?.message ? String(res.body.message) : `HTTP ${res.status}: ${String(res.body).slice(0, 500)}`;
  return { ok: false, message, warnings: res.warnings };
}

/** Waits until every named CRD reports Established (its kinds are then served). */
export async function waitEstablished(api: ApiServer, names: readonly string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...names];
  while (pending.length && Date.now() < deadline) {
    const still: string[] = [];
    for (const n of pending) {
      const res = await api.call("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`);
      const established = (res.body?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Established" && c.status === "True");
      if (!established) still.push(n);
    }
    pending = still;
    if (pending.length) await new Promise((r) => setTimeout(r, 250));
  }
  return pending;
}
