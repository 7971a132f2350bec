import { FARGATE_TABLE } from "./fargate-sizing";
import type { FargateSize, PodDemand } from "./types";

/**
 * How an ECS task is sized on Fargate, with the same table as EKS pods
 * (cost/fargate-sizing.ts) and one difference: ECS runs no kubelet, kube-proxy or
 * containerd in the task, so no 256 MiB is added. The task is the smallest valid
 * vCPU / memory combination that holds the containers' reservations.
 */

/** ECS counts CPU in units: 1024 per vCPU. */
export const CPU_UNITS_PER_VCPU = 1024;

/**
 * What AWS recommends adding to a task for the Service Connect proxy it injects
 * (docs: "Service Connect ... 256 CPU units and at least 64 MiB"). ECS on this
 * platform always joins Service Connect, so every task carries it, as every EKS pod
 * carries Envoy.
 */
export const SERVICE_CONNECT_PROXY = { cpuUnits: 256, memoryMiB: 64 } as const;

/** Millicores → CPU units (1000m = 1024 units), rounded up so a task never reserves less than asked. */
export function cpuUnits(millicores: number): number {
  return Math.ceil((millicores * CPU_UNITS_PER_VCPU) / 1000);
}

/** What one task of a service reserves: the application container plus the proxy. */
export function ecsTaskDemand(app: PodDemand): { cpuUnits: number; memoryMiB: number } {
  return { cpuUnits: cpuUnits(app.cpuMillicores) + SERVICE_CONNECT_PROXY.cpuUnits, memoryMiB: app.memoryMiB + SERVICE_CONNECT_PROXY.memoryMiB };
}

/** The Fargate task size for a demand in CPU units and MiB, or undefined when none is large enough. */
export function tryEcsFargateSize(demand: { cpuUnits: number; memoryMiB: number }): FargateSize | undefined {
  for (const tier of FARGATE_TABLE) {
    if (tier.vcpu * CPU_UNITS_PER_VCPU < demand.cpuUnits) continue;
    const memoryGiB = tier.memoryGiB.find((gib) => gib * 1024 >= demand.memoryMiB);
    if (memoryGiB !== undefined) return { vcpu: tier.vcpu, memoryGiB };
  }
  return undefined;
}

/** A task definition's `cpu` and `memory` strings for a Fargate size ("512", "1024"). */
export function taskDefinitionSize(size: FargateSize): { cpu: string; memory: string } {
  return { cpu: String(size.vcpu * CPU_UNITS_PER_VCPU), memory: String(size.memoryGiB * 1024) };
}
