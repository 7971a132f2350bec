import { fitsNode, type PodItem } from "./bin-packing";
import { PlacementError } from "./errors";
import { fargateHourly, podDemand, tryFargateSize } from "./fargate-sizing";
import { EC2_ONLY, type ResolvedCostInput, type ResolvedService } from "./input";
import { nodeCapacity, type NodeCapacity } from "./node-capacity";
import { evaluatePlacement, type OptimizeOptions, optimizePlacement, type OptimizeResult, type PlacementEvaluation, type PlacementItem, type PlacementProblem } from "./optimizer";
import { findInstance, gbMonthToHourly, instanceHourly, type PriceTable } from "./prices";
import type { FargateSize, PodDemand, Target } from "./types";

/**
 * Where each service runs: Fargate or an EC2 node, per scenario. Each service is profiled
 * (its pod's size, the Fargate size it rounds to, whether a node can take it, what forces
 * a side), then placed by the scenario's rule, with the undecided ones chosen by the
 * optimizer (placement/optimizer.ts) under the node group's packing. The config resolves
 * `auto` services with decidePlacement; the cost reports (cost/model.ts) price the same
 * scenarios. Failures are PlacementError (placement/errors.ts).
 */

export type ScenarioId = "configured" | "all-ec2" | "all-fargate" | "optimized";


export const SCENARIOS: readonly ScenarioId[] = ["configured", "all-ec2", "all-fargate", "optimized"];


/** What each service is allowed to do, and its sizes. */
export interface ServiceProfile {
  readonly name: string;
  readonly replicas: number;
  readonly demand: PodDemand;
  /** Fargate size of one pod, undefined when too large for Fargate. */
  readonly fargateSize: FargateSize | undefined;
  readonly fargatePodHourly: number | undefined;
  readonly daemonSet: boolean;
  readonly canEc2: boolean;
  readonly canFargate: boolean;
  /** Why a side is excluded, when one is. */
  readonly forcedReason: string | undefined;
  readonly pods: readonly PodItem[];
}

export interface ServicePlacement {
  readonly name: string;
  readonly target: Target | "daemonset";
  readonly replicas: number;
  /** Fargate cost of all its replicas (0 on EC2: nodes carry that cost). */
  readonly hourly: number;
  readonly why: string;
}

/** One scenario's placement. */
export interface ScenarioPlacement {
  readonly services: readonly ServicePlacement[];
  readonly evaluation: PlacementEvaluation;
  /** The optimizer's run, when the scenario left services to decide. */
  readonly optimizer: OptimizeResult | undefined;
}

export interface PlacementOptions {
  readonly optimizer?: OptimizeOptions;
}

