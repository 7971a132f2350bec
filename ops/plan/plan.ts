/**
 * The plan model: the JSON of `terraform show -json <planfile>` turned into a per-stack
 * summary (what changes, what is stateful, what is blocked). Failures of init and plan are
 * told apart in ./failures.ts; the pull-request comment is rendered in ./comment.ts.
 *
 * Everything is classified from `resource_changes[].change.actions`, never from
 * plan text: parsing text misreads moves and replacements (tfcmt #358, #829).
 * Only addresses, types and actions reach the summary; attribute values never
 * do, so nothing marked in before_sensitive/after_sensitive can leak (tfcmt
 * #1081). The folded plan text comes from `terraform show`, which redacts them.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { summarizeIam, type IamPrincipalChange } from "./iam";



/**
 * Resource types whose replacement or deletion loses data or breaks everything
 * built on them. A replace or destroy of any of these raises the warning.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_dynamodb_table: "its items are lost",
  aws_kms_key: "everything encrypted with it becomes unreadable once the key is deleted",
  aws_eks_cluster: "every workload and Kubernetes object on it goes with it",
  aws_s3_bucket: "its objects are lost (the state bucket holds every stack's state)",
  aws_ecr_repository: "its images are lost",
  aws_cloudwatch_log_group: "its logs are lost",
  aws_efs_file_system: "its files are lost",
  aws_db_instance: "its data is lost unless a final snapshot is taken",
  aws_rds_cluster: "its data is lost unless a final snapshot is taken",
  aws_secretsmanager_secret: "its secret value is lost after the recovery window",
  aws_acmpca_certificate_authority: "the mesh's TLS certificates come from it; a new CA means new certificates and callers that trust the old one",
};

export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget";

export interface ResourceChangeSummary {
  address: string;
  type: string;
  kind: ChangeKind;
  /** The raw action list, e.g. ["create","delete"] for create-before-destroy. */
  actions: readonly string[];
  /** Terraform's action_reason, e.g. "replace_because_cannot_update". */
  reason?: string | undefined;
  /** Attribute paths that force a replacement (names only, never values). */
  replacePaths: string[];
  /** Set when the change applies to a deposed object left by a failed replacement. */
  deposed?: string | undefined;
  stateful: boolean;
}

export interface ChangeCounts {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  forget: number;
}

export interface MovedResource {
  from: string;
  to: string;
}

export interface PlannedStack {
  stack: string;
  status: "planned";
  changes: ResourceChangeSummary[];
  counts: ChangeCounts;
  moved: MovedResource[];
  /** Output of `terraform show -no-color <planfile>`; already redacted by Terraform. */
  planText?: string | undefined;
  /** Upstream values this plan used stand-ins for (pull-request plans; see detectStandIns). */
  standIns: StandInUse[];
  /** IAM permissions the plan adds or removes, per role (./iam.ts); empty when none. */
  iam?: IamPrincipalChange[];
}

/** The outputs of one upstream stack that a plan read as stand-ins, because the upstream has not applied them. */
export interface StandInUse {
  upstream: string;
  outputs: string[];
}

/**
 * A stack that talks to something an upstream stack creates and that is not there yet
 * (the Kubernetes API of a cluster not applied): no plan can be made, stand-ins or not.
 */
export interface WaitingStack {
  stack: string;
  status: "waiting";
  /** The upstream stacks it waits for. */
  upstream: string[];
}

export type BlockedReason = "no-upstream-state" | "missing-upstream-output";

/** A downstream stack whose upstream has not been applied yet (terraform-cdk #2235). */
export interface BlockedStack {
  stack: string;
  status: "blocked";
  reason: BlockedReason;
  /** Upstream stacks named in the error; empty when Terraform did not name them. */
  upstream: string[];
}

export interface FailedStack {
  stack: string;
  status: "failed";
  /** The tail of the init/plan log. */
  log: string;
}

export type StackResult = PlannedStack | BlockedStack | FailedStack | WaitingStack;

const resourceChangeSchema = z.object({
  address: z.string(),
  previous_address: z.string().optional(),
  mode: z.enum(["managed", "data"]),
  type: z.string(),
  name: z.string(),
  deposed: z.string().optional(),
  change: z.object({
    actions: z.array(z.string()).min(1),
    replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  }),
  action_reason: z.string().optional(),
});

const stateResourceSchema = z.object({
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  values: z.record(z.string(), z.unknown()).optional(),
});

