import type { ResolvedService } from "../apps/catalog";
import type { EcsSettings } from "../config/schema/ecs";
import { ecsLaunch } from "../config/schema/ecs-checks";
import { ecsTaskDemand, tryEcsFargateSize } from "../placement/ecs-sizing";
import { fargateHourly, formatFargateSize } from "../placement/fargate-sizing";
import { money } from "./format";
import type { CostReport, LineItem, ScenarioCost, ScenarioId } from "./model";
import { findInstance, gbMonthToHourly, instanceHourly, type PriceFigure, type PriceTable } from "../placement/prices";
import { COLUMNS } from "./table";

/**
 * The seeds' question (001, 002), answered for the configured catalog: the same services
 * on EKS (as configured, and with the optimizer's placement) next to ECS, priced with the
 * same table. ECS has no control-plane fee and no node group for add-ons; the network
 * (NAT, the public ALB, their addresses) is the same on both, so those lines are taken
 * from the EKS report as they are.
 *
 * - ECS, as configured: Fargate services split between FARGATE and FARGATE_SPOT by
 *   `ecs.capacityProviderStrategy` (bases first, then weights); `ec2` services on the EC2
 *   capacity provider's instances (max of ecs.ec2.minSize and what the tasks need; awsvpc
 *   tasks take an ENI each, so an instance holds at most its ENIs − 1 tasks).
 * - ECS on Fargate: every task on FARGATE, except services whose constraints need a node.
 * - ECS on FARGATE_SPOT: the same tasks on FARGATE_SPOT (interruptible: fine for
 *   stateless, replicated services, not for the only replica of anything).
 *
 * Tasks are counted at the autoscaler's minimum, per version, as the EKS scenarios count pods.
 */

/**
 * Fargate Spot's discount off Fargate on-demand. AWS publishes Spot rates that move; "up
 * to 70%" is its own statement, and the us-east-1 Linux/x86 rates listed on the pricing
 * page have stood at 70% off for long stretches. An assumption, stated as such.
 */
export const FARGATE_SPOT_DISCOUNT: PriceFigure = {
  value: 0.7,
  unit: "fraction off Fargate on-demand",
  source: "https://aws.amazon.com/fargate/pricing/",
  note: "Fargate Spot runs up to 70% below on-demand and its rates vary; pass a different value with compareOrchestrators' options to model another discount.",
};

/** The parts of the resolved platform config this comparison reads. */
export interface EcsCostSource {
  readonly ecs: Pick<EcsSettings, "capacityProviderStrategy" | "ec2">;
  readonly workloads: { readonly app: { readonly services: readonly ResolvedService[] } };
}

export type OrchestratorScenarioId = "eks-configured" | "eks-optimized" | "ecs-configured" | "ecs-fargate" | "ecs-fargate-spot";

export interface OrchestratorScenario {
  readonly id: OrchestratorScenarioId;
  readonly title: string;
  readonly lines: readonly LineItem[];
  readonly hourly: number;
  readonly monthly: number;
  /** EC2 instances paid (EKS nodes, or the ECS EC2 capacity provider's). */
  readonly instances: number;
  /** Fargate pods (EKS) or tasks (ECS). */
  readonly fargateTasks: number;
}

export interface OrchestratorComparison {
  readonly scenarios: readonly OrchestratorScenario[];
  readonly notes: readonly string[];
}

interface Task {
  readonly service: string;
  readonly count: number;
  readonly launch: "fargate" | "ec2";
  readonly cpuUnits: number;
  readonly memoryMiB: number;
}

function tasksOf(services: readonly ResolvedService[], everythingOnFargate: boolean): Task[] {
  return services.map((s) => {
    const demand = ecsTaskDemand({ cpuMillicores: s.cpu.request, memoryMiB: s.memory.request });
    const needsNode = s.constraints.needsNode || s.constraints.privileged || s.constraints.gpu;
    const fits = tryEcsFargateSize(demand) !== undefined;
    const launch = everythingOnFargate ? (needsNode || !fits ? "ec2" : "fargate") : ecsLaunch(s);
    return { service: s.name, count: s.replicas.min * s.versions.length, launch, ...demand };
  });
}

