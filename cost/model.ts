import { checkRegion, nodeHourlyOf, placeScenario, type PlacementOptions, profileServices, type ScenarioId, SCENARIOS, type ServicePlacement, type ServiceProfile } from "../placement/decide";
import type { ResolvedCostInput } from "../placement/input";
import type { NodeCapacity } from "../placement/node-capacity";
import type { OptimizeResult } from "../placement/optimizer";
import { gbMonthToHourly, instanceHourly, type PriceFigure, type PriceTable } from "../placement/prices";
import { money, round } from "./format";

/**
 * The cost of what the stacks create, per hour and per month, in four
 * scenarios. Fixed hourly charges are summed; usage-priced ones (data
 * processed, LCUs, requests, log ingestion) are listed with their unit price
 * and left out of the totals unless the input states a figure for them.
 * Where each service runs in each scenario is the placement engine's
 * (placement/decide.ts); this file prices it.
 */


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
  options: PlacementOptions,
  cache: Map<string, OptimizeResult>,
): ScenarioCost {
  const ng = input.nodeGroup;
  const { services, evaluation, optimizer } = placeScenario(id, input, node, nodeHourly, profiles, options, cache);

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

/** Costs every scenario for a resolved input. */
export function buildCostReport(input: ResolvedCostInput, prices: PriceTable, options: PlacementOptions = {}): CostReport {
  checkRegion(input, prices);
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

