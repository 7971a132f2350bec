/**
 * The variable that tells a service the real (AWS) name of a catalog table: set on every
 * Deployment by the workloads stack, read by the reference system's services
 * (apps/services/contract.ts spells them out; __tests__/services/contract.test.ts checks).
 */
export function tableEnvVar(table: string): string {
  return `DYNAMODB_TABLE_${table.toUpperCase().replace(/-/g, "_")}`;
}
