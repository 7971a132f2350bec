/**
 * Reading what Terraform says, without running it: `terraform validate -json`, the text of
 * a failed `terraform init`, and `terraform show -json` of a second plan. Pure, so the
 * verdicts are unit-tested without providers.
 */
import { z } from "zod";
import { classifyActions, type ChangeKind } from "../plan/plan";
import type { MotoDrift } from "./moto-gaps";

const positionSchema = z.object({ line: z.number(), column: z.number() });
const diagnosticSchema = z.object({
  severity: z.enum(["error", "warning"]),
  summary: z.string(),
  detail: z.string().optional(),
  range: z.object({ filename: z.string(), start: positionSchema }).optional(),
  snippet: z.object({ context: z.string().nullable().optional(), code: z.string().optional() }).optional(),
});
const validateSchema = z.object({
  valid: z.boolean(),
  error_count: z.number(),
  warning_count: z.number(),
  diagnostics: z.array(diagnosticSchema),
});

export type Diagnostic = z.infer<typeof diagnosticSchema>;
export type ValidateResult = z.infer<typeof validateSchema>;

/** Parses `terraform validate -json`; throws with the start of the text when it is not that. */
export function parseValidate(text: string): ValidateResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`terraform validate -json printed no JSON: ${text.trim().slice(0, 200)}`);
  }
  const parsed = validateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not terraform validate -json output: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Terraform's own words for each diagnostic, indented under the stack's verdict line. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const where = d.range ? ` (${d.range.filename}:${d.range.start.line}:${d.range.start.column})` : "";
      const context = d.snippet?.context ? `\n      in ${d.snippet.context}` : "";
      const detail = d.detail ? `\n      ${d.detail.trim().replace(/\n/g, "\n      ")}` : "";
      return `    ${d.severity}: ${d.summary}${where}${context}${detail}`;
    })
    .join("\n");
}

/** One-line verdict for a validated stack. */
export function validateVerdict(result: ValidateResult): string {
  const warnings = `${result.warning_count} warning${result.warning_count === 1 ? "" : "s"}`;
  return result.valid && result.error_count === 0
    ? `valid (${warnings})`
    : `INVALID: ${result.error_count} error${result.error_count === 1 ? "" : "s"}, ${warnings}`;
}

const PROVIDER_UNAVAILABLE = [
  /Failed to query available provider packages/,
  /Failed to install provider/,
  /could not connect to registry/i,
  /was not found in any of the search locations/,
];

/**
 * Whether a failed `terraform init` failed only because providers known to be unavailable
 * here could not be had (`isKnownUnavailable`, by name), rather than because of the stack;
 * with the providers named as Terraform names them (`hashicorp/kubernetes`). Any other
 * provider failure (a misspelt source, a version constraint nothing satisfies, a provider
 * the mirror lacks by mistake), or one that names no provider, is "other": a failure.
 */
export function initFailure(output: string, isKnownUnavailable: (provider: string) => boolean): { kind: "provider-unavailable"; providers: string[] } | { kind: "other"; providers: string[] } {
  const named = [...output.matchAll(/provider\s+((?:[\w.-]+\/)?[\w-]+\/[\w-]+)\b/g)].map((m) => m[1]!);
  const providers = [...new Set(named.map((p) => p.replace(/^registry\.terraform\.io\//, "")))].sort();
  if (!PROVIDER_UNAVAILABLE.some((p) => p.test(output))) return { kind: "other", providers };
  if (providers.length === 0 || !providers.every(isKnownUnavailable)) return { kind: "other", providers };
  return { kind: "provider-unavailable", providers };
}

/** Terraform's error blocks from plain (-no-color) output, without the progress chatter. */
export function errorBlocks(output: string): string {
  const start = output.search(/^(?:\u2577\n)?\u2502? ?Error: /m);
  const text = start >= 0 ? output.slice(start) : output;
  return text.trim().split("\n").slice(0, 60).map((l) => `    ${l}`).join("\n");
}

const planChangeSchema = z.object({
  address: z.string(),
  mode: z.enum(["managed", "data"]),
  type: z.string(),
  change: z.object({
    actions: z.array(z.string()).min(1),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    after_unknown: z.unknown().optional(),
    replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  }),
});
const planSchema = z.object({
  format_version: z.string(),
  resource_changes: z.array(planChangeSchema).optional(),
});

/** One attribute that differs between state and plan. Values stay in memory; reports print only the path. */
export interface AttributeChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** The planned value is known only after apply: it follows from another change. */
  readonly unknown: boolean;
}

export interface PlanDifference {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** What differs: for an update every differing attribute; for a replacement what forces it. */
  readonly changes: AttributeChange[];
}

function joinPath(base: string, key: string | number): string {
  return typeof key === "number" ? `${base}[${key}]` : base === "" ? key : `${base}.${key}`;
}

/** null, "", [] and {} are one value to the providers' legacy SDK: not a difference. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value as object).length === 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Attributes where `after` differs from `before`, counting values only known after apply. */
export function differingPaths(before: unknown, after: unknown, unknown: unknown, base = ""): AttributeChange[] {
  if (unknown === true) return [{ path: base, before, after: undefined, unknown: true }];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    const u = Array.isArray(unknown) ? unknown : [];
    return before.flatMap((b, i) => differingPaths(b, after[i], u[i], joinPath(base, i)));
  }
  if (isObject(before) && isObject(after)) {
    const u = isObject(unknown) ? unknown : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(u)])].sort();
    return keys.flatMap((k) => differingPaths(before[k], after[k], u[k], joinPath(base, k)));
  }
  if (isEmpty(before) && isEmpty(after)) return [];
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: base, before, after, unknown: false }];
}

