import { type CatalogOrigin, catalogLocation, type ResolvedCatalog, type ResolvedService } from "../apps/catalog";
import type { NodeGroupSettings } from "./schema/cluster";
import { type CostInput, type CostService, type Target, ContainerRequest } from "../placement/types";
import { resolveCostInput } from "../placement/input";
import { pricesFor, type PriceTable } from "../placement/prices";
import { describeInstanceGap, describeRegionGap, earlierGeneration } from "../placement/prices/instances";
import { decidePlacement } from "../placement/decide";
import { podDemand, tryFargateSize } from "../placement/fargate-sizing";
import { CostValidationError } from "../placement/validation";
import { FARGATE_COMPONENTS_MIB } from "../facts/fargate";
import type { PlacementFailure } from "../placement/errors";
import { SIGNING_PROXY } from "../facts/mesh";
import { signedDependencies } from "./schema/lattice";

/** The parts of the resolved platform config the cost model reads. */
export interface PlatformCostSource {
  /** Its region picks the EC2 prices; absent in older callers: us-east-1. */
  readonly platform?: { readonly region: string };
  readonly network: { readonly natGateways: "single" | "per-az" | "none"; readonly azCount: number };
  readonly cluster: { readonly nodeGroups: Record<string, NodeGroupSettings>; readonly supportType?: string };
  readonly workloads: { readonly app: ResolvedCatalog };
  /**
   * The mesh section: its `implementation` and `lattice.auth` decide the pods' sidecars
   * (App Mesh's Envoy, Lattice's signing proxy); mesh TLS has a price. Absent in older
   * callers: App Mesh, TLS off.
   */
  readonly mesh?: {
    readonly implementation: MeshCostSource["implementation"];
    /** Absent once resolved for App Mesh. */
    readonly lattice?: MeshCostSource["lattice"];
    readonly tls?: { readonly mode?: "off" | "strict"; readonly certificateAuthorityArn?: string };
  };
  readonly edge?: { readonly waf: { readonly enabled: boolean } };
}

/**
 * Synthesis must give the same placement on every machine, so the optimizer never runs
 * against a clock here: exact search up to 16 undecided services, heuristic plus bound
 * beyond that (placement/optimizer.ts), with no time-limited search in between.
 */
const DETERMINISTIC = { exactUpTo: 16, searchUpTo: 16 } as const;

/** The node group the pods are packed on: the first (by name) that takes ordinary pods. */
function packingGroupName(groups: Record<string, NodeGroupSettings>): string {
  const names = Object.keys(groups).sort();
  return names.find((n) => groups[n].taints.every((t) => t.effect === "PREFER_NO_SCHEDULE")) ?? names[0];
}

function costService(s: ResolvedService, placement: "requested" | "resolved"): CostService {
  return {
    name: s.name,
    // Each version is its own Deployment at the autoscaler's minimum: the steady-state floor.
    replicas: s.replicas.min * s.versions.length,
    containers: [{ name: s.name, cpuMillicores: s.cpu.request, memoryMiB: s.memory.request }],
    placement: placement === "requested" ? s.requestedPlacement : s.placement,
    constraints: {
      needsNode: s.constraints.needsNode || Object.keys(s.nodeSelector).length > 0,
      privileged: s.constraints.privileged,
      gpu: s.constraints.gpu,
      isolation: s.constraints.isolation,
    },
  };
}

/**
 * The cost model's view of what the stacks create for this config: the catalog's pods
 * (with the App Mesh Envoy sidecar), the node group, NAT gateways, the control plane and
 * the shared ALB when a service is public.
 */
export function costInputFromPlatform(config: PlatformCostSource, placement: "requested" | "resolved" = "resolved"): CostInput {
  const group = config.cluster.nodeGroups[packingGroupName(config.cluster.nodeGroups)];
  const services = config.workloads.app.services;
  const input: CostInput = {
    ...(config.platform ? { region: config.platform.region } : {}),
    services: services.map((s) => costService(s, placement)),
    nodeGroup: {
      instanceType: group.instanceTypes[0],
      minSize: group.minSize,
      desiredSize: group.desiredSize,
      maxSize: group.maxSize,
      capacityType: group.capacityType,
      diskGiB: group.diskSizeGiB,
    },
    mesh: { enabled: true },
    controlPlaneSupport: config.cluster.supportType === "EXTENDED" ? "extended" : "standard",
    natGateways: config.network.natGateways === "per-az" ? config.network.azCount : config.network.natGateways === "single" ? 1 : 0,
    albs: services.some((s) => s.public) ? 1 : 0,
    ...meshTlsCost(config),
    ...(config.edge?.waf.enabled && services.some((s) => s.public) ? { waf: { webAcls: 1, rulesPerAcl: WAF_RULES } } : {}),
    autoDefault: "optimize",
  };
  const mesh = config.mesh;
  return mesh?.implementation === "vpc-lattice" && mesh.lattice ? withMesh(input, services, { implementation: mesh.implementation, lattice: mesh.lattice }) : input;
}

/** Rules in the edge's web ACL: the rate limit and three AWS managed rule groups (stacks/constructs/edge/web-acl.ts). */
const WAF_RULES = 4;

/**
 * Mesh TLS with App Mesh: a CA to pay for unless a shared one is named, and one certificate
 * per service version. With VPC Lattice, HTTPS listeners use certificates Lattice manages at
 * no charge, so TLS adds nothing.
 */
function meshTlsCost(config: PlatformCostSource): Pick<CostInput, "privateCas" | "privateCertificates"> {
  const tls = config.mesh?.tls;
  if (!tls || tls.mode !== "strict" || config.mesh?.implementation === "vpc-lattice") return {};
  return {
    privateCas: tls.certificateAuthorityArn === undefined ? 1 : 0,
    privateCertificates: config.workloads.app.services.reduce((n, s) => n + s.versions.length, 0),
  };
}

