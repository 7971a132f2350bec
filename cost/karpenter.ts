import { DEFAULT_CATEGORIES, KNOWN_INSTANCE_FAMILIES, type KarpenterSettings, type NodePoolSettings } from "../config/schema/autoscaling";
import { COMPUTE_LABEL } from "../config/schema/cluster";
import { poolSatisfies } from "../config/schema/node-pool-scheduling";
import { KARPENTER_CONTROLLER_REQUESTS } from "../facts/karpenter";
import { ffdOrder, firstFitDecreasing, type PodItem } from "../placement/bin-packing";
import { money } from "./format";
import type { CostReport, ScenarioCost, ScenarioId } from "./model";
import { nodeCapacity, type NodeShape } from "../placement/node-capacity";
import { gbMonthToHourly, instanceHourly, type PriceTable } from "../placement/prices";

/**
 * What Karpenter would cost next to the fixed node group, for the same EC2 pods.
 *
 * Fixed node group (`cluster.autoscaling: "none"`): nothing scales the group, so it runs
 * its desiredSize nodes, or what the pods need if that is more (then they are Pending
 * until someone raises it; priced as if raised, to compare like for like).
 *
 * Karpenter: the managed group keeps its desiredSize nodes (CoreDNS, the add-ons and the
 * controller live there; each controller replica's requests come off its node's room); the
 * EC2 pods fill their free room first, as the scheduler does,
 * and the rest land on the default NodePool's nodes. For that pool, every instance type of
 * the price table that the pool allows (families or categories, architectures) is tried,
 * the pods are packed first-fit-decreasing onto it, and the cheapest is kept: a
 * single-type simplification of Karpenter, which may also mix types. Spot pools are priced
 * at the table's spot figure (a per-instance `spotHourly`, else the stated discount).
 */

export interface PoolChoice {
  readonly pool: string;
  readonly instanceType: string;
  readonly capacity: "on-demand" | "spot";
  readonly nodes: number;
  readonly hourly: number;
  /** Nodes the pool's limits allow, when fewer than needed. */
  readonly cappedAt?: number;
}

export interface KarpenterComparison {
  readonly scenario: ScenarioId;
  readonly ec2Pods: number;
  readonly fixed: { readonly nodes: number; readonly hourly: number };
  readonly karpenter: { readonly managedNodes: number; readonly managedHourly: number; readonly pool?: PoolChoice; readonly hourly: number };
  readonly notes: readonly string[];
}

/** The pool EC2 pods without a special selector land on: the first (by name) whose nodes carry the compute label and that has no hard taint. */
export function defaultPool(settings: Pick<KarpenterSettings, "nodePools">): [string, NodePoolSettings] | undefined {
  return Object.entries(settings.nodePools)
    .sort(([a], [b]) => a.localeCompare(b))
    .find(([name, pool]) => poolSatisfies(name, pool, { [COMPUTE_LABEL]: "ec2" }) && pool.taints.every((t) => t.effect === "PREFER_NO_SCHEDULE"));
}

/** Instance types of the price table a pool may launch. */
export function poolInstanceTypes(pool: NodePoolSettings, prices: PriceTable): string[] {
  const categories = pool.instanceCategories ?? DEFAULT_CATEGORIES;
  const arch = { amd64: "x86_64", arm64: "arm64" } as const;
  return Object.entries(prices.ec2.instances)
    .filter(([type, spec]) => {
      const family = type.split(".")[0]!;
      const known = KNOWN_INSTANCE_FAMILIES[family];
      if (!known) return false;
      const allowed = pool.instanceFamilies ? pool.instanceFamilies.includes(family) : categories.includes(known.category);
      return allowed && pool.architectures.some((a) => arch[a] === spec.architecture);
    })
    .map(([type]) => type)
    .sort();
}

