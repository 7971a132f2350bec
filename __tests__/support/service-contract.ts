import type { DynamoOp, ServiceContract } from "../../apps/services/contract";
import type { TableAccess } from "../../apps/catalog/types";
import { TABLE_ACTIONS } from "../../stacks/workloads/stack";

const READS: ReadonlySet<DynamoOp> = new Set(["GetItem", "Query", "Scan"]);

/** The least catalog access level that covers a set of operations. */
export function neededAccess(ops: readonly DynamoOp[]): TableAccess {
  const reads = ops.some((op) => READS.has(op));
  const writes = ops.some((op) => !READS.has(op));
  return reads && writes ? "readwrite" : writes ? "write" : "read";
}

/**
 * Where a service's catalog table access and its code's DynamoDB calls disagree: a table
 * the code uses without access, an operation the granted level does not include, a table
 * granted but unused, or more access than the code needs. Empty when they agree.
 */
export function accessProblems(contract: ServiceContract, granted: Readonly<Record<string, TableAccess>>): string[] {
  const problems: string[] = [];
  for (const [table, use] of Object.entries(contract.tables)) {
    const access = granted[table];
    if (!access) {
      problems.push(`${contract.name} calls ${use.ops.join(", ")} on ${table} but the catalog gives it no access to ${table}`);
      continue;
    }
    const missing = use.ops.filter((op) => !TABLE_ACTIONS[access].includes(`dynamodb:${op}`));
    if (missing.length) problems.push(`${contract.name} calls ${missing.join(", ")} on ${table} but "${access}" does not allow it; give it "${neededAccess(use.ops)}"`);
    else if (access !== neededAccess(use.ops)) problems.push(`${contract.name} has "${access}" on ${table} but only needs "${neededAccess(use.ops)}" for ${use.ops.join(", ")}`);
  }
  for (const table of Object.keys(granted)) {
    if (!(table in contract.tables)) problems.push(`${contract.name} has access to ${table} but its code never uses it`);
  }
  return problems;
}
