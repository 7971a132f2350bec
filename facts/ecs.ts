/** Amazon ECS facts the task sizes and the cost model use. */

/** ECS counts CPU in units: 1024 per vCPU. */
export const CPU_UNITS_PER_VCPU = 1024;

/**
 * What AWS recommends adding to a task for the Service Connect proxy it injects
 * (docs: "Service Connect ... 256 CPU units and at least 64 MiB"). ECS on this
 * platform always joins Service Connect, so every task carries it, as every EKS pod
 * carries Envoy.
 */
export const SERVICE_CONNECT_PROXY = { cpuUnits: 256, memoryMiB: 64 } as const;

