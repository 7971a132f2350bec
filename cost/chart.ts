import { formatFargateSize } from "../placement/fargate-sizing";
import { money } from "./format";
import type { CostReport, LineKind } from "./model";
import { crossover, type UtilizationPoint } from "./utilization";

/**
 * Hand-written SVG (no dependency): a stacked bar chart of the scenarios'
 * monthly cost, and the document's utilization line chart. Text is escaped;
 * sizes are fixed so the files diff cleanly.
 */

const FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A "nice" axis step (1, 2, 2.5 or 5 × 10^n) giving about `target` ticks. */
export function niceStep(max: number, target = 5): number {
  if (max <= 0) return 1;
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const base = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw)!;
  return base * power;
}

function num(value: number): string {
  return Number(value.toFixed(2)).toString();
}

const KINDS: readonly { kind: LineKind; label: string; color: string }[] = [
  { kind: "control-plane", label: "EKS control plane", color: "#5b6c8f" },
  { kind: "network", label: "NAT, ALB, public IPs (hourly parts)", color: "#9aa9c7" },
  { kind: "ec2", label: "EC2 nodes + root volumes", color: "#e08a2c" },
  { kind: "fargate", label: "Fargate pods", color: "#2f9e8f" },
  { kind: "data", label: "Logs, DynamoDB (stated figures)", color: "#b9a3d6" },
];