/** Tasks of a service on FARGATE_SPOT under a strategy: the base goes first, the rest by weight. */
export function spotShare(count: number, strategy: EcsSettings["capacityProviderStrategy"]): number {
  const spot = strategy.find((s) => s.capacityProvider === "FARGATE_SPOT");
  const onDemand = strategy.find((s) => s.capacityProvider === "FARGATE");
  const baseSpot = Math.min(count, spot?.base ?? 0);
  const baseOnDemand = Math.min(count - baseSpot, onDemand?.base ?? 0);
  const rest = count - baseSpot - baseOnDemand;
  const total = (spot?.weight ?? 0) + (onDemand?.weight ?? 0);
  return baseSpot + (total > 0 ? (rest * (spot?.weight ?? 0)) / total : 0);
}

function line(prices: PriceTable, kind: LineItem["kind"], component: string, detail: string, hourly: number): LineItem {
  return { kind, component, detail, hourly, monthly: hourly * prices.hoursPerMonth };
}

function fromEks(id: OrchestratorScenarioId, title: string, s: ScenarioCost): OrchestratorScenario {
  return { id, title, lines: s.lines, hourly: s.hourly, monthly: s.monthly, instances: s.nodes, fargateTasks: s.fargatePods };
}

export interface CompareOptions {
  /** @default FARGATE_SPOT_DISCOUNT.value */
  readonly spotDiscount?: number;
}

/** EKS (configured, optimized) vs ECS (configured, all Fargate, all FARGATE_SPOT) for the platform config. */
export function compareOrchestrators(report: CostReport, config: EcsCostSource, prices: PriceTable, options: CompareOptions = {}): OrchestratorComparison {
  const spotDiscount = options.spotDiscount ?? FARGATE_SPOT_DISCOUNT.value;
  const configured = report.scenarios.find((s) => s.id === "configured")!;
  const optimized = report.scenarios.find((s) => s.id === "optimized")!;
  // Shared by both orchestrators: NAT gateways, the ALB, their public addresses (and any data lines).
  const shared = configured.lines.filter((l) => l.kind === "network" || l.kind === "data");
  const rates = prices.fargate[report.input.fargateArchitecture ?? "x86_64"];
  const ec2 = config.ecs.ec2;
  const spec = findInstance(prices, ec2.instanceType);
  const services = config.workloads.app.services;
  const notes: string[] = [];

  const ecsScenario = (id: OrchestratorScenarioId, title: string, allFargate: boolean, spotFraction: (count: number) => number): OrchestratorScenario => {
    const tasks = tasksOf(services, allFargate);
    let onDemandHourly = 0;
    let spotHourly = 0;
    let fargateTasks = 0;
    const details: string[] = [];
    for (const t of tasks.filter((x) => x.launch === "fargate")) {
      const size = tryEcsFargateSize(t)!;
      const each = fargateHourly(size, rates);
      const spot = spotFraction(t.count);
      onDemandHourly += (t.count - spot) * each;
      spotHourly += spot * each * (1 - spotDiscount);
      fargateTasks += t.count;
      details.push(`${t.service} ${formatFargateSize(size)}`);
    }
    const onEc2 = tasks.filter((x) => x.launch === "ec2");
    // awsvpc: one ENI per task besides the instance's own; CPU and memory as reserved (no OS reserve modelled).
    const perInstance = (t: Task) => Math.max(1, Math.min(spec.maxEnis - 1, Math.floor((spec.vcpu * 1024) / t.cpuUnits), Math.floor(spec.memoryMiB / t.memoryMiB)));
    const needed = onEc2.reduce((n, t) => n + Math.ceil(t.count / perInstance(t)), 0);
    const instances = onEc2.length ? Math.max(ec2.minSize, needed) : 0;
    const lines: LineItem[] = [...shared];
    if (instances > 0) {
      lines.push(line(prices, "ec2", "ECS EC2 instances", `${instances} × ${ec2.instanceType} on-demand (needed ${needed}, min ${ec2.minSize})`, instances * instanceHourly(prices, ec2.instanceType, "ON_DEMAND")));
      lines.push(line(prices, "ec2", "EBS root volumes", `${instances} × ${ec2.diskSizeGiB} GiB gp3`, instances * gbMonthToHourly(prices, prices.ebs.gp3GbMonth.value, ec2.diskSizeGiB)));
    }
    const spotTasks = tasks.filter((x) => x.launch === "fargate").reduce((n, t) => n + spotFraction(t.count), 0);
    lines.push(line(prices, "fargate", "Fargate tasks (on-demand)", `${round2(fargateTasks - spotTasks)} tasks`, onDemandHourly));
    if (spotTasks > 0) lines.push(line(prices, "fargate", "Fargate Spot tasks", `${round2(spotTasks)} tasks at ${Math.round(spotDiscount * 100)}% off`, spotHourly));
    const hourly = lines.reduce((t, l) => t + l.hourly, 0);
    return { id, title, lines, hourly, monthly: hourly * prices.hoursPerMonth, instances, fargateTasks };
  };

  const scenarios: OrchestratorScenario[] = [
    fromEks("eks-configured", "EKS, as configured", configured),
    fromEks("eks-optimized", "EKS, optimized", optimized),
    ecsScenario("ecs-configured", "ECS, as configured", false, (n) => spotShare(n, config.ecs.capacityProviderStrategy)),
    ecsScenario("ecs-fargate", "ECS on Fargate", true, () => 0),
    ecsScenario("ecs-fargate-spot", "ECS on FARGATE_SPOT", true, (n) => n),
  ];
  notes.push("ECS has no control-plane fee and no node group for add-ons; the network lines (NAT, ALB, public IPv4) are the same on both.");
  notes.push(`ECS tasks carry the Service Connect proxy (256 CPU units, 64 MiB), as EKS pods carry Envoy; Fargate adds no 256 MiB on ECS.`);
  notes.push(`FARGATE_SPOT is priced at ${Math.round(spotDiscount * 100)}% off on-demand (an assumption: Spot rates vary) and can be interrupted with two minutes' notice.`);
  return { scenarios, notes };
}