/** Fills nodes with the given free room first-fit-decreasing; returns the pods that did not fit. */
function fillNodes(pods: readonly PodItem[], node: NodeShape, free: readonly NodeShape[]): PodItem[] {
  const room = free.map((f) => ({ ...f }));
  const left: PodItem[] = [];
  for (const pod of ffdOrder(pods, node)) {
    const bin = room.find((r) => r.cpuMillicores >= pod.cpuMillicores && r.memoryMiB >= pod.memoryMiB && r.podSlots >= 1);
    if (!bin) {
      left.push(pod);
      continue;
    }
    bin.cpuMillicores -= pod.cpuMillicores;
    bin.memoryMiB -= pod.memoryMiB;
    bin.podSlots -= 1;
  }
  return left;
}

function cheapestPool(name: string, pool: NodePoolSettings, pods: readonly PodItem[], report: CostReport, diskGiB: number): PoolChoice | undefined {
  const { prices, input } = report;
  const spot = pool.capacityTypes.includes("spot");
  const disk = gbMonthToHourly(prices, prices.ebs.gp3GbMonth.value, diskGiB);
  let best: PoolChoice | undefined;
  for (const type of poolInstanceTypes(pool, prices)) {
    const spec = prices.ec2.instances[type]!;
    let free: NodeShape;
    try {
      free = nodeCapacity(type, spec, { daemonSets: input.daemonSets }).free;
    } catch {
      continue; // no room after the DaemonSets
    }
    if (pods.some((p) => p.cpuMillicores > free.cpuMillicores || p.memoryMiB > free.memoryMiB)) continue;
    const nodes = firstFitDecreasing(pods, free).nodes;
    const nodeHourly = instanceHourly(prices, type, spot ? "SPOT" : "ON_DEMAND") + disk;
    const byLimits = Math.min(Math.floor(pool.limits.cpu / spec.vcpu), Math.floor((pool.limits.memoryGiB * 1024) / spec.memoryMiB));
    const choice: PoolChoice = { pool: name, instanceType: type, capacity: spot ? "spot" : "on-demand", nodes, hourly: nodes * nodeHourly, ...(byLimits < nodes ? { cappedAt: byLimits } : {}) };
    if (!best || choice.hourly < best.hourly - 1e-12) best = choice;
  }
  return best;
}

/** Compares the fixed node group with Karpenter for one scenario's EC2 pods. */
export function compareScenario(report: CostReport, scenario: ScenarioCost, settings: KarpenterSettings): KarpenterComparison {
  const { input, node, nodeHourly } = report;
  const ng = input.nodeGroup;
  const onEc2 = new Set(scenario.services.filter((s) => s.target === "ec2").map((s) => s.name));
  const pods = report.profiles.filter((p) => onEc2.has(p.name)).flatMap((p) => p.pods);
  const notes: string[] = [];

  const fixedNodes = Math.max(ng.desiredSize, scenario.nodesNeeded, ng.minSize);
  if (scenario.nodesNeeded > ng.desiredSize) notes.push(`the fixed group starts with ${ng.desiredSize} nodes; its EC2 pods need ${scenario.nodesNeeded}, so without an autoscaler ${scenario.nodesNeeded - ng.desiredSize} node(s) of pods stay Pending (priced here as if the group were raised)`);

  const managedNodes = Math.max(ng.desiredSize, ng.minSize);
  // One controller replica per managed node takes its requests out of that node's room.
  const withController = (i: number): NodeShape =>
    i < settings.controllerReplicas
      ? { cpuMillicores: node.free.cpuMillicores - KARPENTER_CONTROLLER_REQUESTS.cpuMillicores, memoryMiB: node.free.memoryMiB - KARPENTER_CONTROLLER_REQUESTS.memoryMiB, podSlots: node.free.podSlots - 1 }
      : node.free;
  const overflow = fillNodes(pods, node.free, Array.from({ length: managedNodes }, (_, i) => withController(i)));
  const found = defaultPool(settings);
  let pool: PoolChoice | undefined;
  if (overflow.length > 0) {
    if (!found) notes.push("no NodePool takes ordinary EC2 pods (every pool is tainted or lacks the compute label); the overflow stays Pending");
    else {
      pool = cheapestPool(found[0], found[1], overflow, report, settings.diskSizeGiB);
      if (!pool) notes.push(`no instance type of the price table fits NodePool "${found[0]}" and its largest pod; add its types to your price file`);
      else if (pool.cappedAt !== undefined) notes.push(`NodePool "${pool.pool}" limits allow ${pool.cappedAt} ${pool.instanceType} node(s); ${pool.nodes} are needed, so pods stay Pending until the limits are raised`);
    }
  }
  const managedHourly = managedNodes * nodeHourly;
  return {
    scenario: scenario.id,
    ec2Pods: pods.length,
    fixed: { nodes: fixedNodes, hourly: fixedNodes * nodeHourly },
    karpenter: { managedNodes, managedHourly, pool, hourly: managedHourly + (pool?.hourly ?? 0) },
    notes,
  };
}

