import { describe, expect, it } from "vitest";
import {
  FARGATE_COMPONENTS_MIB,
  FARGATE_TABLE,
  fargateHourly,
  fargateSize,
  formatFargateSize,
  podDemand,
  tryFargateSize,
} from "../../placement/fargate-sizing";
import { DEFAULT_PRICES } from "../../placement/prices";

// Rules and examples: "Understand Fargate Pod configuration details",
// https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html

describe("Fargate pod sizing", () => {
  it("adds 256 MB for Fargate's Kubernetes components", () => {
    expect(FARGATE_COMPONENTS_MIB).toBe(256);
  });

  it("AWS example: a pod requesting 1 vCPU and 8 GB gets 2 vCPU / 9 GB (no 1 vCPU / 9 GB size exists)", () => {
    expect(fargateSize({ cpuMillicores: 1000, memoryMiB: 8 * 1024 })).toEqual({ vcpu: 2, memoryGiB: 9 });
  });

  it("1 vCPU / 2 GB requested becomes 1 vCPU / 3 GB once the 256 MB are added", () => {
    expect(fargateSize({ cpuMillicores: 1000, memoryMiB: 2048 })).toEqual({ vcpu: 1, memoryGiB: 3 });
  });

  it("AWS: with no requests the smallest combination, 0.25 vCPU / 0.5 GB, is used", () => {
    expect(fargateSize(podDemand([{ cpuMillicores: 0, memoryMiB: 0 }]))).toEqual({ vcpu: 0.25, memoryGiB: 0.5 });
  });

  it("256 MB of requests plus 256 MB still fit 0.25 vCPU / 0.5 GB; one more MiB does not", () => {
    expect(fargateSize({ cpuMillicores: 250, memoryMiB: 256 })).toEqual({ vcpu: 0.25, memoryGiB: 0.5 });
    expect(fargateSize({ cpuMillicores: 250, memoryMiB: 257 })).toEqual({ vcpu: 0.25, memoryGiB: 1 });
  });

  it("memory beyond a vCPU tier's range moves the pod to the next tier (0.25 vCPU with 2.5 GB → 0.5 vCPU / 3 GB)", () => {
    expect(fargateSize({ cpuMillicores: 250, memoryMiB: 2560 })).toEqual({ vcpu: 0.5, memoryGiB: 3 });
  });

  it("uses max(largest init container, sum of long-running containers) per resource", () => {
    const demand = podDemand(
      [
        { cpuMillicores: 500, memoryMiB: 1024 },
        { cpuMillicores: 250, memoryMiB: 1024 },
      ],
      [
        { cpuMillicores: 2000, memoryMiB: 512 },
        { cpuMillicores: 100, memoryMiB: 1500 },
      ],
    );
    expect(demand).toEqual({ cpuMillicores: 2000, memoryMiB: 2048 });
    // 2048 + 256 = 2304 MiB; 2 vCPU starts at 4 GB.
    expect(fargateSize(demand)).toEqual({ vcpu: 2, memoryGiB: 4 });
  });

  it("counts the App Mesh Envoy sidecar (10m / 32Mi): a 250m / 512Mi service needs 0.5 vCPU / 1 GB", () => {
    const envoy = { name: "envoy", cpuMillicores: 10, memoryMiB: 32 };
    const app = [{ cpuMillicores: 250, memoryMiB: 512 }];
    expect(podDemand(app, [], [envoy])).toEqual({ cpuMillicores: 260, memoryMiB: 544 });
    expect(fargateSize(podDemand(app, [], [envoy]))).toEqual({ vcpu: 0.5, memoryGiB: 1 });
    expect(fargateSize(podDemand(app))).toEqual({ vcpu: 0.25, memoryGiB: 1 });
  });

  it("8 vCPU sizes go in 4 GB steps and 16 vCPU sizes in 8 GB steps", () => {
    expect(fargateSize({ cpuMillicores: 5000, memoryMiB: 20000 })).toEqual({ vcpu: 8, memoryGiB: 20 });
    expect(fargateSize({ cpuMillicores: 5000, memoryMiB: 20480 })).toEqual({ vcpu: 8, memoryGiB: 24 });
    expect(fargateSize({ cpuMillicores: 9000, memoryMiB: 1000 })).toEqual({ vcpu: 16, memoryGiB: 32 });
    expect(fargateSize({ cpuMillicores: 4000, memoryMiB: 30 * 1024 })).toEqual({ vcpu: 8, memoryGiB: 32 });
  });

  it("has the 74 combinations of the table", () => {
    expect(FARGATE_TABLE.map((t) => [t.vcpu, t.memoryGiB.length, t.memoryGiB[0], t.memoryGiB.at(-1)])).toEqual([
      [0.25, 3, 0.5, 2],
      [0.5, 4, 1, 4],
      [1, 7, 2, 8],
      [2, 13, 4, 16],
      [4, 23, 8, 30],
      [8, 12, 16, 60],
      [16, 12, 32, 120],
    ]);
  });

  it("refuses a pod larger than 16 vCPU / 120 GB", () => {
    expect(tryFargateSize({ cpuMillicores: 16001, memoryMiB: 1024 })).toBeUndefined();
    expect(tryFargateSize({ cpuMillicores: 1000, memoryMiB: 120 * 1024 })).toBeUndefined();
    expect(() => fargateSize({ cpuMillicores: 16001, memoryMiB: 1024 })).toThrow(
      "a pod requesting 16001m CPU and 1024Mi memory (+256Mi Fargate adds) is larger than the largest Fargate size, 16 vCPU / 120 GB",
    );
  });

  it("prices a size from the table's per-vCPU and per-GB rates", () => {
    const rates = DEFAULT_PRICES.fargate.x86_64;
    expect(fargateHourly({ vcpu: 0.5, memoryGiB: 1 }, rates)).toBeCloseTo(0.5 * 0.04048 + 1 * 0.004445, 12);
    expect(fargateHourly({ vcpu: 2, memoryGiB: 9 }, rates)).toBeCloseTo(2 * 0.04048 + 9 * 0.004445, 12);
    expect(formatFargateSize({ vcpu: 0.25, memoryGiB: 0.5 })).toBe("0.25 vCPU / 0.5 GB");
  });
});
