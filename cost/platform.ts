import type { ResolvedCatalog, ResolvedService } from "../apps/catalog";
import type { NodeGroupSettings } from "../config/schema/cluster";
import type { CostInput, CostService, Target } from "../placement/types";
import { resolveCostInput } from "../placement/input";
import { type MeshCostSource, withMesh } from "./mesh";
import { decidePlacement } from "./model";
import { DEFAULT_PRICES } from "../placement/prices";
import type { PriceTable } from "../placement/prices";

/** The parts of the resolved platform config the cost model reads. */
export interface PlatformCostSource {
  readonly network: { readonly natGateways: "single" | "per-az" | "none"; readonly azCount: number };
  readonly cluster: { readonly nodeGroups: Record<string, NodeGroupSettings>; readonly supportType?: string };
  readonly workloads: { readonly app: ResolvedCatalog };
  /**
   * The mesh section: its `implementation` and `lattice.auth` decide the pods' sidecars
   * (App Mesh's Envoy, Lattice's signing proxy); mesh TLS has a price. Absent in older
   * callers: App Mesh, TLS off.
   */
  readonly mesh?: {
    readonly implementation?: MeshCostSource["implementation"];
    readonly lattice?: MeshCostSource["lattice"];
    readonly tls?: { readonly mode?: "off" | "strict"; readonly certificateAuthorityArn?: string };
    readonly [other: string]: unknown;
  };
  readonly edge?: { readonly waf: { readonly enabled: boolean } };
}

/**
 * Synthesis must give the same placement on every machine, so the optimizer never runs
 * against a clock here: exact search up to 16 undecided services, heuristic plus bound
 * beyond that (cost/optimizer.ts), with no time-limited search in between.
 */
const DETERMINISTIC = { exactUpTo: 16, searchUpTo: 16 } as const;

/** The node group the pods are packed on: the first (by name) that takes ordinary pods. */
function packingGroup(groups: Record<string, NodeGroupSettings>): NodeGroupSettings {
  const names = Object.keys(groups).sort();
  const untainted = names.find((n) => groups[n].taints.every((t) => t.effect === "PREFER_NO_SCHEDULE"));
  return groups[untainted ?? names[0]];
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
  const group = packingGroup(config.cluster.nodeGroups);
  const services = config.workloads.app.services;
  const input: CostInput = {
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
  return mesh?.implementation && mesh.lattice ? withMesh(input, services, { implementation: mesh.implementation, lattice: mesh.lattice }) : input;
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
 * with explicit placements held fixed. Returns only the services it decided.
 */
export function decideAutoPlacements(config: PlatformCostSource, prices: PriceTable = DEFAULT_PRICES): Record<string, Target> {
  const open = config.workloads.app.services.filter((s) => s.requestedPlacement === "auto");
  if (open.length === 0) return {};
  const input = resolveCostInput(costInputFromPlatform(config, "requested"), "cost input from the platform config");
  const decided = decidePlacement(input, prices, { optimizer: DETERMINISTIC });
  const out: Record<string, Target> = {};
  for (const s of open) {
    const d = decided[s.name];
    if (d === "fargate" || d === "ec2") out[s.name] = d;
  }
  return out;
}
