import type { Contract, ContractValues } from "./index";

/** The workloads stack's outputs (read by operators, not by another stack). */
export const WORKLOADS_OUTPUTS = {} as const satisfies Contract;

export type WorkloadsOutputs = ContractValues<typeof WORKLOADS_OUTPUTS>;