/** Stacked bars of each scenario's monthly cost, split by kind of charge. */
export function renderScenarioChart(report: CostReport, title?: string): string {
  const width = 900;
  const height = 540;
  const left = 80;
  const right = 290;
  const top = 60;
  const bottom = 100;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(...report.scenarios.map((s) => s.monthly));
  const step = niceStep(max);
  const axisMax = Math.ceil(max / step) * step || step;
  const y = (v: number): number => top + plotH - (v / axisMax) * plotH;
  const slot = plotW / report.scenarios.length;
  const barW = Math.min(90, slot * 0.55);
  const heading = title ?? `Monthly cost by placement scenario (${report.prices.region}, prices of ${report.prices.takenOn})`;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<title>${escapeXml(heading)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="30" font-size="17" font-weight="bold" fill="#222">${escapeXml(heading)}</text>`,
  ];
  for (let v = 0; v <= axisMax + 1e-9; v += step) {
    parts.push(`<line x1="${left}" y1="${num(y(v))}" x2="${left + plotW}" y2="${num(y(v))}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 8}" y="${num(y(v) + 4)}" font-size="12" text-anchor="end" fill="#444">${escapeXml(money(v, axisMax < 10 ? 2 : 0))}</text>`);
  }
  parts.push(`<text x="18" y="${num(top + plotH / 2)}" font-size="13" fill="#444" transform="rotate(-90 18 ${num(top + plotH / 2)})" text-anchor="middle">USD per month (730 h)</text>`);
  report.scenarios.forEach((scenario, i) => {
    const x = left + slot * i + (slot - barW) / 2;
    let base = 0;
    for (const { kind, color, label } of KINDS) {
      const value = scenario.lines.filter((l) => l.kind === kind).reduce((t, l) => t + l.monthly, 0);
      if (value <= 0) continue;
      const y0 = y(base + value);
      parts.push(
        `<rect x="${num(x)}" y="${num(y0)}" width="${num(barW)}" height="${num(y(base) - y0)}" fill="${color}"><title>${escapeXml(`${scenario.title}: ${label} ${money(value)}`)}</title></rect>`,
      );
      base += value;
    }
    parts.push(`<text x="${num(x + barW / 2)}" y="${num(y(scenario.monthly) - 8)}" font-size="13" font-weight="bold" text-anchor="middle" fill="#222">${escapeXml(money(scenario.monthly))}</text>`);
    parts.push(`<text x="${num(x + barW / 2)}" y="${top + plotH + 20}" font-size="13" text-anchor="middle" fill="#222">${escapeXml(scenario.title)}</text>`);
    const counts = [
      `${scenario.nodes} node${scenario.nodes === 1 ? "" : "s"}`,
      `${scenario.fargatePods} Fargate pod${scenario.fargatePods === 1 ? "" : "s"}`,
    ];
    counts.forEach((label, k) => {
      parts.push(`<text x="${num(x + barW / 2)}" y="${top + plotH + 37 + k * 15}" font-size="11" text-anchor="middle" fill="#555">${escapeXml(label)}</text>`);
    });
  });
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`);
  const legendX = left + plotW + 24;
  KINDS.forEach(({ label, color }, i) => {
    const ly = top + 10 + i * 24;
    parts.push(`<rect x="${legendX}" y="${ly - 11}" width="14" height="14" fill="${color}"/>`);
    parts.push(`<text x="${legendX + 20}" y="${ly}" font-size="12" fill="#333">${escapeXml(label)}</text>`);
  });
  parts.push(
    `<text x="${left}" y="${height - 14}" font-size="11" fill="#666">${escapeXml("Usage-priced charges (NAT data, LCUs, egress, requests, log ingestion) are not included.")}</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

export interface UtilizationChartMeta {
  readonly instanceType: string;
  readonly region: string;
  readonly takenOn: string;
}

/** The document's first chart: hourly cost vs utilization, EC2 flat, Fargate by pod size. */
export function renderUtilizationChart(points: readonly UtilizationPoint[], meta: UtilizationChartMeta): string {
  const width = 820;
  const height = 500;
  const left = 80;
  const right = 30;
  const top = 60;
  const bottom = 110;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(...points.map((p) => Math.max(p.fargateHourly, p.ec2Hourly)));
  const step = niceStep(max);
  const axisMax = Math.ceil(max / step) * step;
  const x = (percent: number): number => left + (percent / 100) * plotW;
  const y = (v: number): number => top + plotH - (v / axisMax) * plotH;
  const heading = `Hourly cost of one 2 vCPU / 4 GB workload vs. the share it uses (${meta.region})`;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<title>${escapeXml(heading)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="30" font-size="17" font-weight="bold" fill="#222">${escapeXml(heading)}</text>`,
  ];
  const digits = step < 0.1 ? 3 : 2;
  for (let v = 0; v <= axisMax + 1e-12; v += step) {
    parts.push(`<line x1="${left}" y1="${num(y(v))}" x2="${left + plotW}" y2="${num(y(v))}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 8}" y="${num(y(v) + 4)}" font-size="12" text-anchor="end" fill="#444">${escapeXml(money(v, digits))}</text>`);
  }
  for (let p = 0; p <= 100; p += 10) {
    parts.push(`<line x1="${num(x(p))}" y1="${top}" x2="${num(x(p))}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${num(x(p))}" y="${top + plotH + 18}" font-size="12" text-anchor="middle" fill="#444">${p}%</text>`);
  }
  parts.push(`<text x="${num(left + plotW / 2)}" y="${top + plotH + 40}" font-size="13" text-anchor="middle" fill="#444">Share of 2 vCPU / 4 GB the workload uses (Fargate pod sized to it)</text>`);
  parts.push(`<text x="18" y="${num(top + plotH / 2)}" font-size="13" fill="#444" transform="rotate(-90 18 ${num(top + plotH / 2)})" text-anchor="middle">USD per hour</text>`);

  // Fargate: a step line, each price holding until the next point.
  let path = "";
  points.forEach((p, i) => {
    const px = x(p.percent);
    const py = y(p.fargateHourly);
    path += i === 0 ? `M${num(px)} ${num(py)}` : ` H${num(px)} V${num(py)}`;
  });
  const ec2 = points[0]!.ec2Hourly;
  parts.push(`<line x1="${x(0)}" y1="${num(y(ec2))}" x2="${num(x(100))}" y2="${num(y(ec2))}" stroke="#e08a2c" stroke-width="3"/>`);
  parts.push(`<path d="${path}" fill="none" stroke="#2f9e8f" stroke-width="3"/>`);

  const cross = crossover(points);
  if (cross !== undefined) {
    parts.push(`<line x1="${num(x(cross))}" y1="${top}" x2="${num(x(cross))}" y2="${top + plotH}" stroke="#999" stroke-dasharray="4 4"/>`);
    parts.push(`<text x="${num(x(cross) + 6)}" y="${top + 14}" font-size="12" fill="#555">${escapeXml(`Fargate dearer from ${cross}%`)}</text>`);
  }
  const last = points[points.length - 1]!;
  const legend: readonly [string, string][] = [
    ["#e08a2c", `EC2 ${meta.instanceType} on-demand (${meta.region}): ${money(ec2, 4)}/h whatever the use`],
    [
      "#2f9e8f",
      `Fargate pod sized to the share used (+256 MB, rounded up): ${money(points[0]!.fargateHourly, 4)}/h at 0%, ${money(last.fargateHourly, 4)}/h (${formatFargateSize(last.fargateSize)}) at 100%`,
    ],
  ];
  legend.forEach(([color, label], k) => {
    const ly = height - 40 + k * 20;
    parts.push(`<line x1="${left}" y1="${ly - 4}" x2="${left + 26}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${left + 32}" y="${ly}" font-size="12" fill="#333">${escapeXml(label)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