const planSchema = z.object({
  format_version: z.string().regex(/^1\.\d+$/, {
    message: "only plan JSON format 1.x is understood (Terraform 1.x)",
  }),
  // Terraform omits the key when nothing changes.
  resource_changes: z.array(resourceChangeSchema).optional(),
  // Data sources read while planning, terraform_remote_state among them.
  prior_state: z.object({ values: z.object({ root_module: z.object({ resources: z.array(stateResourceSchema).optional() }).optional() }).optional() }).optional(),
});

const REMOTE_STATE_NAME = /^(?:remote-state-|cross-stack-reference-input-)([A-Za-z0-9_-]+)$/;

/**
 * The upstream outputs a plan read as stand-ins: for each terraform_remote_state read
 * with `defaults`, the outputs whose value is exactly their default. An upstream state
 * that has the output overrides the default, so equality means the state lacked it.
 */
export function detectStandIns(plan: z.infer<typeof planSchema>): StandInUse[] {
  const uses: StandInUse[] = [];
  for (const r of plan.prior_state?.values?.root_module?.resources ?? []) {
    if (r.mode !== "data" || r.type !== "terraform_remote_state") continue;
    const defaults = r.values?.defaults;
    const outputs = (r.values?.outputs ?? {}) as Record<string, unknown>;
    if (!defaults || typeof defaults !== "object") continue;
    const used = Object.entries(defaults as Record<string, unknown>)
      .filter(([k, v]) => isDeepStrictEqual(outputs[k], v))
      .map(([k]) => k)
      .sort();
    if (used.length > 0) uses.push({ upstream: REMOTE_STATE_NAME.exec(r.name)?.[1] ?? r.name, outputs: used });
  }
  return uses.sort((a, b) => a.upstream.localeCompare(b.upstream));
}

/**
 * Maps an action list to what it does to the real object. Returns undefined for
 * actions that change nothing (no-op, read).
 * Any list holding both "delete" and "create" is a replacement, whichever comes
 * first (create_before_destroy puts "create" first).
 */
export function classifyActions(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  switch (key) {
    case "no-op":
    case "read":
      return undefined;
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete":
      return "delete";
    case "forget":
      return "forget";
    case "delete,create":
    case "create,delete":
    case "create,forget":
      return "replace";
    default:
      throw new Error(`unknown Terraform change actions [${actions.join(", ")}]`);
  }
}

/** True when the change loses the object: the case the loud warning is for. */
export function isDestructive(change: ResourceChangeSummary): boolean {
  return change.stateful && (change.kind === "replace" || change.kind === "delete");
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

/** Summarizes one stack's plan JSON. Throws with the stack name on a malformed document. */
export function summarizePlan(stack: string, planJson: unknown, planText?: string): PlannedStack {
  const parsed = planSchema.safeParse(planJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new Error(`stack ${stack}: not a terraform show -json plan${where}: ${issue?.message ?? "invalid"}`);
  }
  const changes: ResourceChangeSummary[] = [];
  const moved: MovedResource[] = [];
  for (const rc of parsed.data.resource_changes ?? []) {
    if (rc.mode === "data") continue; // data sources are reads, never changes to real objects
    if (rc.previous_address !== undefined && rc.previous_address !== rc.address) {
      moved.push({ from: rc.previous_address, to: rc.address });
    }
    let kind: ChangeKind | undefined;
    try {
      kind = classifyActions(rc.change.actions);
    } catch (error) {
      throw new Error(`stack ${stack}: ${rc.address}: ${(error as Error).message}`);
    }
    if (kind === undefined) continue;
    changes.push({
      address: rc.address,
      type: rc.type,
      kind,
      actions: rc.change.actions,
      reason: rc.action_reason,
      replacePaths: (rc.change.replace_paths ?? []).map(formatPath),
      deposed: rc.deposed,
      stateful: Object.hasOwn(STATEFUL_RESOURCE_TYPES, rc.type),
    });
  }
  const counts: ChangeCounts = { add: 0, change: 0, replace: 0, destroy: 0, forget: 0 };
  for (const c of changes) {
    if (c.kind === "create") counts.add++;
    else if (c.kind === "update") counts.change++;
    else if (c.kind === "replace") counts.replace++;
    else if (c.kind === "delete") counts.destroy++;
    else counts.forget++;
  }
  return { stack, status: "planned", changes, counts, moved, planText, standIns: detectStandIns(parsed.data), iam: summarizeIam(planJson) };
}

