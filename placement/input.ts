import { readFileSync } from "node:fs";
import { z } from "zod";
import type {
  Architecture,
  CapacityType,
  ContainerRequest,
  CostInput,
  DaemonSetRequest,
  DynamoDbInput,
  LogsInput,
  Placement,
} from "./types";
import { CostValidationError, formatIssues } from "./validation";

/**
 * Validates a `CostInput` once, at the edge, and resolves every default so
 * the model never re-defaults anything.
 */

/**
 * Envoy's requests when the App Mesh controller chart injects it: chart
 * 1.13.3 values.yaml, `sidecar.resources.requests` (cpu 10m, memory 32Mi).
 */
export const DEFAULT_ENVOY: ContainerRequest = { name: "envoy", cpuMillicores: 10, memoryMiB: 32 };

/**
 * DaemonSets an EKS cluster runs on every EC2 node by default. aws-node: the
 * VPC CNI chart requests 25m CPU (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni
 * values.yaml); kube-proxy: the EKS add-on requests 100m CPU. Neither
 * requests memory. The EBS and EFS CSI node DaemonSets are not installed
 * by default, so they are absent; add them when the cluster stack does.
 */
export const DEFAULT_DAEMONSETS: readonly DaemonSetRequest[] = [
  { name: "aws-node", cpuMillicores: 25, memoryMiB: 0 },
  { name: "kube-proxy", cpuMillicores: 100, memoryMiB: 0 },
];

export interface ResolvedConstraints {
  readonly needsNode: boolean;
  readonly daemonSet: boolean;
  readonly privileged: boolean;
  readonly gpu: boolean;
  readonly hostNetwork: boolean;
  readonly isolation: boolean;
}

export interface ResolvedService {
  readonly name: string;
  readonly replicas: number;
  readonly containers: readonly ContainerRequest[];
  readonly initContainers: readonly ContainerRequest[];
  /** Explicit sidecars plus Envoy when the mesh injects it. */
  readonly sidecars: readonly ContainerRequest[];
  readonly meshSidecar: boolean;
  readonly placement: Placement;
  readonly constraints: ResolvedConstraints;
}

export interface ResolvedNodeGroup {
  readonly instanceType: string;
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number | undefined;
  readonly capacityType: CapacityType;
  readonly diskGiB: number;
  readonly diskType: "gp2" | "gp3";
  readonly publicIp: boolean;
  readonly maxPodsOverride: number | undefined;
  readonly vmMemoryOverheadFraction: number;
}

export interface ResolvedCostInput {
  readonly region: string;
  readonly services: readonly ResolvedService[];
  readonly nodeGroup: ResolvedNodeGroup;
  readonly daemonSets: readonly DaemonSetRequest[];
  readonly mesh: { readonly enabled: boolean; readonly envoy: ContainerRequest };
  readonly fargateArchitecture: Architecture;
  readonly controlPlanes: number;
  readonly controlPlaneSupport: "standard" | "extended";
  readonly natGateways: number;
  readonly albs: number;
  readonly albAzCount: number;
  readonly logs: LogsInput | undefined;
  readonly dynamodb: DynamoDbInput | undefined;
  readonly privateCas: number;
  readonly privateCertificates: number;
  readonly waf: { readonly webAcls: number; readonly rulesPerAcl: number } | undefined;
  readonly autoDefault: "optimize" | "fargate" | "ec2";
}

const count = z.number().int({ error: "must be a whole number" }).min(0, { error: "must be >= 0" });
const amount = z.number().min(0, { error: "must be >= 0" });
const name = z.string().min(1, { error: "must not be empty" });

const container = z.strictObject({ name: z.string().optional(), cpuMillicores: amount, memoryMiB: amount });

const constraints = z.strictObject({
  needsNode: z.boolean().optional(),
  daemonSet: z.boolean().optional(),
  privileged: z.boolean().optional(),
  gpu: z.boolean().optional(),
  hostNetwork: z.boolean().optional(),
  isolation: z.boolean().optional(),
});