/**
 * Decides every `auto` service that no constraint pins, by cost: the optimizer's choice
 * with explicit placements held fixed. Returns only the services it decided. Prices are the
 * config's region's (a config without `auto` services needs none).
 */
export function decideAutoPlacements(config: PlatformCostSource, prices?: PriceTable): Record<string, Target> {
  const open = config.workloads.app.services.filter((s) => s.requestedPlacement === "auto");
  if (open.length === 0) return {};
  const input = resolveCostInput(costInputFromPlatform(config, "requested"), "cost input from the platform config");
  const decided = decidePlacement(input, prices ?? pricesFor(input.region), { optimizer: DETERMINISTIC });
  const out: Record<string, Target> = {};
  for (const s of open) {
    const d = decided[s.name];
    if (d === "fargate" || d === "ec2") out[s.name] = d;
  }
  return out;
}

/** The mesh settings the cost model reads. */
export interface MeshCostSource {
  readonly implementation: "appmesh" | "vpc-lattice";
  readonly lattice: { readonly auth: "iam" | "none" };
}

/**
 * One SigV4 signing proxy's requests (stacks/mesh/vpc-lattice/routing.ts signingProxyContainer):
 * with auth "iam", a caller's pods get one per Lattice dependency its env names.
 */
export const SIGNING_PROXY_REQUEST: ContainerRequest = { name: "sigv4-proxy", ...SIGNING_PROXY.request };

/** Signing proxies per pod of each service that gets any (auth "iam"). */
export function signingProxiesPerPod(services: readonly ResolvedService[]): Map<string, number> {
  return new Map(services.map((s) => [s.name, signedDependencies(s, services).length] as const).filter(([, n]) => n > 0));
}

/**
 * The pods as the chosen mesh makes them: App Mesh injects Envoy into every pod; VPC Lattice
 * injects nothing and the platform adds the signing proxy to callers (auth "iam").
 */
export function withMesh(input: CostInput, services: readonly ResolvedService[], mesh: MeshCostSource): CostInput {
  if (mesh.implementation === "appmesh") return { ...input, mesh: { enabled: true } };
  const proxies = mesh.lattice.auth === "iam" ? signingProxiesPerPod(services) : new Map<string, number>();
  return {
    ...input,
    mesh: { enabled: false },
    services: input.services.map((s) => {
      const n = proxies.get(s.name) ?? 0;
      return n ? { ...s, sidecars: [...(s.sidecars ?? []), ...Array.from({ length: n }, () => SIGNING_PROXY_REQUEST)] } : s;
    }),
  };
}

/**
 * What the config must change when the placement engine cannot place its services: the
 * field and a one-line message saying what is wrong and what to do (placement/errors.ts
 * lists the failures).
 */
export function placementRefusal(config: PlatformCostSource & { readonly workloads: { readonly origin: CatalogOrigin } }, failure: PlacementFailure, detail: string): { path: (string | number)[]; message: string } {
  switch (failure.kind) {
    case "unknown-instance-type": {
      const group = packingGroupName(config.cluster.nodeGroups);
      const { gap, instanceType, region } = failure;
      const earlier = gap.kind === "unknown" ? undefined : earlierGeneration(instanceType, region);
      const why = gap.kind === "not-in-region" ? `offered in ${region}` : "sized in the data";
      const use = gap.kind === "unknown" ? "check the spelling" : earlier ? `use ${JSON.stringify(earlier)} (${why})` : `use a type ${why}`;
      return {
        path: ["cluster", "nodeGroups", group, "instanceTypes", 0],
        message: `${describeInstanceGap(instanceType, region, gap)}; the placement engine needs its size and price for the catalog's "auto" services: ${use}, or give every catalog service an explicit placement (ec2 or fargate)`,
      };
    }
    case "region-without-prices":
      return {
        path: ["platform", "region"],
        message: `${describeRegionGap(failure.region)}; the placement engine needs them for the catalog's "auto" services: give every catalog service an explicit placement (ec2 or fargate)`,
      };
    case "fits-nowhere":
    case "cannot-run-there":
      return { path: ["workloads", "catalog"], message: `${catalogLocation(config.workloads.origin, ["services", failure.service])}: ${detail}` };
  }
}

/**
 * Services placed on Fargate (pinned, or decided) whose pod, with its sidecars and the
 * 256 MiB EKS adds for Fargate's own components, is larger than any Fargate size: EKS would
 * leave the pod Pending. Each with the message to show (the field is the catalog).
 */
export function fargateMisfits(config: PlatformCostSource & { readonly workloads: { readonly origin: CatalogOrigin } }): { path: (string | number)[]; message: string }[] {
  let input;
  try {
    input = resolveCostInput(costInputFromPlatform(config, "resolved"), "cost input from the platform config");
  } catch (e) {
    // A cost input the engine refuses is reported by the placement step, on its own field.
    if (e instanceof CostValidationError) return [];
    throw e;
  }
  return input.services.flatMap((svc) => {
    if (svc.placement !== "fargate") return [];
    const demand = podDemand(svc.containers, svc.initContainers, svc.sidecars);
    if (tryFargateSize(demand)) return [];
    return [{
      path: ["workloads", "catalog"],
      message: `${catalogLocation(config.workloads.origin, ["services", svc.name])}: runs on Fargate, but its pod asks ${demand.cpuMillicores}m CPU and ${demand.memoryMiB}Mi with its sidecars, plus the ${FARGATE_COMPONENTS_MIB}Mi EKS adds on Fargate: more than the largest Fargate size (16 vCPU / 120 GB), so the pod would stay Pending. Lower cpu/memory requests, or set placement: "ec2"`,
    }];
  });
}