export function profileServices(input: ResolvedCostInput, prices: PriceTable): { node: NodeCapacity; profiles: ServiceProfile[] } {
  const ng = input.nodeGroup;
  const spec = findInstance(prices, ng.instanceType);
  const rates = prices.fargate[input.fargateArchitecture];
  const demands = input.services.map((svc) => podDemand(svc.containers, svc.initContainers, svc.sidecars));
  // DaemonSet services load every node, so they join the DaemonSets before capacity is computed.
  const daemonSets = [
    ...input.daemonSets,
    ...input.services
      .map((svc, i) => ({ svc, demand: demands[i]! }))
      .filter(({ svc }) => svc.constraints.daemonSet)
      .map(({ svc, demand }) => ({ name: svc.name, ...demand })),
  ];
  const node = nodeCapacity(ng.instanceType, spec, {
    maxPodsOverride: ng.maxPodsOverride,
    vmMemoryOverheadFraction: ng.vmMemoryOverheadFraction,
    daemonSets,
  });
  let nextId = 0;
  const profiles = input.services.map((svc, i): ServiceProfile => {
    const demand = demands[i]!;
    const daemonSet = svc.constraints.daemonSet;
    const fargateSize = tryFargateSize(demand);
    const ec2Only = EC2_ONLY.find(([key]) => svc.constraints[key]);
    const fits = fitsNode(demand, node.free);
    const canFargate = !daemonSet && ec2Only === undefined && fargateSize !== undefined;
    const canEc2 = !svc.constraints.isolation && (daemonSet || fits);
    let forcedReason: string | undefined;
    if (ec2Only !== undefined) forcedReason = `EC2 only: ${ec2Only[1]}`;
    else if (svc.constraints.isolation) forcedReason = "Fargate only: asks for isolation";
    else if (fargateSize === undefined) forcedReason = "EC2 only: larger than the largest Fargate size";
    else if (!fits) forcedReason = `Fargate only: larger than a ${ng.instanceType} node's free room`;
    if (!canEc2 && !canFargate) {
      throw new PlacementError(
        { kind: "fits-nowhere", service: svc.name },
        `service "${svc.name}" fits nowhere: ${forcedReason}, and its pod (${demand.cpuMillicores}m CPU, ${demand.memoryMiB}Mi) ` +
          `${fits ? "cannot go to Fargate" : `does not fit a ${ng.instanceType} node (${node.free.cpuMillicores}m CPU, ${node.free.memoryMiB}Mi free)`}`,
      );
    }
    const pods = daemonSet
      ? []
      : Array.from({ length: svc.replicas }, () => ({ id: nextId++, cpuMillicores: demand.cpuMillicores, memoryMiB: demand.memoryMiB }));
    return {
      name: svc.name,
      replicas: daemonSet ? 0 : svc.replicas,
      demand,
      fargateSize,
      fargatePodHourly: fargateSize === undefined ? undefined : fargateHourly(fargateSize, rates),
      daemonSet,
      canEc2,
      canFargate,
      forcedReason,
      pods,
    };
  });
  return { node, profiles };
}

export function nodeHourlyOf(input: ResolvedCostInput, prices: PriceTable): number {
  const ng = input.nodeGroup;
  const disk = ng.diskType === "gp3" ? prices.ebs.gp3GbMonth : prices.ebs.gp2GbMonth;
  return (
    instanceHourly(prices, ng.instanceType, ng.capacityType) +
    gbMonthToHourly(prices, disk.value, ng.diskGiB) +
    (ng.publicIp ? prices.publicIpv4.hourly.value : 0)
  );
}

/** Which side a service is on in a scenario, or "decide" for the optimizer. */
type Rule = (svc: ResolvedService, profile: ServiceProfile) => Target | "decide";

function prefer(target: Target, profile: ServiceProfile): Target {
  if (target === "ec2") return profile.canEc2 ? "ec2" : "fargate";
  return profile.canFargate ? "fargate" : "ec2";
}

function placementError(svc: ResolvedService, profile: ServiceProfile): PlacementError {
  const why = (profile.forcedReason ?? "").replace(/^(EC2|Fargate) only: /, "");
  return new PlacementError(
    { kind: "cannot-run-there", service: svc.name },
    `service "${svc.name}" is placed on ${svc.placement} but cannot run there: ${why} ` +
      `(pod ${profile.demand.cpuMillicores}m CPU, ${profile.demand.memoryMiB}Mi)`,
  );
}

function rulesFor(id: ScenarioId, input: ResolvedCostInput): Rule {
  switch (id) {
    case "all-ec2":
      return (_svc, p) => prefer("ec2", p);
    case "all-fargate":
      return (_svc, p) => prefer("fargate", p);
    case "optimized":
      return (_svc, p) => (p.canEc2 && p.canFargate ? "decide" : prefer("ec2", p));
    case "configured":
      return (svc, p) => {
        if (svc.placement === "ec2" || svc.placement === "fargate") {
          const ok = svc.placement === "ec2" ? p.canEc2 : p.canFargate;
          if (!ok) throw placementError(svc, p);
          return svc.placement;
        }
        if (input.autoDefault === "optimize") return p.canEc2 && p.canFargate ? "decide" : prefer("ec2", p);
        return prefer(input.autoDefault, p);
      };
  }
}

