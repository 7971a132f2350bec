/**
 * The IAM permissions a plan adds or removes, per role: from the before and after policy
 * documents of the plan JSON's resource_changes (terraform show -json, format 1.x):
 *   aws_iam_role_policy            inline policy of `role`
 *   aws_iam_role                   its `inline_policy` blocks
 *   aws_iam_policy                 a managed policy, shown under its own name (it may be
 *                                  attached to several roles)
 *   aws_iam_role_policy_attachment a managed policy attached to or detached from `role`
 * A data aws_iam_policy_document is what those policies are rendered from; its change shows
 * through the resource's `policy`, so it is not read on its own.
 * Each Allow/Deny statement is flattened to one grant per action × resource; a grant is
 * added when only the after document has it. A value Terraform marks sensitive, or one
 * known only after apply, is never read: the comment says so instead.
 */

export interface Grant {
  effect: string;
  action: string;
  resource: string;
  /** The statement's Condition as JSON, when it has one. */
  condition?: string;
}

export interface IamPrincipalChange {
  /** "role NAME" or "policy NAME"; the resource address when the name is known only after apply. */
  principal: string;
  added: Grant[];
  removed: Grant[];
  attached: string[];
  detached: string[];
  /** Addresses whose policy is known only after apply or is sensitive, so not compared. */
  unreadable: Array<{ address: string; why: string }>;
}

type Values = Record<string, unknown> | null | undefined;

interface RawChange {
  address?: string;
  mode?: string;
  type?: string;
  change?: { actions?: string[]; before?: Values; after?: Values; after_unknown?: unknown; before_sensitive?: unknown; after_sensitive?: unknown };
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Sorted-key JSON, so the same condition written in another key order is the same grant. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The grants of one policy document (a JSON string); an empty or unparsable one has none. */
export function grantsOf(policy: unknown): Grant[] {
  if (typeof policy !== "string" || policy.trim() === "") return [];
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return [];
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const grants: Grant[] = [];
  for (const s of statements as Array<Record<string, unknown>>) {
    const effect = String(s.Effect ?? "Allow");
    const actions = s.NotAction !== undefined ? list(s.NotAction).map((a) => `NOT ${a}`) : list(s.Action);
    const resources = s.NotResource !== undefined ? list(s.NotResource).map((r) => `NOT ${r}`) : s.Resource !== undefined ? list(s.Resource) : ["*"];
    const condition = s.Condition !== undefined ? canonical(s.Condition) : undefined;
    for (const action of actions) for (const resource of resources) grants.push({ effect, action, resource, ...(condition ? { condition } : {}) });
  }
  return grants;
}

const key = (g: Grant) => `${g.effect} ${g.action} ${g.resource} ${g.condition ?? ""}`;

function diffGrants(before: Grant[], after: Grant[]): { added: Grant[]; removed: Grant[] } {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  const uniq = (gs: Grant[]) => [...new Map(gs.map((g) => [key(g), g])).values()];
  return { added: uniq(after.filter((g) => !b.has(key(g)))), removed: uniq(before.filter((g) => !a.has(key(g)))) };
}

/** True when the marker object (after_unknown / *_sensitive) flags `path` or the whole value. */
function flagged(marker: unknown, ...path: Array<string | number>): boolean {
  let m = marker;
  for (const step of path) {
    if (m === true) return true;
    if (m === null || typeof m !== "object") return false;
    m = (m as Record<string | number, unknown>)[step];
  }
  return m === true;
}

export function summarizeIam(planJson: unknown): IamPrincipalChange[] {
  const changes = ((planJson as { resource_changes?: RawChange[] } | null)?.resource_changes ?? []).filter((rc) => rc.mode === "managed");
  const byPrincipal = new Map<string, IamPrincipalChange>();
  const entry = (principal: string) => {
    let e = byPrincipal.get(principal);
    if (!e) byPrincipal.set(principal, (e = { principal, added: [], removed: [], attached: [], detached: [], unreadable: [] }));
    return e;
  };
  const nameOf = (c: RawChange, field: string, kind: string) => {
    const v = c.change?.after?.[field] ?? c.change?.before?.[field];
    return typeof v === "string" ? `${kind} ${v}` : `${kind} of ${c.address}`;
  };
  /** Compares the policy at `path` of before and after, unless either is hidden. */
  const comparePolicy = (c: RawChange, principal: string, path: Array<string | number>, label: string) => {
    const ch = c.change ?? {};
    const get = (v: Values) => path.reduce<unknown>((x, p) => (x !== null && typeof x === "object" ? (x as Record<string | number, unknown>)[p] : undefined), v);
    if (flagged(ch.before_sensitive, ...path) || flagged(ch.after_sensitive, ...path)) {
      entry(principal).unreadable.push({ address: label, why: "its policy is marked sensitive" });
      return;
    }
    if (flagged(ch.after_unknown, ...path)) {
      entry(principal).unreadable.push({ address: label, why: "its policy is known only after apply" });
      return;
    }
    const { added, removed } = diffGrants(grantsOf(get(ch.before)), grantsOf(get(ch.after)));
    if (added.length === 0 && removed.length === 0) return;
    const e = entry(principal);
    e.added.push(...added);
    e.removed.push(...removed);
  };
  for (const c of changes) {
    const actions = c.change?.actions ?? [];
    if (actions.length === 0 || actions.every((a) => a === "no-op" || a === "read")) continue;
    const address = c.address ?? "?";
    switch (c.type) {
      case "aws_iam_role_policy":
        comparePolicy(c, nameOf(c, "role", "role"), ["policy"], address);
        break;
      case "aws_iam_policy":
        comparePolicy(c, nameOf(c, "name", "policy"), ["policy"], address);
        break;
      case "aws_iam_role": {
        const principal = nameOf(c, "name", "role");
        const blocks = (v: Values) => (Array.isArray(v?.inline_policy) ? (v?.inline_policy as Array<Record<string, unknown>>) : []);
        const before = blocks(c.change?.before);
        const after = blocks(c.change?.after);
        if (flagged(c.change?.after_unknown, "inline_policy") || flagged(c.change?.before_sensitive, "inline_policy") || flagged(c.change?.after_sensitive, "inline_policy")) {
          if (before.length > 0 || after.length > 0) entry(principal).unreadable.push({ address, why: "its inline policies are hidden or known only after apply" });
          break;
        }
        const all = (bs: Array<Record<string, unknown>>) => bs.flatMap((b) => grantsOf(b.policy));
        const { added, removed } = diffGrants(all(before), all(after));
        if (added.length > 0 || removed.length > 0) {
          entry(principal).added.push(...added);
          entry(principal).removed.push(...removed);
        }
        break;
      }
      case "aws_iam_role_policy_attachment": {
        const principal = nameOf(c, "role", "role");
        const arn = (v: Values) => (typeof v?.policy_arn === "string" ? v.policy_arn : undefined);
        const before = arn(c.change?.before);
        const after = flagged(c.change?.after_unknown, "policy_arn") ? "(a policy known after apply)" : arn(c.change?.after);
        if (before === after) break;
        if (after !== undefined && actions.includes("create")) entry(principal).attached.push(after);
        if (before !== undefined && actions.includes("delete")) entry(principal).detached.push(before);
        break;
      }
    }
  }
  return [...byPrincipal.values()].sort((a, b) => a.principal.localeCompare(b.principal));
}
