import type { ResolvedService } from "../apps/catalog";
import { carriedByLattice, signedDependencies } from "../config/schema/lattice";
import { money } from "./format";
import { resolveCostInput } from "../placement/input";
import { buildCostReport, type CostModelOptions, type ScenarioCost } from "./model";
import type { PriceTable } from "../placement/prices";
import { MESH_PRICES_US_EAST_1, type MeshPriceTable } from "./prices/vpc-lattice-us-east-1";
import { formatRow } from "./table";
import type { ContainerRequest, CostInput } from "../placement/types";

/** The mesh settings the cost model reads. */
export interface MeshCostSource {
  readonly implementation: "appmesh" | "vpc-lattice";
  readonly lattice: { readonly auth: "iam" | "none" };
}

/**
 * One SigV4 signing proxy's requests (stacks/routing/vpc-lattice.ts signingProxyContainer):
 * with auth "iam", a caller's pods get one per Lattice dependency its env names.
 */
export const SIGNING_PROXY_REQUEST: ContainerRequest = { name: "sigv4-proxy", cpuMillicores: 25, memoryMiB: 32 };

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

export interface MeshCost {
  readonly implementation: MeshCostSource["implementation"];
  /** The configured scenario with this mesh's pods. */
  readonly platform: ScenarioCost;
  /** The mesh's own fixed charge per hour (App Mesh: 0; Lattice: services × service-hour). */
  readonly meshHourly: number;
  readonly hourly: number;
  readonly monthly: number;
}

export interface MeshComparison {
  readonly configured: MeshCostSource["implementation"];
  readonly carried: readonly string[];
  readonly notCarried: readonly string[];
  /** Signing proxies per pod, by service (auth "iam"). */
  readonly signingProxies: Readonly<Record<string, number>>;
  readonly appmesh: MeshCost;
  readonly lattice: MeshCost;
  readonly prices: MeshPriceTable;
}

/**
 * App Mesh vs VPC Lattice for one catalog: the configured placement's platform cost with
 * each mesh's pods (Envoy everywhere, or the signing proxy on callers), plus Lattice's
 * per-service hours. Lattice's per-GB and per-request charges depend on traffic and are
 * listed, not guessed.
 */
export function compareMeshes(
  base: CostInput,
  services: readonly ResolvedService[],
  mesh: MeshCostSource,
  prices: PriceTable,
  meshPrices: MeshPriceTable = MESH_PRICES_US_EAST_1,
  options: CostModelOptions = {},
): MeshComparison {
  const carried = services.filter(carriedByLattice).map((s) => s.name);
  const cost = (implementation: MeshCostSource["implementation"], meshHourly: number): MeshCost => {
    const input = resolveCostInput(withMesh(base, services, { ...mesh, implementation }), `cost input with ${implementation}`);
    const platform = buildCostReport(input, prices, options).scenarios.find((s) => s.id === "configured")!;
    const hourly = platform.hourly + meshHourly;
    return { implementation, platform, meshHourly, hourly, monthly: hourly * prices.hoursPerMonth };
  };
  return {
    configured: mesh.implementation,
    carried,
    notCarried: services.filter((s) => !carriedByLattice(s)).map((s) => s.name),
    signingProxies: Object.fromEntries(mesh.lattice.auth === "iam" ? signingProxiesPerPod(services) : []),
    appmesh: cost("appmesh", meshPrices.appMesh.value),
    lattice: cost("vpc-lattice", carried.length * meshPrices.lattice.serviceHourly.value),
    prices: meshPrices,
  };
}

function proxyDetail(proxies: Readonly<Record<string, number>>): string {
  const callers = Object.keys(proxies).length;
  const total = Object.values(proxies).reduce((a, b) => a + b, 0);
  return callers ? `no Envoy; ${total} SigV4 prox${total === 1 ? "y" : "ies"} per pod of ${callers} caller(s)` : "no Envoy, no sidecar";
}

/** Plain-text table of the comparison, in the report's columns. */
export function formatMeshComparison(c: MeshComparison, hoursPerMonth: number): string {
  const l = c.prices.lattice;
  const row = (component: string, detail: string, hourly: number) => formatRow(component, detail, hourly.toFixed(4), (hourly * hoursPerMonth).toFixed(2));
  const out = [
    `== Mesh: AWS App Mesh vs Amazon VPC Lattice, configured placement (this config uses ${c.configured}) ==`,
    formatRow("Component", "Detail", "$/hour", "$/month"),
    row("App Mesh: platform", "Envoy sidecar in every pod", c.appmesh.platform.hourly),
    row("App Mesh: the mesh", "no charge of its own (discontinued 2026-09-30)", c.appmesh.meshHourly),
    row("App Mesh total", "", c.appmesh.hourly),
    row("Lattice: platform", proxyDetail(c.signingProxies), c.lattice.platform.hourly),
    row("Lattice: services", `${c.carried.length} × ${money(l.serviceHourly.value, 3)}/service-hour`, c.lattice.meshHourly),
    row("Lattice total", "", c.lattice.hourly),
    row("Lattice − App Mesh", "before traffic charges", c.lattice.hourly - c.appmesh.hourly),
    `  Lattice traffic, not in the totals: ${money(l.perGbProcessed.value, 3)} per GB processed, ${money(l.perMillionRequests.value, 2)} per million requests beyond ${l.freeRequestsPerHour.toLocaleString("en-US")} per hour.`,
  ];
  if (c.notCarried.length) out.push(`  Not carried by Lattice (plain Kubernetes Services, no Lattice charge): ${c.notCarried.join(", ")}.`);
  out.push(`  Mesh prices: ${c.prices.region}, taken ${c.prices.takenOn} (${l.serviceHourly.source}).`);
  return `${out.join("\n")}\n`;
}