function explain(id: ScenarioId, svc: ResolvedService, p: ServiceProfile, target: Target, decided: boolean): string {
  if (p.forcedReason !== undefined && !(p.canEc2 && p.canFargate)) return p.forcedReason;
  if (decided) return "chosen by the optimizer";
  if (id === "configured") return `placement: ${svc.placement}${svc.placement === "auto" ? ` → ${target} (autoDefault)` : ""}`;
  if (id === "all-ec2") return "all-EC2 scenario";
  if (id === "all-fargate") return "all-Fargate scenario";
  return "chosen by the optimizer";
}

/**
 * One scenario's placement: every service's side (explicit, forced, or chosen by the
 * optimizer under the scenario's rule) and the nodes the EC2 pods need. Scenarios that pose
 * the same problem share one optimizer run through `cache`.
 */
export function placeScenario(
  id: ScenarioId,
  input: ResolvedCostInput,
  node: NodeCapacity,
  nodeHourly: number,
  profiles: readonly ServiceProfile[],
  options: PlacementOptions,
  cache: Map<string, OptimizeResult>,
): ScenarioPlacement {
  const ng = input.nodeGroup;
  const rule = rulesFor(id, input);
  const chosen: (Target | "decide" | "daemonset")[] = input.services.map((svc, i) =>
    profiles[i]!.daemonSet ? "daemonset" : rule(svc, profiles[i]!),
  );
  const decidable = profiles.filter((_, i) => chosen[i] === "decide");
  const problem: PlacementProblem = {
    items: decidable.map((p): PlacementItem => ({ name: p.name, fargateHourly: p.fargatePodHourly! * p.replicas, pods: p.pods })),
    fixedEc2Pods: profiles.filter((_, i) => chosen[i] === "ec2").flatMap((p) => p.pods),
    node: node.free,
    nodeHourly,
    minNodes: ng.minSize,
  };
  // Scenarios that pose the same problem (configured with every service auto, and optimized) share one run.
  const key = JSON.stringify(chosen);
  let optimizer = cache.get(key);
  if (optimizer === undefined && decidable.length > 0) {
    optimizer = optimizePlacement(problem, options.optimizer);
    cache.set(key, optimizer);
  }
  const evaluation = optimizer ?? evaluatePlacement(problem, []);
  const decision = new Map(decidable.map((p, k) => [p.name, evaluation.ec2[k] ? ("ec2" as const) : ("fargate" as const)]));

  const services = input.services.map((svc, i): ServicePlacement => {
    const p = profiles[i]!;
    const c = chosen[i]!;
    if (c === "daemonset") return { name: svc.name, target: "daemonset", replicas: 0, hourly: 0, why: "DaemonSet: one pod on every node" };
    const target = c === "decide" ? decision.get(svc.name)! : c;
    const hourly = target === "fargate" ? p.fargatePodHourly! * p.replicas : 0;
    return { name: svc.name, target, replicas: p.replicas, hourly, why: explain(id, svc, p, target, c === "decide") };
  });
  return { services, evaluation, optimizer };
}

/**
 * Placement the stacks should deploy: the configured scenario's choice for every service
 * (explicit placements kept, `auto` resolved per autoDefault). Throws PlacementError when
 * the input cannot be placed (placement/errors.ts says how each failure is told).
 */
export function decidePlacement(input: ResolvedCostInput, prices: PriceTable, options: PlacementOptions = {}): Record<string, Target | "daemonset"> {
  checkRegion(input, prices);
  const { node, profiles } = profileServices(input, prices);
  const placed = placeScenario("configured", input, node, nodeHourlyOf(input, prices), profiles, options, new Map());
  return Object.fromEntries(placed.services.map((s) => [s.name, s.target]));
}

/** The price table must be the input's region's. */
export function checkRegion(input: ResolvedCostInput, prices: PriceTable): void {
  if (input.region !== prices.region) {
    throw new PlacementError({ kind: "region-without-prices", region: input.region }, `the input is for ${input.region} but the price table is for ${prices.region}; pass a price file for ${input.region}`);
  }
}
