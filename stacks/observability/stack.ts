import type { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { DataAwsLb } from "@cdktf/provider-aws/lib/data-aws-lb";
import { DataAwsLbTargetGroup } from "@cdktf/provider-aws/lib/data-aws-lb-target-group";
import { PrometheusScraper } from "@cdktf/provider-aws/lib/prometheus-scraper";
import { PrometheusWorkspace } from "@cdktf/provider-aws/lib/prometheus-workspace";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { CLUSTER_OUTPUTS, NETWORK_OUTPUTS, OBSERVABILITY_OUTPUTS, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { PlatformKmsKey } from "../constructs/kms-key";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { dashboardBody } from "./dashboard";
import { fargateLogGroup, fargateNamespaces, publicIngressGroup, targetGroupResourceTag } from "../../facts/observability";
import { scrapeConfiguration } from "./scrape-config";
import { type AlarmSpec, serviceAlarmSpecs } from "../../facts/alarms";
import { ServiceAlarms } from "./service-alarms";

/** Tags the AWS Load Balancer Controller puts on what it creates (its documented tagging). */
const LBC_TAGS = { cluster: "elbv2.k8s.aws/cluster", stack: "ingress.k8s.aws/stack", resource: "ingress.k8s.aws/resource" } as const;

/**
 * What a platform team watches, generated from the catalog (issue 17): per service the
 * alarms it pages on, sent to an encrypted SNS topic; one dashboard per environment; and,
 * when switched on, an Amazon Managed Service for Prometheus workspace with the AWS-managed
 * agentless scraper. AWS provider only (no Kubernetes provider): it is deployed after the
 * workloads stack, whose Ingress makes the ALB the 5xx alarms read (looked up by the tags
 * the Load Balancer Controller gives it, since the controller, not Terraform, creates it).
 */
export class ObservabilityStack extends PlatformStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "observability", props);
    const config = this.config;
    const obs = config.observability;
    const region = config.platform.region;
    const clusterName = this.naming.prefix;
    const catalog = config.workloads.app;
    const context = new AwsContext(this, "aws-context", region);
    const cluster = this.upstream("cluster", CLUSTER_OUTPUTS);

    // --- Where alarms go: the configured topic, or one of ours, encrypted with a key CloudWatch may use.
    let topicArn = "";
    if (obs.alarms.enabled) {
      if (obs.alarms.topicArn) {
        topicArn = obs.alarms.topicArn;
      } else {
        const key = new PlatformKmsKey(this, "alarms-key", {
          context,
          description: `Encrypts the ${this.naming.prefix} alarm notifications`,
          alias: this.naming.kmsAlias("alarms"),
          serviceGrants: [
            {
              service: "cloudwatch.amazonaws.com",
              actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
              conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [context.accountId] }],
            },
          ],
        });
        const topic = new SnsTopic(this, "alarms-topic", { name: this.naming.bounded("alarms", 256), kmsMasterKeyId: key.key.arn });
        // Keyed by address, so reordering the list replaces no subscription (each needs re-confirming).
        for (const endpoint of obs.alarms.emails) {
          new SnsTopicSubscription(this, `alarms-email-${endpoint.replace(/[^A-Za-z0-9_-]/g, "-")}`, { topicArn: topic.arn, protocol: "email", endpoint });
        }
        topicArn = topic.arn;
      }
    }

    // --- Per-service signals, from the catalog: paged on by the alarms, shown on the dashboard.
    const publicServices = catalog.services.filter((s) => s.public);
    const watched = obs.alarms.enabled || obs.dashboard.enabled;
    const lb =
      watched && publicServices.length
        ? new DataAwsLb(this, "public-alb", { tags: { [LBC_TAGS.cluster]: clusterName, [LBC_TAGS.stack]: publicIngressGroup(this.naming), [LBC_TAGS.resource]: "LoadBalancer" } })
        : undefined;
    const thresholds = { restarts: obs.alarms.restartsThreshold, errorRatePercent: obs.alarms.errorRatePercent };
    const panels: { name: string; namespace: string; specs: AlarmSpec[] }[] = [];
    for (const s of watched ? catalog.services : []) {
      const tg = lb && s.public ? new DataAwsLbTargetGroup(this, `${s.name}-target-group`, { tags: { [LBC_TAGS.cluster]: clusterName, [LBC_TAGS.resource]: targetGroupResourceTag(s) } }) : undefined;
      const signals = {
        service: s,
        clusterName,
        alb: lb && tg ? { loadBalancer: lb.arnSuffix, targetGroup: tg.arnSuffix } : undefined,
        containerInsights: obs.logs.ec2.enabled,
      };
      if (obs.alarms.enabled) new ServiceAlarms(this, `alarms-${s.name}`, { ...signals, naming: this.naming, topicArn, thresholds });
      panels.push({ name: s.name, namespace: s.namespace, specs: serviceAlarmSpecs(this.naming, signals, thresholds) });
    }

    // --- One dashboard per environment, showing exactly what the alarms watch.
    let dashboardName = "";
    if (obs.dashboard.enabled && panels.some((p) => p.specs.length)) {
      dashboardName = this.naming.prefix;
      new CloudwatchDashboard(this, "dashboard", { dashboardName, dashboardBody: dashboardBody(region, panels) });
    }

    // --- Prometheus: a workspace and the AWS-managed scraper (no Prometheus server in the cluster).
    let workspaceId = "";
    let queryEndpoint = "";
    if (obs.metrics.prometheus.enabled) {
      const network = this.upstream("network", NETWORK_OUTPUTS);
      const workspace = new PrometheusWorkspace(this, "prometheus-workspace", { alias: this.naming.prefix });
      new PrometheusScraper(this, "prometheus-scraper", {
        alias: this.naming.bounded("scraper", 100),
        scrapeConfiguration: scrapeConfiguration(obs.metrics.prometheus.scrapeIntervalSeconds),
        source: [{ eks: [{ clusterArn: cluster.clusterArn, subnetIds: network.privateSubnetIds, securityGroupIds: [cluster.clusterSecurityGroupId] }] }],
        destination: [{ amp: [{ workspaceArn: workspace.arn }] }],
      });
      workspaceId = workspace.id;
      queryEndpoint = workspace.prometheusEndpoint;
    }

    const fargateGroups = obs.logs.fargate.enabled ? fargateNamespaces(config.cluster.fargateProfiles).map((ns) => fargateLogGroup(this.naming, ns)) : [];
    publishOutputs(this, OBSERVABILITY_OUTPUTS, {
      alarmTopicArn: topicArn,
      dashboardName,
      fargateLogGroups: fargateGroups,
      prometheusWorkspaceId: workspaceId,
      prometheusQueryEndpoint: queryEndpoint,
    });
  }
}
