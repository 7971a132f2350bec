import type { ResolvedService } from "../apps/catalog";
import type { FargateProfile } from "../config/schema/cluster";
import type { Naming } from "./naming";

/**
 * Every name observability resources share across stacks, derived here once: the log
 * groups the cluster stack creates are the ones the mesh stack's Fluent Bit configuration
 * writes to and the ones the pod execution role may write; the alarms' dimensions are the
 * names the cluster, workloads and Load Balancer Controller give the things they watch.
 */

/** Container Insights log groups (`/aws/containerinsights/<cluster>/<kind>`), fixed by the add-on. */
export const CONTAINER_INSIGHTS_LOG_KINDS = ["application", "dataplane", "host", "performance"] as const;

/** Where the add-on runs, and as whom (its Fluent Bit DaemonSet uses the same service account). */
export const CLOUDWATCH_AGENT = { addonName: "amazon-cloudwatch-observability", namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" } as const;

/** Fargate's log router reads exactly this ConfigMap (EKS user guide, "Fargate logging"). */
export const FARGATE_LOGGING = { namespace: "aws-observability", configMap: "aws-logging", maxCharacters: 5300 } as const;

/** The Kubernetes user the AMP managed scraper's access entry maps to (AMP user guide). */
export const AMP_SCRAPER_USER = "aps-collector-user";
export const AMP_SCRAPER_ROLE = "aps-collector-role";

/** CloudWatch metric namespaces the alarms read. */
export const METRIC_NAMESPACES = { containerInsights: "ContainerInsights", alb: "AWS/ApplicationELB", dynamodb: "AWS/DynamoDB" } as const;

/** Log group of one Fargate namespace: `/<name>/<environment>/fargate/<namespace>`. */
export function fargateLogGroup(naming: Naming, namespace: string): string {
  return naming.logGroup(`fargate/${namespace}`);
}

/** Every namespace a Fargate profile selects, in profile-name then selector order, once each. */
export function fargateNamespaces(profiles: Record<string, FargateProfile>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(profiles).sort()) {
    for (const s of profiles[name].selectors) if (!out.includes(s.namespace)) out.push(s.namespace);
  }
  return out;
}

export function containerInsightsLogGroup(clusterName: string, kind: (typeof CONTAINER_INSIGHTS_LOG_KINDS)[number]): string {
  return `/aws/containerinsights/${clusterName}/${kind}`;
}

/** DynamoDB table name of a catalog table (the workloads stack names its tables with this). */
export function workloadTableName(naming: Naming, table: string): string {
  return naming.name(table);
}

/** The IngressGroup every public service joins: one ALB (the workloads stack uses this). */
export function publicIngressGroup(naming: Naming): string {
  return naming.bounded("public", 63);
}

/** Deployment of one service version (Microservice names them `<service>-<version>`); Container Insights' PodName. */
export function deploymentName(service: Pick<ResolvedService, "name">, version: string): string {
  return `${service.name}-${version}`;
}

/**
 * The AWS Load Balancer Controller's resource tag on a service's target group:
 * `<namespace>/<ingress>-<service>:<port>` (its ingress model builder's target-group
 * resource ID). The Ingress and its backend Service are both named after the service.
 */
export function targetGroupResourceTag(service: Pick<ResolvedService, "name" | "namespace" | "port">): string {
  return `${service.namespace}/${service.name}-${service.name}:${service.port}`;
}

/** Alarm name: `<prefix>-<service>-<what>`. */
export function alarmName(naming: Naming, service: string, what: string): string {
  return naming.name(`${service}-${what}`);
}
