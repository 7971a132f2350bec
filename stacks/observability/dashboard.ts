import type { AlarmSpec } from "../../facts/alarms";

/**
 * The environment's CloudWatch dashboard body: per service a title row, then one graph per
 * alarm signal (the same metrics and dimensions the alarm watches, with its threshold as
 * an annotation), so the dashboard and the pager can never disagree. Deterministic JSON.
 */
export function dashboardBody(region: string, services: readonly { readonly name: string; readonly namespace: string; readonly specs: readonly AlarmSpec[] }[]): string {
  const widgets: object[] = [];
  let y = 0;
  for (const s of services) {
    widgets.push({ type: "text", x: 0, y, width: 24, height: 1, properties: { markdown: `## ${s.name} (namespace \`${s.namespace}\`)` } });
    y += 1;
    s.specs.forEach((spec, i) => {
      // A single metric is shown as is; several are combined by the alarm's own expression.
      const single = Object.keys(spec.metrics).length === 1 && spec.metrics[spec.expression] !== undefined;
      const metrics: unknown[] = Object.entries(spec.metrics).map(([qid, m]) => [
        m.namespace,
        m.metricName,
        ...Object.entries(m.dimensions).flat(),
        { id: qid, stat: m.stat, visible: single, ...(single ? { label: spec.id } : {}) },
      ]);
      if (!single) metrics.push([{ expression: spec.expression, id: "signal", label: spec.id }]);
      widgets.push({
        type: "metric",
        x: (i % 3) * 8,
        y: y + Math.floor(i / 3) * 6,
        width: 8,
        height: 6,
        properties: {
          title: `${s.name}: ${spec.id}`,
          region,
          view: "timeSeries",
          period: spec.periodSeconds,
          metrics,
          annotations: { horizontal: [{ label: "alarm threshold", value: spec.threshold }] },
        },
      });
    });
    y += Math.ceil(s.specs.length / 3) * 6;
  }
  return JSON.stringify({ widgets });
}
