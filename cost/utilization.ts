import { fargateHourly, fargateSize } from "../placement/fargate-sizing";
import { findInstance, instanceHourly, type PriceTable } from "../placement/prices";
import type { Architecture, FargateSize } from "../placement/types";

/**
 * The source document's first chart: one workload of 2 vCPU / 4 GB either on
 * an EC2 instance (paid whole, whatever the use) or on Fargate with the pod
 * sized to the share it uses (paid per request, rounded up to a Fargate size).
 */

export interface UtilizationPoint {
  /** 0..100 */
  readonly percent: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
  readonly fargateSize: FargateSize;
  readonly fargateHourly: number;
  readonly ec2Hourly: number;
}

export interface UtilizationOptions {
  /** @default 2000 (2 vCPU) */
  readonly workloadCpuMillicores?: number;
  /** @default 4096 (4 GiB) */
  readonly workloadMemoryMiB?: number;
  /** The instance the workload would get. @default "t3.medium" (2 vCPU / 4 GiB, the same nominal size) */
  readonly instanceType?: string;
  /** @default "x86_64" */
  readonly fargateArchitecture?: Architecture;
  /** Percent step. @default 1 */
  readonly step?: number;
}

export function utilizationCurve(prices: PriceTable, options: UtilizationOptions = {}): UtilizationPoint[] {
  const cpu = options.workloadCpuMillicores ?? 2000;
  const mem = options.workloadMemoryMiB ?? 4096;
  const instanceType = options.instanceType ?? "t3.medium";
  findInstance(prices, instanceType);
  const ec2Hourly = instanceHourly(prices, instanceType, "ON_DEMAND");
  const rates = prices.fargate[options.fargateArchitecture ?? "x86_64"];
  const step = options.step ?? 1;
  const points: UtilizationPoint[] = [];
  for (let percent = 0; percent <= 100 + 1e-9; percent += step) {
    const cpuMillicores = Math.round((cpu * percent) / 100);
    const memoryMiB = Math.round((mem * percent) / 100);
    const size = fargateSize({ cpuMillicores, memoryMiB });
    points.push({ percent, cpuMillicores, memoryMiB, fargateSize: size, fargateHourly: fargateHourly(size, rates), ec2Hourly });
  }
  return points;
}

/** First utilization (percent) at which Fargate costs more than the instance, if any. */
export function crossover(points: readonly UtilizationPoint[]): number | undefined {
  return points.find((p) => p.fargateHourly > p.ec2Hourly)?.percent;
}