const service = z.strictObject({
  name,
  replicas: count,
  containers: z.array(container).min(1, { error: "needs at least one container" }),
  initContainers: z.array(container).optional(),
  sidecars: z.array(container).optional(),
  meshSidecar: z.boolean().optional(),
  placement: z.enum(["fargate", "ec2", "auto"], { error: 'must be "fargate", "ec2" or "auto"' }),
  constraints: constraints.optional(),
});

/** Constraints that only a node can satisfy, with the reason shown in errors. */
export const EC2_ONLY: ReadonlyArray<readonly [keyof ResolvedConstraints, string]> = [
  ["needsNode", "it needs a node"],
  ["daemonSet", "DaemonSets never run on Fargate"],
  ["privileged", "Fargate refuses privileged pods"],
  ["gpu", "Fargate has no GPUs"],
  ["hostNetwork", "Fargate does not support hostNetwork"],
];

export const costInputSchema = z
  .strictObject({
    region: name.optional(),
    services: z.array(service),
    nodeGroup: z.strictObject({
      instanceType: name,
      minSize: count,
      desiredSize: count.optional(),
      maxSize: count.optional(),
      capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: 'must be "ON_DEMAND" or "SPOT"' }).optional(),
      diskGiB: count.optional(),
      diskType: z.enum(["gp2", "gp3"], { error: 'must be "gp2" or "gp3"' }).optional(),
      publicIp: z.boolean().optional(),
      maxPodsOverride: z.number().int({ error: "must be a whole number" }).min(1, { error: "must be >= 1" }).optional(),
      vmMemoryOverheadFraction: z.number().min(0, { error: "must be in [0, 0.5]" }).max(0.5, { error: "must be in [0, 0.5]" }).optional(),
    }),
    daemonSets: z.array(z.strictObject({ name, cpuMillicores: amount, memoryMiB: amount })).optional(),
    mesh: z.strictObject({ enabled: z.boolean(), envoy: container.optional() }).optional(),
    fargateArchitecture: z.enum(["x86_64", "arm64"], { error: 'must be "x86_64" or "arm64"' }).optional(),
    controlPlanes: count.optional(),
    controlPlaneSupport: z.enum(["standard", "extended"], { error: 'must be "standard" or "extended"' }).optional(),
    natGateways: count,
    albs: count,
    albAzCount: count.optional(),
    logs: z.strictObject({ ingestGiBPerMonth: amount, retentionDays: amount }).optional(),
    dynamodb: z.strictObject({ tables: count, storageGiB: amount }).optional(),
    privateCas: count.optional(),
    privateCertificates: count.optional(),
    waf: z.strictObject({ webAcls: count, rulesPerAcl: count }).optional(),
    autoDefault: z.enum(["optimize", "fargate", "ec2"], { error: 'must be "optimize", "fargate" or "ec2"' }).optional(),
  })
  .superRefine((input, ctx) => {
    // Cross-field rules live here so their messages can name the exact field.
    const seen = new Map<string, number>();
    input.services.forEach((svc, i) => {
      const first = seen.get(svc.name);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["services", i, "name"], message: `"${svc.name}" is already used by services[${first}]` });
      else seen.set(svc.name, i);
      const c = svc.constraints ?? {};
      const ec2Only = EC2_ONLY.filter(([key]) => c[key] === true);
      if (c.isolation === true && ec2Only.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["services", i, "constraints"],
          message: `isolation (Fargate only) contradicts ${ec2Only.map(([key]) => key).join(", ")} (EC2 only)`,
        });
      }
      if (svc.placement === "fargate" && ec2Only.length > 0) {
        const [key, why] = ec2Only[0]!;
        ctx.addIssue({ code: "custom", path: ["services", i, "placement"], message: `"fargate" conflicts with constraints.${key}: ${why}` });
      }
      if (svc.placement === "ec2" && c.isolation === true) {
        ctx.addIssue({ code: "custom", path: ["services", i, "placement"], message: `"ec2" conflicts with constraints.isolation, which needs Fargate` });
      }
    });
    const ng = input.nodeGroup;
    if (ng.desiredSize !== undefined && ng.desiredSize < ng.minSize) {
      ctx.addIssue({ code: "custom", path: ["nodeGroup", "desiredSize"], message: `(${ng.desiredSize}) is smaller than minSize (${ng.minSize})` });
    }
    if (ng.maxSize !== undefined && ng.maxSize < Math.max(ng.minSize, ng.desiredSize ?? 0)) {
      ctx.addIssue({ code: "custom", path: ["nodeGroup", "maxSize"], message: `(${ng.maxSize}) is smaller than minSize/desiredSize` });
    }
  });