const round2 = (n: number) => String(Math.round(n * 100) / 100);

/** Plain-text table of the comparison, in the cost report's column style. */
export function formatOrchestratorComparison(c: OrchestratorComparison): string {
  const base = c.scenarios[0]!;
  const out = ["== EKS or ECS: the same catalog on both (seeds 001, 002) ==", `${"Scenario".padEnd(COLUMNS.component)}${"Instances".padStart(10)}${"Fargate".padStart(10)}${"$/hour".padStart(10)}${"$/month".padStart(11)}${"vs EKS configured".padStart(19)}`];
  for (const s of c.scenarios) {
    const delta = s.monthly - base.monthly;
    const sign = delta > 0.005 ? "+" : delta < -0.005 ? "-" : " ";
    out.push(
      s.title.padEnd(COLUMNS.component) +
        String(s.instances).padStart(10) +
        String(s.fargateTasks).padStart(10) +
        s.hourly.toFixed(4).padStart(10) +
        s.monthly.toFixed(2).padStart(11) +
        `${sign}${money(Math.abs(delta))}`.padStart(19),
    );
  }
  for (const note of c.notes) out.push(`  Note: ${note}`);
  return out.join("\n") + "\n";
}

/**
 * The comparison as a CostReport whose scenarios the scenario chart draws (one bar each,
 * stacked by line kind), so the SVG uses the same renderer as `--svg`.
 */
export function comparisonAsReport(report: CostReport, c: OrchestratorComparison): CostReport {
  const scenarios: ScenarioCost[] = c.scenarios.map((s) => ({
    // The chart reads only the fields below; the id is the comparison's own.
    id: s.id as unknown as ScenarioId,
    title: s.title,
    services: [],
    nodesNeeded: s.instances,
    nodes: s.instances,
    fargatePods: s.fargateTasks,
    lines: s.lines,
    hourly: s.hourly,
    monthly: s.monthly,
    notes: [],
    optimizer: undefined,
  }));
  return { ...report, scenarios };
}