function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string | number, unknown>)[k]), value);
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((base, k) => joinPath(base, k), "");
}

/** Every managed resource a plan would change, with what differs. */
export function planDifferences(planJson: unknown): PlanDifference[] {
  const parsed = planSchema.safeParse(planJson);
  if (!parsed.success) throw new Error(`not a terraform show -json plan: ${parsed.error.issues[0]?.message}`);
  const out: PlanDifference[] = [];
  for (const rc of parsed.data.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const kind = classifyActions(rc.change.actions);
    if (kind === undefined) continue;
    const { before, after, after_unknown: unknown } = rc.change;
    let changes: AttributeChange[] = [];
    if (kind === "update") {
      changes = differingPaths(before, after, unknown);
    } else if (kind === "replace") {
      // A replacement makes every computed attribute unknown; what matters is what forces it.
      changes = (rc.change.replace_paths ?? []).map((p) => {
        const isUnknown = valueAt(unknown, p) === true;
        return { path: formatPath(p), before: valueAt(before, p), after: isUnknown ? undefined : valueAt(after, p), unknown: isUnknown };
      });
    }
    out.push({ address: rc.address, type: rc.type, kind, changes });
  }
  return out;
}

export interface ExplainedDifference extends PlanDifference {
  /** For each differing attribute path, why it differs; absent on attributes nothing explains. */
  readonly reasons: Record<string, string>;
  readonly explained: boolean;
}

function covers(attribute: string, path: string): boolean {
  return path === attribute || path.startsWith(`${attribute}.`) || path.startsWith(`${attribute}[`);
}

export const CONSEQUENCE =
  "known only after apply because it is computed from a difference explained as moto's in this plan";

/** The resource or data address a reference names: `aws_eks_cluster.c.identity[0]` → `aws_eks_cluster.c`. */
function referencedAddress(reference: string): string | undefined {
  const m = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(reference);
  if (!m || ["var", "local", "module", "each", "count", "path", "terraform", "self"].includes(m[2]!)) return undefined;
  return `${m[1] ?? ""}${m[2]}.${m[3]}`;
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, into);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if ((k === "references" || k === "depends_on") && Array.isArray(v)) {
        for (const r of v) {
          const address = typeof r === "string" ? referencedAddress(r) : undefined;
          if (address) into.add(address);
        }
      } else {
        collectReferences(v, into);
      }
    }
  }
}

/** What each resource and data source of the plan's root module refers to, from `configuration`. */
export function referenceGraph(planJson: unknown): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const resources = (planJson as { configuration?: { root_module?: { resources?: unknown[] } } })?.configuration?.root_module?.resources;
  for (const r of resources ?? []) {
    if (!isObject(r) || typeof r.address !== "string") continue;
    const refs = new Set<string>();
    collectReferences({ expressions: r.expressions, depends_on: r.depends_on }, refs);
    refs.delete(r.address);
    graph.set(r.address, refs);
  }
  return graph;
}

/**
 * Matches each difference against the known moto drift. An attribute with a value is
 * explained by an entry for its type whose attribute covers the path and whose check (if
 * any) accepts the values. An attribute known only after apply is explained as a
 * consequence only when its resource has such an explained difference itself, or refers
 * (directly or through data sources and other explained resources) to one that has. A
 * resource's difference is explained when every attribute is; a creation or deletion never is.
 */
export function explainDifferences(
  diffs: readonly PlanDifference[],
  drift: readonly MotoDrift[],
  references: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): ExplainedDifference[] {
  const known = diffs.map((d) => {
    const reasons: Record<string, string> = {};
    for (const c of d.changes) {
      if (c.unknown) continue;
      const entry = drift.find((e) => e.type === d.type && covers(e.attribute, c.path) && (e.check?.(c.before, c.after) ?? true));
      if (entry) reasons[c.path] = entry.reason;
    }
    return reasons;
  });
  const knownExplained = (i: number): boolean => diffs[i]!.changes.every((c) => c.unknown || c.path in known[i]!);
  // Resources whose change is moto's doing, grown by what refers to them.
  const changing = new Set(diffs.filter((d, i) => d.changes.some((c) => !c.unknown) && knownExplained(i)).map((d) => d.address));
  const reaches = (address: string, seen = new Set<string>()): boolean => {
    if (seen.has(address)) return false;
    seen.add(address);
    for (const ref of references.get(address) ?? []) {
      if (changing.has(ref)) return true;
      if (ref.startsWith("data.") && reaches(ref, seen)) return true;
    }
    return false;
  };
  let grew = true;
  while (grew) {
    grew = false;
    diffs.forEach((d, i) => {
      if (!changing.has(d.address) && d.changes.length > 0 && knownExplained(i) && reaches(d.address)) {
        changing.add(d.address);
        grew = true;
      }
    });
  }
  return diffs.map((d, i) => {
    const reasons = { ...known[i] };
    if (changing.has(d.address)) for (const c of d.changes) if (c.unknown) reasons[c.path] = CONSEQUENCE;
    const explained =
      (d.kind === "update" || d.kind === "replace") && d.changes.length > 0 && d.changes.every((c) => c.path in reasons);
    return { ...d, reasons, explained };
  });
}
