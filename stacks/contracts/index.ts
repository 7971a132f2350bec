import { TerraformOutput, type TerraformRemoteState, type TerraformStack } from "cdktf";

/**
 * The typed outputs each stack hands the next. A producer publishes them as Terraform
 * outputs with these human names; a consumer reads them back from the producer's state
 * through the same table, so the names, types and descriptions live in one place.
 *
 * cdktf's automatic cross-stack references are deliberately not used: they name outputs
 * `cross-stack-output-<hash>` and mark them all sensitive.
 */
type OutputKind = "string" | "list" | "number";

export interface OutputSpec {
  /** Terraform output name (snake_case, what `terraform output` shows). */
  readonly name: string;
  readonly kind: OutputKind;
  readonly description: string;
  /** Only for values that are secret; none of the platform's hand-offs are. @default false */
  readonly sensitive?: boolean;
  /** Value a pull-request plan uses while the producer has not applied it (stacks/synth/plan-stand-ins.ts). @default shaped from kind and name */
  readonly standIn?: string | readonly string[] | number;
}

export type Contract = Readonly<Record<string, OutputSpec>>;

type ValueOf<S extends OutputSpec> = S["kind"] extends "list" ? string[] : S["kind"] extends "number" ? number : string;

/** The values a contract carries, as the stacks use them (tokens at synth time). */
export type ContractValues<C extends Contract> = { readonly [K in keyof C]: ValueOf<C[K]> };

export * from "./network";
export * from "./cluster";
export * from "./mesh";
export * from "./workloads";
export * from "./edge";
export * from "./ecs";
export * from "./observability";

/** Declares every output of a contract on the producing stack. */
export function publishOutputs<C extends Contract>(stack: TerraformStack, contract: C, values: ContractValues<C>): void {
  for (const [key, spec] of Object.entries(contract)) {
    new TerraformOutput(stack, spec.name, {
      value: (values as Record<string, unknown>)[key],
      description: spec.description,
      sensitive: spec.sensitive ?? false,
    });
  }
}

/** Reads a contract back from the producer's remote state, typed. */
export function readOutputs<C extends Contract>(remote: TerraformRemoteState, contract: C): ContractValues<C> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(contract)) {
    out[key] = spec.kind === "list" ? remote.getList(spec.name) : spec.kind === "number" ? remote.getNumber(spec.name) : remote.getString(spec.name);
  }
  return out as ContractValues<C>;
}
