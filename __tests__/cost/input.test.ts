import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REFERENCE_SYSTEM } from "../../cost/example";
import { DEFAULT_DAEMONSETS, DEFAULT_ENVOY, loadCostInput, resolveCostInput } from "../../placement/input";
import type { CostInput, CostService } from "../../placement/types";

const svc = (over: Partial<CostService> = {}): CostService => ({
  name: "a",
  replicas: 1,
  containers: [{ cpuMillicores: 100, memoryMiB: 128 }],
  placement: "auto",
  ...over,
});

const input = (over: Partial<CostInput> = {}): CostInput => ({
  services: [svc()],
  nodeGroup: { instanceType: "t3.medium", minSize: 1 },
  natGateways: 1,
  albs: 1,
  ...over,
});

describe("cost input defaults", () => {
  it("resolves every default once", () => {
    const resolved = resolveCostInput(REFERENCE_SYSTEM);
    expect(resolved.nodeGroup).toEqual({
      instanceType: "t3.medium",
      minSize: 1,
      desiredSize: 2,
      maxSize: 3,
      capacityType: "ON_DEMAND",
      diskGiB: 20,
      diskType: "gp3",
      publicIp: false,
      maxPodsOverride: undefined,
      vmMemoryOverheadFraction: 0.075,
    });
    expect(resolved.daemonSets).toEqual(DEFAULT_DAEMONSETS);
    expect(resolved.mesh).toEqual({ enabled: true, envoy: { name: "envoy", cpuMillicores: 10, memoryMiB: 32 } });
    expect(resolved.services[0]!.sidecars).toEqual([DEFAULT_ENVOY]);
    expect(resolved.controlPlanes).toBe(1);
    expect(resolved.albAzCount).toBe(2);
    expect(resolved.fargateArchitecture).toBe("x86_64");
    expect(resolved.autoDefault).toBe("optimize");
  });

  it("adds Envoy only where the mesh injects it", () => {
    const off = resolveCostInput(input({ mesh: { enabled: false } }));
    expect(off.services[0]!.sidecars).toEqual([]);
    const optOut = resolveCostInput(input({ services: [svc({ meshSidecar: false, sidecars: [{ name: "fluent-bit", cpuMillicores: 50, memoryMiB: 64 }] })] }));
    expect(optOut.services[0]!.sidecars).toEqual([{ name: "fluent-bit", cpuMillicores: 50, memoryMiB: 64 }]);
    const custom = resolveCostInput(input({ mesh: { enabled: true, envoy: { cpuMillicores: 100, memoryMiB: 128 } } }));
    expect(custom.services[0]!.sidecars).toEqual([{ cpuMillicores: 100, memoryMiB: 128 }]);
  });
});

describe("refused cost inputs", () => {
  const refused = (raw: unknown) => () => resolveCostInput(raw);

  it("requires the infrastructure counts", () => {
    const { natGateways: _omit, ...rest } = input();
    expect(refused(rest)).toThrow("Invalid cost input: natGateways: is required");
  });

  it("refuses duplicate service names", () => {
    expect(refused(input({ services: [svc(), svc()] }))).toThrow('Invalid cost input: services[1].name: "a" is already used by services[0]');
  });

  it("refuses an explicit placement that a constraint contradicts", () => {
    expect(refused(input({ services: [svc({ placement: "fargate", constraints: { gpu: true } })] }))).toThrow(
      'Invalid cost input: services[0].placement: "fargate" conflicts with constraints.gpu: Fargate has no GPUs',
    );
    expect(refused(input({ services: [svc({ placement: "ec2", constraints: { isolation: true } })] }))).toThrow(
      'Invalid cost input: services[0].placement: "ec2" conflicts with constraints.isolation, which needs Fargate',
    );
  });

  it("refuses constraints that contradict each other", () => {
    expect(refused(input({ services: [svc({ constraints: { isolation: true, privileged: true, hostNetwork: true } })] }))).toThrow(
      "Invalid cost input: services[0].constraints: isolation (Fargate only) contradicts privileged, hostNetwork (EC2 only)",
    );
  });

  it("refuses node group sizes out of order", () => {
    expect(refused(input({ nodeGroup: { instanceType: "t3.medium", minSize: 2, desiredSize: 1 } }))).toThrow(
      "Invalid cost input: nodeGroup.desiredSize: (1) is smaller than minSize (2)",
    );
  });

  it("names bad fields inside services", () => {
    expect(refused(input({ services: [svc({ containers: [] })] }))).toThrow("Invalid cost input: services[0].containers: needs at least one container");
    expect(refused({ ...input(), services: [{ ...svc(), placement: "spot" }] })).toThrow(
      'Invalid cost input: services[0].placement: must be "fargate", "ec2" or "auto"',
    );
    expect(refused({ ...input(), services: [{ ...svc(), replicas: 1.5 }] })).toThrow("Invalid cost input: services[0].replicas: must be a whole number");
    expect(refused({ ...input(), services: [{ ...svc(), containers: [{ cpuMillicores: "1", memoryMiB: 1 }] }] })).toThrow(
      'Invalid cost input: services[0].containers[0].cpuMillicores: expected number, got string "1"',
    );
    expect(refused({ ...input(), extra: true })).toThrow("Invalid cost input: extra: unknown field");
  });

  it("labels errors with the catalog file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-input-"));
    const file = join(dir, "catalog.json");
    writeFileSync(file, JSON.stringify({ ...input(), albs: -1 }));
    expect(() => loadCostInput(file)).toThrow(`Invalid catalog file ${file}: albs: must be >= 0`);
  });
});
