import type { Contract, OutputSpec } from "../contracts";
import { ECS_STACK_ORDER, STACK_ORDER, type StackName } from "../../facts/naming";

/** Every stack name either orchestrator builds (platform.orchestrator "eks" or "ecs"). */
const KNOWN_STACKS: readonly string[] = [...new Set<string>([...STACK_ORDER, ...ECS_STACK_ORDER])];

/**
 * Stand-ins for upstream outputs in a pull-request plan (terraform-cdk #2235, #3514).
 *
 * A downstream stack reads its upstream's outputs from remote state. In a pull request
 * that adds an output to one stack and uses it in the next, or for an environment whose
 * upstream was never applied, that read fails and no plan can be made. With stand-ins
 * switched on, every upstream read carries Terraform's `defaults` (one recognizable
 * value per output of the contract): outputs present in the upstream's state win, the
 * missing ones take the stand-in. For an upstream with no state at all, `defaults` does
 * not help (Terraform still fails "Unable to find remote state"), so that read goes to an
 * empty state file instead and every value is a stand-in.
 *
 * Never on by default: only the pull-request plan workflow sets PLATFORM_PLAN_STANDINS,
 * so a real deploy can never silently read a stand-in (a test checks the default synth).
 */
export interface PlanStandIns {
  /** Add `defaults` to every upstream read. */
  readonly enabled: boolean;
  /** Upstream stacks with no state yet: read from EMPTY_STATE_FILE, so all their values are stand-ins. */
  readonly unapplied: readonly StackName[];
}

export const NO_STAND_INS: PlanStandIns = { enabled: false, unapplied: [] };

export const STAND_INS_ENV = "PLATFORM_PLAN_STANDINS";
export const UNAPPLIED_ENV = "PLATFORM_PLAN_UNAPPLIED";

/** A valid state with no outputs, committed in the project (project-relative). */
export const EMPTY_STATE_FILE = "ops/stand-ins/empty-state.json";

/** Every stand-in string carries this, so it is recognizable in plan text. */
export const STAND_IN_MARK = "standin";

/** A bad value in one of the two variables: the message is complete. */
export class StandInError extends Error {}

/** Reads the two variables the plan workflow sets; throws a message naming the variable on a bad value. */
export function planStandInsFromEnv(env: NodeJS.ProcessEnv): PlanStandIns {
  const flag = env[STAND_INS_ENV];
  const enabled = flag === "true" || flag === "1";
  if (flag !== undefined && flag !== "" && !enabled && flag !== "false" && flag !== "0") {
    throw new StandInError(`${STAND_INS_ENV}=${flag} is not a switch; set it to "true" (pull-request plans only) or leave it unset`);
  }
  const list = (env[UNAPPLIED_ENV] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (list.length > 0 && !enabled) {
    throw new StandInError(`${UNAPPLIED_ENV} is set but ${STAND_INS_ENV} is not "true"; stand-ins are for pull-request plans only, so set both or neither`);
  }
  const unknown = list.filter((s) => !KNOWN_STACKS.includes(s));
  if (unknown.length > 0) throw new StandInError(`${UNAPPLIED_ENV} names ${unknown.join(", ")}, which ${unknown.length === 1 ? "is not a stack" : "are not stacks"}; use ${KNOWN_STACKS.join(", ")}`);
  return { enabled, unapplied: list as StackName[] };
}

/**
 * The stand-in for one output, shaped so the provider's plan-time checks accept it: ARNs
 * parse as ARNs, the CA bundle is valid base64, URLs are URLs, CIDRs are CIDRs. An output
 * spec may set `standIn` itself when no shape below fits.
 */
export function standInValue(stack: string, spec: OutputSpec): unknown {
  if (spec.standIn !== undefined) return spec.standIn;
  const id = `${STAND_IN_MARK}-${stack}-${spec.name.replaceAll("_", "-")}`;
  if (spec.kind === "number") return 0;
  if (spec.kind === "list") return [`${id}-0`, `${id}-1`];
  if (spec.name.endsWith("_arn")) return `arn:aws:iam::000000000000:role/${id}`;
  if (spec.name.endsWith("_url") || spec.name.endsWith("_endpoint")) return `https://${id}.invalid`;
  if (spec.name.endsWith("_data")) return Buffer.from(id).toString("base64");
  // TEST-NET-1 (RFC 5737): never a real network.
  if (spec.name.endsWith("_cidr")) return "192.0.2.0/24";
  return id;
}

/** `defaults` for a remote state read: a stand-in for every output of the contract. */
export function standInDefaults(stack: string, contract: Contract): Record<string, unknown> {
  return Object.fromEntries(Object.values(contract).map((spec) => [spec.name, standInValue(stack, spec)]));
}
