import type { PlatformConfig } from "../config/schema";
import { serviceAlarmSpecs } from "../facts/alarms";
import { Naming } from "../facts/naming";
import type { PriceFigure, PriceTable } from "../placement/prices";

/**
 * What `observability` adds to the bill, part by part, for the configured platform: each
 * part priced whether it is on or off, so the team sees the price of a switch before
 * turning it on. Usage-driven parts (log volume, scraped series, request rate) come from
 * the `estimated*` fields of the observability config; the figures and their dates are
 * below. CloudWatch Logs rates come from the main price table (so `--prices` overrides them).
 */

const CW_PRICING = "https://aws.amazon.com/cloudwatch/pricing/";
const UNCONFIRMED = "The stored copy of the pricing page did not render its price table; figure as published on the page for us-east-1, not re-confirmed on 2026-11-30. Override it if your bill differs.";

/** Observability prices, us-east-1, taken 2026-11-30. */
export const OBSERVABILITY_PRICES = {
  takenOn: "2026-11-30",
  alarmMetricMonth: {
    value: 0.1,
    unit: "USD per standard-resolution alarm metric per month",
    source: CW_PRICING,
    note: "A metric-math alarm is billed per metric it reads. The free tier (10 alarm metrics) is not subtracted.",
  },
  dashboardMonth: {
    value: 3,
    unit: "USD per dashboard per month",
    source: CW_PRICING,
    note: "Confirmed by factualminds.com's CloudWatch pricing summary (2026-06-13, \"dashboards at $3 each\"). The free tier (3 dashboards) is not subtracted.",
  },
  containerInsightsPerMillionObservations: {
    value: 0.21,
    unit: "USD per million Container Insights (enhanced, EKS) observations",
    source: CW_PRICING,
    note: UNCONFIRMED,
  },
  ampSamplesPer10Million: {
    value: 0.9,
    unit: "USD per 10 million samples ingested (first 2 billion per month)",
    source: "https://aws.amazon.com/prometheus/pricing/",
    note: UNCONFIRMED,
  },
  ampStorageGbMonth: { value: 0.03, unit: "USD per GB-month stored", source: "https://aws.amazon.com/prometheus/pricing/", note: UNCONFIRMED },
  ampCollectorHourly: { value: 0.04, unit: "USD per managed collector-hour", source: "https://aws.amazon.com/prometheus/pricing/", note: UNCONFIRMED },
  xrayTracesPerMillion: {
    value: 5,
    unit: "USD per million traces recorded",
    source: "https://aws.amazon.com/xray/pricing/",
    note: `The free tier (100,000 traces a month) is not subtracted. ${UNCONFIRMED}`,
  },
  kmsKeyMonth: { value: 1, unit: "USD per customer-managed KMS key per month", source: "https://aws.amazon.com/kms/pricing/", note: "Key requests are not counted." },
} as const satisfies Record<string, PriceFigure | string>;

/** Assumptions the model states with its result. */
export const OBSERVABILITY_ASSUMPTIONS = {
  /** Container Insights observations per pod or node per minute (one per metric it reports). */
  observationsPerEntityMinute: 30,
  /** Stored bytes per Prometheus sample, metadata included. */
  ampBytesPerSample: 2,
  /** Months AMP keeps samples (its fixed 150-day retention). */
  ampRetentionMonths: 150 / 30.4,
  daysPerMonth: 30.4,
  /**
   * Bytes of one VPC Lattice access log entry (a JSON object of about 30 fields: source VPC
   * and principal, target, status, timings, TLS details), for the ingestion estimate.
   */
  latticeAccessLogBytesPerRequest: 1200,
} as const;

export interface ObservabilityCostLine {
  /** The config switch that controls it. */
  readonly switch: string;
  readonly on: boolean;
  readonly part: string;
  readonly quantity: string;
  readonly monthly: number;
}

export interface ObservabilityCost {
  readonly lines: readonly ObservabilityCostLine[];
  /** Monthly total of the parts that are on. */
  readonly onMonthly: number;
  /** Monthly total if every part were on. */
  readonly allOnMonthly: number;
}

