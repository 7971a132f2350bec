import { formatFargateSize } from "../placement/fargate-sizing";
import { instanceDataSummary, instanceTable } from "../placement/prices/instances";
import { money, round } from "./format";
import type { CostReport, LineItem, ScenarioCost } from "./model";

/**
 * Plain-text report: one table per scenario, then a comparison, the
 * usage-priced items and the node arithmetic. Fixed-width columns so the
 * output diffs well in CI logs; every number comes from the report.
 */

export const COLUMNS = { component: 28, detail: 50, hourly: 10, monthly: 11 } as const;

/** One row of a scenario table: component, detail, $/hour (4 decimals), $/month (2 decimals). */
export function formatRow(component: string, detail: string, hourly: string, monthly: string): string {
  return (
    component.padEnd(COLUMNS.component) +
    detail.padEnd(COLUMNS.detail) +
    hourly.padStart(COLUMNS.hourly) +
    monthly.padStart(COLUMNS.monthly)
  ).trimEnd();
}

export function formatLine(line: LineItem): string {
  return formatRow(line.component, line.detail, line.hourly.toFixed(4), line.monthly.toFixed(2));
}

export function formatTotal(scenario: ScenarioCost): string {
  return formatRow("Total", "", scenario.hourly.toFixed(4), scenario.monthly.toFixed(2));
}

function scenarioTable(report: CostReport, scenario: ScenarioCost): string[] {
  const out = [`== ${scenario.title} (${scenario.id}) ==`, formatRow("Component", "Detail", "$/hour", "$/month")];
  for (const line of scenario.lines) out.push(formatLine(line));
  out.push(formatTotal(scenario));
  out.push("  Placement:");
  for (const svc of scenario.services) {
    const profile = report.profiles.find((p) => p.name === svc.name)!;
    const size =
      svc.target === "fargate"
        ? `${formatFargateSize(profile.fargateSize!)} × ${svc.replicas}, ${money(svc.hourly, 4)}/h`
        : svc.target === "ec2"
          ? `${profile.demand.cpuMillicores}m / ${profile.demand.memoryMiB}Mi × ${svc.replicas} on nodes`
          : `${profile.demand.cpuMillicores}m / ${profile.demand.memoryMiB}Mi on every node`;
    out.push(`    ${svc.name.padEnd(24)} ${svc.target.padEnd(9)} ${size} (${svc.why})`);
  }
  for (const note of scenario.notes) out.push(`  Note: ${note}`);
  return out;
}

/** `Scenario  Nodes  Fargate pods  $/hour  $/month  vs configured` rows. */
export function formatComparisonRow(scenario: ScenarioCost, configured: ScenarioCost): string {
  const delta = scenario.monthly - configured.monthly;
  const sign = delta > 0.005 ? "+" : delta < -0.005 ? "-" : " ";
  return (
    scenario.title.padEnd(24) +
    String(scenario.nodes).padStart(6) +
    String(scenario.fargatePods).padStart(14) +
    scenario.hourly.toFixed(4).padStart(10) +
    scenario.monthly.toFixed(2).padStart(11) +
    `${sign}${Math.abs(delta).toFixed(2)}`.padStart(14)
  );
}

export function formatReport(report: CostReport): string {
  const { prices, input, node } = report;
  const ng = input.nodeGroup;
  const nodePrice = prices.ec2.instances[ng.instanceType]?.onDemandHourly;
  const out: string[] = [
    `Cost estimate, ${prices.region}, prices taken ${prices.takenOn}, ${prices.hoursPerMonth} h/month, ${prices.currency}`,
    instanceDataSummary(prices.region),
    // A price file may replace the node type's figure: then say whose it is.
    ...(nodePrice && nodePrice.source !== instanceTable(prices.region)?.[ng.instanceType]?.onDemandHourly.source
      ? [`${ng.instanceType}'s price: ${nodePrice.source}${nodePrice.asOf ? ` (${nodePrice.asOf})` : ""}`]
      : []),
    ...(prices.otherFiguresRegion ? [`Other figures (EKS, Fargate, EBS, NAT, load balancer, logs, ...) are ${prices.otherFiguresRegion}'s: the project keeps hand-checked figures for ${prices.otherFiguresRegion} only`] : []),
    "",
  ];
  for (const scenario of report.scenarios) out.push(...scenarioTable(report, scenario), "");

  const configured = report.scenarios.find((s) => s.id === "configured")!;
  out.push("== Comparison ==");
  out.push("Scenario".padEnd(24) + "Nodes".padStart(6) + "Fargate pods".padStart(14) + "$/hour".padStart(10) + "$/month".padStart(11) + "vs configured".padStart(14));
  for (const scenario of report.scenarios) out.push(formatComparisonRow(scenario, configured));
  out.push("");

  out.push("== Usage-priced, not in the totals (depends on traffic) ==");
  for (const item of report.usagePriced) out.push(`${item.component.padEnd(40)} ${String(item.price.value).padStart(9)}  ${item.price.unit}`);
  out.push("");

  out.push(`== Node arithmetic (${ng.instanceType}) ==`);
  out.push(
    `max pods ${node.maxPods}; capacity ${node.capacity.cpuMillicores}m / ${node.capacity.memoryMiB}Mi ` +
      `(${round(ng.vmMemoryOverheadFraction * 100, 1)}% memory kept by the OS); kube-reserved ${node.kubeReserved.cpuMillicores}m / ${node.kubeReserved.memoryMiB}Mi; ` +
      `eviction ${node.evictionMiB}Mi`,
  );
  out.push(
    `allocatable ${node.allocatable.cpuMillicores}m / ${node.allocatable.memoryMiB}Mi; DaemonSets ${node.daemonSets.cpuMillicores}m / ${node.daemonSets.memoryMiB}Mi ` +
      `(${node.daemonSets.pods} pods); free for workloads ${node.free.cpuMillicores}m / ${node.free.memoryMiB}Mi, ${node.free.podSlots} pod slots; ` +
      `${money(report.nodeHourly, 4)}/h per node with its root volume`,
  );
  return out.join("\n") + "\n";
}
