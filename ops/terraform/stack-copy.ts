/**
 * Pure rewrites of a synthesized stack (`cdk.tf.json`) for the copy that Terraform runs on.
 * cdktf.out is never changed: every function here returns a new document and says what it
 * changed, so the harness can print it.
 */

/** The parts of a synthesized stack these rewrites touch; everything else is carried over. */
export interface StackDocument {
  terraform?: {
    backend?: Record<string, Record<string, unknown>>;
    required_providers?: Record<string, { source?: string; version?: string }>;
    [key: string]: unknown;
  };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface RequiredProvider {
  /** Local name in the stack (`aws`). */
  readonly name: string;
  /** Fully qualified source (`registry.terraform.io/hashicorp/aws`). */
  readonly source: string;
  /** The stack's version constraint, as written. */
  readonly version: string | undefined;
}

const DEFAULT_HOST = "registry.terraform.io";

/** `aws` or `hashicorp/aws` or a full address → `registry.terraform.io/hashicorp/aws`. */
export function qualifySource(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `${DEFAULT_HOST}/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `${DEFAULT_HOST}/${parts[0]}/${parts[1]}`;
  return parts.join("/");
}

export function requiredProviders(doc: StackDocument): RequiredProvider[] {
  return Object.entries(doc.terraform?.required_providers ?? {})
    .map(([name, p]) => ({ name, source: qualifySource(p.source ?? name), version: p.version }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface VersionRewrite {
  readonly provider: string;
  readonly source: string;
  readonly from: string | undefined;
  readonly to: string;
}

/**
 * Pins each provider that a local mirror holds to a version the mirror has, when the
 * stack's constraint names another one. Only an exact constraint is recognised as
 * satisfied; anything else is rewritten, and every rewrite is returned so it can be said.
 */
export function pinToAvailable(
  doc: StackDocument,
  available: ReadonlyMap<string, readonly string[]>,
): { doc: StackDocument; rewrites: VersionRewrite[] } {
  const out = clone(doc);
  const rewrites: VersionRewrite[] = [];
  for (const provider of requiredProviders(doc)) {
    const versions = available.get(provider.source);
    if (versions === undefined || versions.length === 0) continue;
    const wanted = provider.version?.replace(/^\s*=\s*/, "").trim();
    if (wanted !== undefined && versions.includes(wanted)) continue;
    const to = [...versions].sort(compareVersions).at(-1)!;
    out.terraform!.required_providers![provider.name]!.version = to;
    rewrites.push({ provider: provider.name, source: provider.source, from: provider.version, to });
  }
  return { doc: out, rewrites };
}

/** Orders dotted versions numerically; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA = "", preA] = a.split("-", 2);
  const [coreB = "", preB] = b.split("-", 2);
  const na = coreA.split(".").map(Number);
  const nb = coreB.split(".").map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? 0) - (nb[i] ?? 0);
    if (d !== 0) return d;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA.localeCompare(preB);
}

/** `…/state/dev/network.tfstate` or an S3 key `platform/dev/network.tfstate` → `network`. */
function stateStem(location: string): string {
  const base = location.split("/").at(-1) ?? location;
  return base.replace(/\.tfstate$/, "");
}

/**
 * Points the stack's backend and its reads of other stacks' state at local files in
 * `stateDir` (relative to the copy's folder), whatever backend the config chose, so a run
 * against the local AWS never reads or writes the user's real state.
 */
export function localizeState(doc: StackDocument, stackName: string, stateDir: string): StackDocument {
  const out = clone(doc);
  out.terraform = { ...out.terraform, backend: { local: { path: `${stateDir}/${stackName}.tfstate` } } };
  for (const [name, block] of Object.entries(out.data?.terraform_remote_state ?? {})) {
    const config = (block.config ?? {}) as Record<string, unknown>;
    const location = String(config.path ?? config.key ?? name);
    out.data!.terraform_remote_state![name] = {
      ...block,
      backend: "local",
      config: { path: `${stateDir}/${stateStem(location)}.tfstate` },
    };
  }
  return out;
}

export interface LeftOut {
  /** Terraform address (`aws_eks_addon.coredns`, `output.x`). */
  readonly address: string;
  readonly reason: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when an expression anywhere in `value` refers to `address` (not counting depends_on). */
function refersTo(value: unknown, address: string): boolean {
  const { depends_on: _ignored, ...rest } = (value ?? {}) as Record<string, unknown>;
  const pattern = new RegExp(`(?<![\\w.-])${escapeRegExp(address)}(?![\\w-])`);
  return pattern.test(JSON.stringify(rest));
}

/** An attribute the local AWS leaves empty although AWS fills it in (see moto-gaps.ts). */
export interface MissingAttribute {
  /** Resource type: `aws_eks_cluster`. */
  readonly type: string;
  /** Attribute path as written in a reference: `vpc_config[0].cluster_security_group_id`. */
  readonly attribute: string;
  readonly reason: string;
}

/**
 * Removes every resource of the given types, and every resource or data source that reads
 * one of the missing attributes, then everything that refers to a removed resource
 * (resources, data sources, outputs), until nothing left refers to one. depends_on
 * entries naming a removed resource are dropped: they only ordered the apply. Outputs that
 * read a missing attribute stay: an empty output breaks nothing here.
 */
export function leaveOut(
  doc: StackDocument,
  unsupported: Readonly<Record<string, string>>,
  missing: readonly MissingAttribute[] = [],
): { doc: StackDocument; leftOut: LeftOut[] } {
  const out = clone(doc);
  const leftOut: LeftOut[] = [];
  const removed: string[] = [];
  const remove = (address: string, reason: string): void => {
    leftOut.push({ address, reason });
    removed.push(address);
  };

  for (const [type, blocks] of Object.entries(out.resource ?? {})) {
    const reason = unsupported[type];
    if (reason === undefined) continue;
    for (const name of Object.keys(blocks)) remove(`${type}.${name}`, reason);
    delete out.resource![type];
  }

  for (const m of missing) {
    const reads = new RegExp(`(?<![\\w.-])${escapeRegExp(m.type)}\\.[\\w-]+\\.${escapeRegExp(m.attribute)}(?![\\w-])`);
    for (const [section, prefix] of [[out.resource, ""], [out.data, "data."]] as const) {
      for (const [type, blocks] of Object.entries(section ?? {})) {
        for (const [name, block] of Object.entries(blocks)) {
          const { depends_on: _ignored, ...rest } = (block ?? {}) as Record<string, unknown>;
          if (!reads.test(JSON.stringify(rest))) continue;
          remove(`${prefix}${type}.${name}`, `reads ${m.type}.${m.attribute}, which the local AWS leaves empty: ${m.reason}`);
          delete blocks[name];
          if (Object.keys(blocks).length === 0) delete section![type];
        }
      }
    }
  }

  // Dependants, to a fixpoint: each pass may remove what refers to the last pass's removals.
  let changed = removed.length > 0;
  while (changed) {
    changed = false;
    const sections: Array<[Record<string, Record<string, Record<string, unknown>>> | undefined, string]> = [
      [out.resource, ""],
      [out.data, "data."],
    ];
    for (const [section, prefix] of sections) {
      for (const [type, blocks] of Object.entries(section ?? {})) {
        for (const [name, block] of Object.entries(blocks)) {
          const hit = removed.find((a) => refersTo(block, a));
          if (hit === undefined) continue;
          remove(`${prefix}${type}.${name}`, `refers to ${hit}, which is left out`);
          delete blocks[name];
          if (Object.keys(blocks).length === 0) delete section![type];
          changed = true;
        }
      }
    }
    for (const [name, block] of Object.entries(out.output ?? {})) {
      const hit = removed.find((a) => refersTo(block, a));
      if (hit === undefined) continue;
      remove(`output.${name}`, `refers to ${hit}, which is left out`);
      delete out.output![name];
      changed = true;
    }
  }

  const gone = new Set(removed);
  for (const section of [out.resource, out.data]) {
    for (const blocks of Object.values(section ?? {})) {
      for (const block of Object.values(blocks)) {
        if (!Array.isArray(block.depends_on)) continue;
        const kept = (block.depends_on as string[]).filter((d) => !gone.has(d));
        if (kept.length > 0) block.depends_on = kept;
        else delete block.depends_on;
      }
    }
  }
  return { doc: out, leftOut };
}

/** Arguments that make AWS refuse a delete; set to false in the copy for the local teardown. */
export const DELETION_PROTECTION_ARGUMENTS = ["deletion_protection", "deletion_protection_enabled"] as const;

/**
 * The copy a local teardown destroys: `prevent_destroy` dropped and deletion protection
 * switched off, since the run must leave nothing behind. Returns what it lifted, and whether
 * an apply must switch protection off before the destroy.
 */
export function liftProtection(doc: StackDocument): { doc: StackDocument; lifted: string[]; needsApply: boolean } {
  const out = clone(doc);
  const lifted: string[] = [];
  let needsApply = false;
  for (const [type, blocks] of Object.entries(out.resource ?? {})) {
    for (const [name, block] of Object.entries(blocks)) {
      const lifecycle = block.lifecycle as Record<string, unknown> | undefined;
      if (lifecycle?.prevent_destroy === true) {
        delete lifecycle.prevent_destroy;
        lifted.push(`${type}.${name} (prevent_destroy)`);
      }
      for (const arg of DELETION_PROTECTION_ARGUMENTS) {
        if (block[arg] === true) {
          block[arg] = false;
          lifted.push(`${type}.${name} (${arg})`);
          needsApply = true;
        }
      }
      // The provider drains a group by sizing it to 0 and then lifting its instances'
      // scale-in protection; moto scales in once, skips the still-protected instances and
      // never looks again, so the drain waits out its 10 minutes. AWS does terminate them.
      if (type === "aws_autoscaling_group" && block.protect_from_scale_in === true && block.force_delete !== true) {
        block.force_delete = true;
        lifted.push(`${type}.${name} (force_delete: moto never terminates instances whose scale-in protection is lifted after the drain began)`);
        needsApply = true;
      }
    }
  }
  return { doc: out, lifted, needsApply };
}
