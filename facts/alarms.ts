import type { ResolvedService } from "../apps/catalog";
import type { Naming } from "./naming";
import { alarmName, deploymentName, METRIC_NAMESPACES, workloadTableName } from "./observability";

/** What the alarms of one service are computed from. */
export interface ServiceSignals {
  readonly service: ResolvedService;
  readonly clusterName: string;
  /** ALB and target-group ARN suffixes (the ALB metrics' dimensions), for a public service. */
  readonly alb?: { readonly loadBalancer: string; readonly targetGroup: string };
  /** Container Insights is installed (the add-on): the pod alarms have a source. */
  readonly containerInsights: boolean;
}

/** One metric of an alarm's math, the way CloudWatch names it. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly stat: string;
}

/** The alarms a platform team pages on, as data: names, metrics with dimensions, rule. Pure, so tests and the dashboard read the same. */
export interface AlarmSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly metrics: Record<string, MetricRef>;
  readonly expression: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly comparison: "LessThanThreshold" | "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
  readonly threshold: number;
  readonly treatMissingData: "breaching" | "notBreaching";
}

/**
 * The alarms of one service, generated from its catalog entry:
 * - pods not ready: fewer running pods behind its Service than the catalog's minimum, for
 *   5 minutes (Container Insights' `service_number_of_running_pods`, which the agent's
 *   cluster-level collector computes from the API server, so Fargate pods count too);
 * - restarts: container restarts of its Deployments within 15 minutes, as the growth of
 *   the restart count (a cumulative count per pod, so its highest value is compared with
 *   the previous window's) (EC2 services only:
 *   `pod_number_of_container_restarts` comes from the agent's DaemonSet, which Fargate does
 *   not run; a crash-looping Fargate pod shows as not ready instead);
 * - 5xx rate at the ALB, for public services (its own target group);
 * - DynamoDB throttles, per table it uses.
 */
export function serviceAlarmSpecs(naming: Naming, signals: ServiceSignals, thresholds: { restarts: number; errorRatePercent: number }): AlarmSpec[] {
  const s = signals.service;
  const out: AlarmSpec[] = [];
  const ci = METRIC_NAMESPACES.containerInsights;
  if (signals.containerInsights) {
    const minimum = s.replicas.min * s.versions.length;
    out.push({
      id: "pods-not-ready",
      name: alarmName(naming, s.name, "pods-not-ready"),
      description: `${s.namespace}/${s.name}: fewer than ${minimum} running pods (the catalog's minimum) for 5 minutes`,
      metrics: { running: { namespace: ci, metricName: "service_number_of_running_pods", dimensions: { ClusterName: signals.clusterName, Namespace: s.namespace, Service: s.name }, stat: "Minimum" } },
      expression: "running",
      periodSeconds: 60,
      evaluationPeriods: 5,
      comparison: "LessThanThreshold",
      threshold: minimum,
      treatMissingData: "breaching",
    });
    if (s.placement === "ec2") {
      const metrics = Object.fromEntries(
        s.versions.map((v, i) => [`restarts${i}`, { namespace: ci, metricName: "pod_number_of_container_restarts", dimensions: { ClusterName: signals.clusterName, Namespace: s.namespace, PodName: deploymentName(s, v.name) }, stat: "Maximum" }]),
      );
      out.push({
        id: "restarts",
        name: alarmName(naming, s.name, "restarts"),
        description: `${s.namespace}/${s.name}: ${thresholds.restarts} or more container restarts within 15 minutes`,
        metrics,
        expression: Object.keys(metrics).map((k) => `DIFF(FILL(${k}, 0))`).join(" + "),
        periodSeconds: 900,
        evaluationPeriods: 1,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: thresholds.restarts,
        treatMissingData: "notBreaching",
      });
    }
  }
  if (s.public && signals.alb) {
    const dims = { LoadBalancer: signals.alb.loadBalancer, TargetGroup: signals.alb.targetGroup };
    out.push({
      id: "5xx-rate",
      name: alarmName(naming, s.name, "5xx-rate"),
      description: `${s.name}: more than ${thresholds.errorRatePercent} % of its ALB requests answered 5xx by its pods, for 10 minutes`,
      metrics: {
        errors: { namespace: METRIC_NAMESPACES.alb, metricName: "HTTPCode_Target_5XX_Count", dimensions: dims, stat: "Sum" },
        requests: { namespace: METRIC_NAMESPACES.alb, metricName: "RequestCount", dimensions: dims, stat: "Sum" },
      },
      expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)",
      periodSeconds: 300,
      evaluationPeriods: 2,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.errorRatePercent,
      treatMissingData: "notBreaching",
    });
  }
  for (const table of Object.keys(s.tables)) {
    const dims = { TableName: workloadTableName(naming, table) };
    out.push({
      id: `throttles-${table}`,
      name: alarmName(naming, s.name, `throttles-${table}`),
      description: `${s.name}: DynamoDB table ${dims.TableName} throttled reads or writes`,
      metrics: {
        reads: { namespace: METRIC_NAMESPACES.dynamodb, metricName: "ReadThrottleEvents", dimensions: dims, stat: "Sum" },
        writes: { namespace: METRIC_NAMESPACES.dynamodb, metricName: "WriteThrottleEvents", dimensions: dims, stat: "Sum" },
      },
      expression: "FILL(reads, 0) + FILL(writes, 0)",
      periodSeconds: 300,
      evaluationPeriods: 1,
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
    });
  }
  return out;
}