/** Validates an unknown value as a `CostInput` and resolves its defaults. */
export function resolveCostInput(raw: unknown, label = "Invalid cost input"): ResolvedCostInput {
  const parsed = costInputSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new CostValidationError(label, formatIssues(parsed.error.issues));
  return resolveParsed(parsed.data);
}

function resolveParsed(input: CostInput): ResolvedCostInput {
  const mesh = { enabled: input.mesh?.enabled ?? true, envoy: input.mesh?.envoy ?? DEFAULT_ENVOY };
  const services = input.services.map((svc): ResolvedService => {
    const meshSidecar = svc.meshSidecar ?? mesh.enabled;
    const c = svc.constraints ?? {};
    return {
      name: svc.name,
      replicas: svc.replicas,
      containers: svc.containers,
      initContainers: svc.initContainers ?? [],
      sidecars: [...(svc.sidecars ?? []), ...(meshSidecar ? [mesh.envoy] : [])],
      meshSidecar,
      placement: svc.placement,
      constraints: {
        needsNode: c.needsNode ?? false,
        daemonSet: c.daemonSet ?? false,
        privileged: c.privileged ?? false,
        gpu: c.gpu ?? false,
        hostNetwork: c.hostNetwork ?? false,
        isolation: c.isolation ?? false,
      },
    };
  });
  const ng = input.nodeGroup;
  return {
    region: input.region ?? "us-east-1",
    services,
    nodeGroup: {
      instanceType: ng.instanceType,
      minSize: ng.minSize,
      desiredSize: ng.desiredSize ?? ng.minSize,
      maxSize: ng.maxSize,
      capacityType: ng.capacityType ?? "ON_DEMAND",
      diskGiB: ng.diskGiB ?? 20,
      diskType: ng.diskType ?? "gp3",
      publicIp: ng.publicIp ?? false,
      maxPodsOverride: ng.maxPodsOverride,
      vmMemoryOverheadFraction: ng.vmMemoryOverheadFraction ?? 0.075,
    },
    daemonSets: input.daemonSets ?? DEFAULT_DAEMONSETS,
    mesh,
    fargateArchitecture: input.fargateArchitecture ?? "x86_64",
    controlPlanes: input.controlPlanes ?? 1,
    controlPlaneSupport: input.controlPlaneSupport ?? "standard",
    natGateways: input.natGateways,
    albs: input.albs,
    albAzCount: input.albAzCount ?? 2,
    logs: input.logs,
    dynamodb: input.dynamodb,
    privateCas: input.privateCas ?? 0,
    privateCertificates: input.privateCertificates ?? 0,
    waf: input.waf,
    autoDefault: input.autoDefault ?? "optimize",
  };
}

/** Reads a catalog JSON file (a `CostInput`). */
export function loadCostInput(file: string): ResolvedCostInput {
  const label = `Invalid catalog file ${file}`;
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (error) {
    throw new CostValidationError(label, [`cannot read the file (${(error as Error).message})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new CostValidationError(label, [`not valid JSON (${(error as Error).message})`]);
  }
  return resolveCostInput(json, label);
}