/** The configured placement and all-on-EC2, where the difference shows. */
export function compareKarpenter(report: CostReport, settings: KarpenterSettings): KarpenterComparison[] {
  return report.scenarios.filter((s) => s.id === "configured" || s.id === "all-ec2").map((s) => compareScenario(report, s, settings));
}

/** Plain-text section appended to `npm run cost`. */
export function formatKarpenterComparison(report: CostReport, comparisons: readonly KarpenterComparison[], mode: "none" | "karpenter"): string {
  const { prices, input } = report;
  const ng = input.nodeGroup;
  const hours = prices.hoursPerMonth;
  const row = (label: string, detail: string, hourly: number) => `${label.padEnd(22)}${detail.padEnd(72)}${hourly.toFixed(4).padStart(10)}${(hourly * hours).toFixed(2).padStart(11)}`;
  const out = [`== EC2 capacity: fixed node group vs Karpenter (configured: cluster.autoscaling "${mode}") ==`];
  const capacity = ng.capacityType === "ON_DEMAND" ? "on-demand" : "spot";
  for (const c of comparisons) {
    out.push(`-- ${c.scenario} placement: ${c.ec2Pods} EC2 pod(s) --`);
    out.push(row("Fixed node group", `${c.fixed.nodes} × ${ng.instanceType} ${capacity} (+ root volumes)`, c.fixed.hourly));
    const pool = c.karpenter.pool;
    const poolText = pool ? ` + ${pool.nodes} × ${pool.instanceType} ${pool.capacity} (NodePool ${pool.pool})` : " + no pool nodes (the pods fit the managed nodes)";
    out.push(row("Karpenter", `${c.karpenter.managedNodes} × ${ng.instanceType} managed${poolText}`, c.karpenter.hourly));
    const delta = c.karpenter.hourly - c.fixed.hourly;
    out.push(`${"Difference".padEnd(22)}${(delta > 0.00005 ? "Karpenter costs more" : delta < -0.00005 ? "Karpenter saves" : "the same").padEnd(72)}${money(Math.abs(delta), 4).padStart(10)}${money(Math.abs(delta) * hours, 2).padStart(11)}`);
    for (const note of c.notes) out.push(`  Note: ${note}`);
  }
  const discount = prices.ec2.spotDiscountFraction;
  out.push(
    `Spot is priced at ${Math.round(discount.value * 100)}% off on-demand unless an instance has its own spotHourly (${discount.source}, price table taken ${prices.takenOn}; ${discount.note ?? "a planning figure"}).`,
  );
  out.push(
    `Karpenter is modelled with one instance type per pool (the cheapest that fits); it may mix types and consolidate further. Its controller (${KARPENTER_CONTROLLER_REQUESTS.cpuMillicores}m / ${KARPENTER_CONTROLLER_REQUESTS.memoryMiB}Mi per replica) takes room on the managed nodes.`,
  );
  return out.join("\n") + "\n";
}
