import { fitsNode, type PodItem } from "../placement/bin-packing";
import { fargateHourly, podDemand, tryFargateSize } from "../placement/fargate-sizing";
import { EC2_ONLY, type ResolvedCostInput, type ResolvedService } from "../placement/input";
import { nodeCapacity, type NodeCapacity } from "../placement/node-capacity";
import {
  evaluatePlacement,
  optimizePlacement,
  type OptimizeOptions,
  type OptimizeResult,
  type PlacementItem,
  type PlacementProblem,
} from "../placement/optimizer";
import { findInstance, gbMonthToHourly, instanceHourly, type PriceFigure, type PriceTable } from "../placement/prices";
import type { FargateSize, PodDemand, Target } from "../placement/types";
import { money, round } from "./format";

/**
 * The cost of what the stacks create, per hour and per month, in four
 * scenarios. Fixed hourly charges are summed; usage-priced ones (data
 * processed, LCUs, requests, log ingestion) are listed with their unit price
 * and left out of the totals unless the input states a figure for them.
 */

export type ScenarioId = "configured" | "all-ec2" | "all-fargate" | "optimized";

export const SCENARIO_TITLES: Readonly<Record<ScenarioId, string>> = {
  configured: "Configured placement",
  "all-ec2": "All on EC2",
  "all-fargate": "All on Fargate",
  optimized: "Optimized placement",
};

/** Line categories, used to stack the chart's bars. */
export type LineKind = "control-plane" | "network" | "ec2" | "fargate" | "data";

export interface LineItem {
  readonly kind: LineKind;
  readonly component: string;
  readonly detail: string;
  readonly hourly: number;
  readonly monthly: number;
}

export interface UsagePrice {
  readonly component: string;
  readonly price: PriceFigure;
}

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

export interface ScenarioCost {
  readonly id: ScenarioId;
  readonly title: string;
  readonly services: readonly ServicePlacement[];
  /** Nodes the EC2 pods need under the packing model. */
  readonly nodesNeeded: number;
  /** Nodes paid: max(minSize, needed). */
  readonly nodes: number;
  readonly fargatePods: number;
  readonly lines: readonly LineItem[];
  readonly hourly: number;
  readonly monthly: number;
  readonly notes: readonly string[];
  readonly optimizer: OptimizeResult | undefined;
}

export interface CostReport {
  readonly input: ResolvedCostInput;
  readonly prices: PriceTable;
  readonly node: NodeCapacity;
  /** Instance + root volume (+ public IP) per node per hour. */
  readonly nodeHourly: number;
  readonly profiles: readonly ServiceProfile[];
  readonly scenarios: readonly ScenarioCost[];
  readonly usagePriced: readonly UsagePrice[];
}

export interface CostModelOptions {
  readonly optimizer?: OptimizeOptions;
}