/** Prices every observability part for a resolved platform config. */
export function observabilityCost(config: PlatformConfig, prices: Pick<PriceTable, "cloudwatchLogs" | "hoursPerMonth">): ObservabilityCost {
  const obs = config.observability;
  const p = OBSERVABILITY_PRICES;
  const a = OBSERVABILITY_ASSUMPTIONS;
  const naming = new Naming(config.platform);
  const services = config.workloads.app.services;
  const podsOf = (s: (typeof services)[number]) => s.replicas.min * s.versions.length;
  const fargate = services.filter((s) => s.placement === "fargate");
  const ec2 = services.filter((s) => s.placement !== "fargate");
  const pods = services.reduce((n, s) => n + podsOf(s), 0);
  const nodes = Object.values(config.cluster.nodeGroups).reduce((n, g) => n + g.desiredSize, 0);
  const minutes = prices.hoursPerMonth * 60;
  const lines: ObservabilityCostLine[] = [];
  const add = (line: ObservabilityCostLine) => lines.push({ ...line, monthly: round(line.monthly) });

  const logs = (what: string, setting: string, on: boolean, count: number, retentionDays: number) => {
    const gib = count * obs.logs.estimatedGiBPerServiceMonth;
    const stored = (gib * retentionDays) / a.daysPerMonth;
    add({ switch: setting, on, part: `${what} log ingestion`, quantity: `${round(gib)} GiB/month (${count} services × ${obs.logs.estimatedGiBPerServiceMonth} GiB)`, monthly: gib * prices.cloudwatchLogs.ingestPerGb.value });
    add({ switch: setting, on, part: `${what} log storage`, quantity: `${round(stored)} GiB kept (${retentionDays} d retention)`, monthly: stored * prices.cloudwatchLogs.storageGbMonth.value });
  };
  logs("Fargate", "observability.logs.fargate.enabled", obs.logs.fargate.enabled, fargate.length, obs.logs.fargate.retentionDays);
  logs("EC2 (Container Insights Fluent Bit)", "observability.logs.ec2.enabled", obs.logs.ec2.enabled, ec2.length, obs.logs.ec2.retentionDays);
  if (config.mesh.implementation === "vpc-lattice" && config.platform.orchestrator === "eks") {
    // One entry per request through the service network, from the request-rate estimate the traces use.
    const lattice = obs.logs.lattice;
    const requests = obs.traces.estimatedRequestsPerSecond * prices.hoursPerMonth * 3600;
    const gib = (requests * a.latticeAccessLogBytesPerRequest) / 2 ** 30;
    const stored = (gib * lattice.retentionDays) / a.daysPerMonth;
    const setting = "observability.logs.lattice.enabled";
    add({ switch: setting, on: lattice.enabled, part: "VPC Lattice access log ingestion", quantity: `${round(gib)} GiB/month (${obs.traces.estimatedRequestsPerSecond} req/s × ${a.latticeAccessLogBytesPerRequest} B)`, monthly: gib * prices.cloudwatchLogs.ingestPerGb.value });
    add({ switch: setting, on: lattice.enabled, part: "VPC Lattice access log storage", quantity: `${round(stored)} GiB kept (${lattice.retentionDays} d retention)`, monthly: stored * prices.cloudwatchLogs.storageGbMonth.value });
    add({ switch: setting, on: lattice.enabled, part: "KMS key for the Lattice access log", quantity: "1 key", monthly: p.kmsKeyMonth.value });
  }
  const observations = (pods + nodes) * a.observationsPerEntityMinute * minutes;
  add({
    switch: "observability.logs.ec2.enabled",
    on: obs.logs.ec2.enabled,
    part: "Container Insights metrics",
    quantity: `${round(observations / 1e6)} M observations ((${pods} pods + ${nodes} nodes) × ${a.observationsPerEntityMinute}/min)`,
    monthly: (observations / 1e6) * p.containerInsightsPerMillionObservations.value,
  });
  if (obs.logs.fargate.enabled || obs.logs.ec2.enabled) add({ switch: "observability.logs.*.enabled", on: true, part: "KMS key for pod logs", quantity: "1 key", monthly: p.kmsKeyMonth.value });

  const alarmMetrics = services.reduce(
    (n, s) =>
      n +
      serviceAlarmSpecs(naming, { service: s, clusterName: naming.prefix, alb: s.public ? { loadBalancer: "", targetGroup: "" } : undefined, containerInsights: obs.logs.ec2.enabled }, { restarts: 1, errorRatePercent: 1 }).reduce(
        (m, spec) => m + Object.keys(spec.metrics).length,
        0,
      ),
    0,
  );
  add({ switch: "observability.alarms.enabled", on: obs.alarms.enabled, part: "Service alarms", quantity: `${alarmMetrics} alarm metrics`, monthly: alarmMetrics * p.alarmMetricMonth.value });
  if (!obs.alarms.topicArn) add({ switch: "observability.alarms.enabled", on: obs.alarms.enabled, part: "KMS key for the alarm topic", quantity: "1 key", monthly: p.kmsKeyMonth.value });
  add({ switch: "observability.dashboard.enabled", on: obs.dashboard.enabled, part: "Dashboard", quantity: "1 dashboard", monthly: p.dashboardMonth.value });

  const prom = obs.metrics.prometheus;
  const samples = (pods * prom.estimatedSeriesPerPod * prices.hoursPerMonth * 3600) / prom.scrapeIntervalSeconds;
  const storedGb = (samples * a.ampBytesPerSample * a.ampRetentionMonths) / 2 ** 30;
  add({ switch: "observability.metrics.prometheus.enabled", on: prom.enabled, part: "AMP samples ingested", quantity: `${round(samples / 1e6)} M samples (${pods} pods × ${prom.estimatedSeriesPerPod} series every ${prom.scrapeIntervalSeconds} s)`, monthly: (samples / 1e7) * p.ampSamplesPer10Million.value });
  add({ switch: "observability.metrics.prometheus.enabled", on: prom.enabled, part: "AMP storage", quantity: `${round(storedGb)} GB (150 d kept)`, monthly: storedGb * p.ampStorageGbMonth.value });
  add({ switch: "observability.metrics.prometheus.enabled", on: prom.enabled, part: "AMP managed scraper", quantity: `${prices.hoursPerMonth} collector-hours`, monthly: prices.hoursPerMonth * p.ampCollectorHourly.value });

  const rate = config.mesh.controller.tracing.samplingRate;
  const traces = obs.traces.estimatedRequestsPerSecond * rate * prices.hoursPerMonth * 3600;
  add({ switch: "observability.traces.enabled", on: obs.traces.enabled, part: "X-Ray traces recorded", quantity: `${round(traces / 1e6)} M traces (${obs.traces.estimatedRequestsPerSecond} req/s × ${rate} sampled)`, monthly: (traces / 1e6) * p.xrayTracesPerMillion.value });

  const onMonthly = round(lines.filter((l) => l.on).reduce((n, l) => n + l.monthly, 0));
  const allOnMonthly = round(lines.reduce((n, l) => n + l.monthly, 0));
  return { lines, onMonthly, allOnMonthly };
}

/** The section `npm run cost` prints after the placement scenarios. */
export function formatObservabilityCost(cost: ObservabilityCost): string {
  const rows = cost.lines.map((l) => [l.on ? "on" : "off", l.part, l.quantity, l.monthly.toFixed(2), l.switch]);
  const head = ["", "observability part", "quantity", "$/month", "switch"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [
    "",
    `Observability (prices of ${OBSERVABILITY_PRICES.takenOn}; CloudWatch Logs from the price table; usage from observability.*.estimated* in the config)`,
    fmt(head),
    ...rows.map(fmt),
    `parts on: $${cost.onMonthly.toFixed(2)}/month; every part on: $${cost.allOnMonthly.toFixed(2)}/month`,
    "",
  ].join("\n");
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