function profileServices(input: ResolvedCostInput, prices: PriceTable): { node: NodeCapacity; profiles: ServiceProfile[] } {
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
      throw new Error(
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

function nodeHourlyOf(input: ResolvedCostInput, prices: PriceTable): number {
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

function placementError(svc: ResolvedService, profile: ServiceProfile): Error {
  const why = (profile.forcedReason ?? "").replace(/^(EC2|Fargate) only: /, "");
  return new Error(
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

function line(prices: PriceTable, kind: LineKind, component: string, detail: string, hourly: number): LineItem {
  return { kind, component, detail, hourly, monthly: hourly * prices.hoursPerMonth };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function costScenario(
  id: ScenarioId,
  input: ResolvedCostInput,
  prices: PriceTable,
  node: NodeCapacity,
  nodeHourly: number,
  profiles: readonly ServiceProfile[],
  options: CostModelOptions,
  cache: Map<string, OptimizeResult>,
): ScenarioCost {
  const rule = rulesFor(id, input);
  const ng = input.nodeGroup;
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

  const nodes = evaluation.nodes;
  const fargatePods = services.filter((s) => s.target === "fargate").reduce((t, s) => t + s.replicas, 0);
  const fargateServices = services.filter((s) => s.target === "fargate").length;
  const fargateHourlyTotal = services.reduce((t, s) => t + s.hourly, 0);
  const ipCount = input.natGateways + input.albs * input.albAzCount + (ng.publicIp ? nodes : 0);
  const disk = ng.diskType === "gp3" ? prices.ebs.gp3GbMonth : prices.ebs.gp2GbMonth;
  const support = input.controlPlaneSupport === "standard" ? prices.eks.standardSupportHourly : prices.eks.extendedSupportHourly;
  const capacity = ng.capacityType === "ON_DEMAND" ? "on-demand" : "spot";

  const lines: LineItem[] = [
    line(prices, "control-plane", "EKS control plane", `${input.controlPlanes} × ${input.controlPlaneSupport} support`, input.controlPlanes * support.value),
    line(prices, "network", "NAT gateways (hourly part)", `${input.natGateways} × ${prices.natGateway.hourly.value}/h`, input.natGateways * prices.natGateway.hourly.value),
    line(prices, "network", "ALB (hourly part)", `${input.albs} × ${prices.alb.hourly.value}/h`, input.albs * prices.alb.hourly.value),
    line(
      prices,
      "network",
      "Public IPv4 addresses",
      `${ipCount} (${input.natGateways} NAT, ${input.albs * input.albAzCount} ALB${ng.publicIp ? `, ${nodes} node` : ""})`,
      ipCount * prices.publicIpv4.hourly.value,
    ),
    line(
      prices,
      "ec2",
      "EC2 nodes",
      `${nodes} × ${ng.instanceType} ${capacity} (needed ${evaluation.nodesNeeded}, min ${ng.minSize})`,
      nodes * instanceHourly(prices, ng.instanceType, ng.capacityType),
    ),
    line(prices, "ec2", "EBS root volumes", `${nodes} × ${ng.diskGiB} GiB ${ng.diskType}`, nodes * gbMonthToHourly(prices, disk.value, ng.diskGiB)),
    line(prices, "fargate", "Fargate pods", `${plural(fargatePods, "pod")} of ${plural(fargateServices, "service")}`, fargateHourlyTotal),
  ];
  if (input.logs !== undefined) {
    const days = prices.hoursPerMonth / 24;
    const stored = (input.logs.ingestGiBPerMonth * input.logs.retentionDays) / days;
    lines.push(
      line(prices, "data", "CloudWatch Logs ingestion", `${input.logs.ingestGiBPerMonth} GiB/month (your estimate)`, (input.logs.ingestGiBPerMonth * prices.cloudwatchLogs.ingestPerGb.value) / prices.hoursPerMonth),
      line(prices, "data", "CloudWatch Logs storage", `${round(stored, 2)} GiB kept (${input.logs.retentionDays} d retention)`, gbMonthToHourly(prices, prices.cloudwatchLogs.storageGbMonth.value, stored)),
    );
  }
  if (input.dynamodb !== undefined) {
    const billable = Math.max(0, input.dynamodb.storageGiB - prices.dynamodb.freeStorageGb.value);
    lines.push(
      line(
        prices,
        "data",
        "DynamoDB storage",
        `${input.dynamodb.storageGiB} GiB in ${plural(input.dynamodb.tables, "table")}, ${prices.dynamodb.freeStorageGb.value} GB free`,
        gbMonthToHourly(prices, prices.dynamodb.storageGbMonth.value, billable),
      ),
    );
  }
  if (input.privateCas > 0) {
    const ca = prices.privateCa.generalPurposeMonthly.value;
    lines.push(line(prices, "network", "AWS Private CA (mesh TLS)", `${input.privateCas} × general-purpose mode, ${ca}/month`, (input.privateCas * ca) / prices.hoursPerMonth));
  }
  if (input.waf !== undefined && input.waf.webAcls > 0) {
    const { webAcls, rulesPerAcl } = input.waf;
    const monthly = webAcls * (prices.waf.webAclMonthly.value + rulesPerAcl * prices.waf.ruleMonthly.value);
    lines.push(line(prices, "network", "AWS WAF (web ACL and rules)", `${webAcls} × (1 ACL + ${rulesPerAcl} rules)`, monthly / prices.hoursPerMonth));
  }
  const hourly = lines.reduce((t, l) => t + l.hourly, 0);

  const notes: string[] = [];
  if (id === "configured" && ng.desiredSize < evaluation.nodesNeeded) {
    notes.push(`desiredSize ${ng.desiredSize} is below the ${evaluation.nodesNeeded} nodes the EC2 pods need: pods stay Pending unless an autoscaler adds nodes`);
  }
  if (id === "configured" && ng.desiredSize > nodes) {
    notes.push(
      `desiredSize ${ng.desiredSize} is above the ${nodes} node(s) needed: until scaled in, the extra ${ng.desiredSize - nodes} cost ${money((ng.desiredSize - nodes) * nodeHourly, 4)}/h more than shown`,
    );
  }
  if (ng.maxSize !== undefined && nodes > ng.maxSize) notes.push(`needs ${nodes} nodes, more than nodeGroup.maxSize (${ng.maxSize})`);
  if (optimizer !== undefined) {
    notes.push(
      optimizer.provenOptimal
        ? `optimizer: optimal under the FFD packing model (branch and bound, ${optimizer.evaluations} evaluations)`
        : `optimizer: best found ${money(optimizer.hourly, 4)}/h for the decided part, lower bound ${money(optimizer.lowerBound, 4)}/h (gap ≤ ${round((100 * (optimizer.hourly - optimizer.lowerBound)) / optimizer.hourly, 2)}%)`,
    );
  }
  return {
    id,
    title: SCENARIO_TITLES[id],
    services,
    nodesNeeded: evaluation.nodesNeeded,
    nodes,
    fargatePods,
    lines,
    hourly,
    monthly: hourly * prices.hoursPerMonth,
    notes,
    optimizer,
  };
}

function usagePriced(prices: PriceTable): UsagePrice[] {
  return [
    { component: "NAT gateway data processed", price: prices.natGateway.dataProcessedPerGb },
    { component: "ALB capacity units (LCU)", price: prices.alb.lcuHourly },
    { component: "Data transfer out to the internet", price: prices.dataTransfer.internetOutPerGb },
    { component: "CloudWatch Logs ingestion", price: prices.cloudwatchLogs.ingestPerGb },
    { component: "DynamoDB writes (on-demand)", price: prices.dynamodb.writeRequestsPerMillion },
    { component: "DynamoDB reads (on-demand)", price: prices.dynamodb.readRequestsPerMillion },
    { component: "Fargate ephemeral storage above 20 GB", price: prices.fargate.ephemeralStorageGbHourly },
    { component: "AWS WAF requests inspected (when edge.waf is on)", price: prices.waf.requestsPerMillion },
    { component: "ACM private certificates, once each (mesh TLS)", price: prices.privateCa.certificateEach },
  ];
}

export const SCENARIOS: readonly ScenarioId[] = ["configured", "all-ec2", "all-fargate", "optimized"];

/** Costs every scenario for a resolved input. */
export function buildCostReport(input: ResolvedCostInput, prices: PriceTable, options: CostModelOptions = {}): CostReport {
  if (input.region !== prices.region) {
    throw new Error(`the input is for ${input.region} but the price table is for ${prices.region}; pass a price file for ${input.region}`);
  }
  const { node, profiles } = profileServices(input, prices);
  const nodeHourly = nodeHourlyOf(input, prices);
  const cache = new Map<string, OptimizeResult>();
  const scenarios = SCENARIOS.map((id) => costScenario(id, input, prices, node, nodeHourly, profiles, options, cache));
  const notes: string[] = [];
  if (input.fargateArchitecture === "arm64") notes.push("EKS Fargate runs x86_64 pods only; the arm64 rates are ECS's and shown for comparison");
  if (input.privateCertificates > 0) {
    const each = prices.privateCa.certificateEach.value;
    notes.push(`mesh TLS also issues ${input.privateCertificates} ACM private certificates, charged once each when first exported: ${input.privateCertificates} × ${each} = ${(input.privateCertificates * each).toFixed(2)} USD, not in the monthly total`);
  }
  return { input, prices, node, nodeHourly, profiles, scenarios: scenarios.map((s) => ({ ...s, notes: [...notes, ...s.notes] })), usagePriced: usagePriced(prices) };
}

/**
 * Placement the stacks should deploy: the configured scenario's choice for
 * every service (explicit placements kept, `auto` resolved per autoDefault).
 */
export function decidePlacement(input: ResolvedCostInput, prices: PriceTable, options: CostModelOptions = {}): Record<string, Target | "daemonset"> {
  const configured = buildCostReport(input, prices, options).scenarios.find((s) => s.id === "configured")!;
  return Object.fromEntries(configured.services.map((s) => [s.name, s.target]));
}
