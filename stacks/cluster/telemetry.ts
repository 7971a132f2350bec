import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { eksManagedAddon } from "./eks-addon";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { ObservabilitySettings } from "../../config/schema/observability";
import type { AwsContext } from "../constructs/aws-context";
import { skipCheck } from "../synth/checkov";
import { IrsaRole } from "../constructs/irsa-role";
import { cloudWatchLogsGrant, PlatformKmsKey } from "../constructs/kms-key";
import { type Naming, containerInsightsLogGroup, fargateLogGroup } from "../../facts/naming";
import { CLOUDWATCH_AGENT } from "../../facts/controllers";
import { CONTAINER_INSIGHTS_LOG_KINDS } from "../../facts/observability";

export interface ClusterTelemetryProps {
  readonly context: AwsContext;
  readonly naming: Naming;
  /** The cluster's name as configured (log group paths are derived from it at synth). */
  readonly clusterName: string;
  /** The cluster resource's name attribute, so the add-on waits for the cluster. */
  readonly clusterNameRef: string;
  readonly settings: ObservabilitySettings["logs"];
  /** Every namespace a Fargate profile selects. */
  readonly fargateNamespaces: readonly string[];
  /** Name of the Fargate pod execution role (the role Fargate's log router writes as). */
  readonly podExecutionRoleName: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuerUrl: string;
  /** What the add-on's DaemonSets need first (the node groups). */
  readonly addonDependsOn: ITerraformDependable[];
}

const WRITE_ACTIONS = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"];

/**
 * Cluster-side telemetry, in the cluster stack so it exists before any pod starts:
 * - a CloudWatch log group per Fargate namespace, KMS-encrypted, with retention, and on
 *   the Fargate pod execution role a policy that may write exactly those groups (Fargate's
 *   log router runs as that role; the aws-logging ConfigMap lives in the mesh stack);
 * - the Amazon CloudWatch Observability add-on (Container Insights metrics and its Fluent
 *   Bit for EC2 pods), pinned, with an IRSA role that may write only its four log groups,
 *   which are created first, encrypted and with retention, instead of by the agent.
 */
export class ClusterTelemetry extends Construct {
  /** Fargate log groups by namespace. */
  readonly fargateLogGroups = new Map<string, CloudwatchLogGroup>();
  readonly containerInsightsLogGroups: CloudwatchLogGroup[] = [];
  readonly addon?: EksAddon;

  constructor(scope: Construct, id: string, props: ClusterTelemetryProps) {
    super(scope, id);
    // Resources are created on the stack itself, so their addresses read
    // `aws_cloudwatch_log_group.fargate-logs-<namespace>` instead of cdktf's hashed nested IDs.
    const { context, naming, settings } = props;
    const fargate = settings.fargate.enabled && props.fargateNamespaces.length > 0;
    const ec2 = settings.ec2.enabled;
    if (!fargate && !ec2) return;

    const groupArnPatterns = [
      ...(fargate ? [context.arn("logs", `log-group:${fargateLogGroup(naming, "*")}`)] : []),
      ...(ec2 ? [context.arn("logs", `log-group:/aws/containerinsights/${props.clusterName}/*`)] : []),
    ];
    const key = new PlatformKmsKey(scope, "workload-logs-key", {
      context,
      description: `Encrypts the pod logs of EKS cluster ${props.clusterName} (Fargate and Container Insights)`,
      alias: naming.kmsAlias("workload-logs"),
      serviceGrants: [cloudWatchLogsGrant(context.region, groupArnPatterns)],
    });
    const group = (logicalId: string, name: string, retentionDays: number, setting: string) => {
      const g = new CloudwatchLogGroup(scope, logicalId, { name, retentionInDays: retentionDays, kmsKeyId: key.key.arn });
      if (retentionDays < 365) {
        skipCheck(g, "CKV_AWS_338", `pod stdout is operational data kept ${retentionDays} days by ${setting} to bound its storage cost; the audit trail (control-plane logs, VPC flow logs) keeps 365 days`);
      }
      return g;
    };

    if (fargate) {
      for (const ns of props.fargateNamespaces) {
        this.fargateLogGroups.set(ns, group(`fargate-logs-${ns}`, fargateLogGroup(naming, ns), settings.fargate.retentionDays, "observability.logs.fargate.retentionDays"));
      }
      const arns = [...this.fargateLogGroups.values()].map((g) => g.arn);
      const doc = new DataAwsIamPolicyDocument(scope, "fargate-pod-execution-logs", {
        statement: [
          {
            sid: "FargateLogRouterWritesItsNamespacesGroups",
            actions: WRITE_ACTIONS,
            resources: arns.flatMap((arn) => [arn, `${arn}:log-stream:*`]),
          },
        ],
      });
      new IamRolePolicy(scope, "fargate-pod-execution-logs-policy", { name: "write-fargate-logs", role: props.podExecutionRoleName, policy: doc.json });
    }

    if (ec2) {
      for (const kind of CONTAINER_INSIGHTS_LOG_KINDS) {
        this.containerInsightsLogGroups.push(group(`container-insights-${kind}`, containerInsightsLogGroup(props.clusterName, kind), settings.ec2.retentionDays, "observability.logs.ec2.retentionDays"));
      }
      const arns = this.containerInsightsLogGroups.map((g) => g.arn);
      const role = new IrsaRole(scope, "cloudwatch-agent-irsa", {
        oidcProviderArn: props.oidcProviderArn,
        oidcIssuerUrl: props.oidcIssuerUrl,
        namespace: CLOUDWATCH_AGENT.namespace,
        serviceAccount: CLOUDWATCH_AGENT.serviceAccount,
        roleName: naming.bounded("cloudwatch-agent", 64),
        description: `CloudWatch agent and Fluent Bit of ${props.clusterName}: Container Insights metrics and EC2 pod logs`,
        statements: [
          // The agent and Fluent Bit call CreateLogGroup at start; the groups exist, so it only answers "already exists".
          { sid: "WriteContainerInsightsGroups", actions: ["logs:CreateLogGroup", ...WRITE_ACTIONS], resources: arns.flatMap((arn) => [arn, `${arn}:log-stream:*`]) },
          { sid: "FindLogGroups", actions: ["logs:DescribeLogGroups"], resources: [context.arn("logs", "log-group:*")] },
          // Container Insights publishes through embedded-metric-format logs; PutMetricData only to its own namespace.
          { sid: "ContainerInsightsMetrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"], condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["ContainerInsights"] }] },
          // Node metadata for metric dimensions; EC2 Describe* has no resource-level permissions.
          { sid: "DescribeNodes", actions: ["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeVolumes"], resources: ["*"] },
        ],
      });
      this.addon = eksManagedAddon(scope, CLOUDWATCH_AGENT.addonName, {
        clusterName: props.clusterNameRef,
        version: settings.ec2.addonVersion,
        serviceAccountRoleArn: role.role.arn,
        configurationValues: JSON.stringify({ containerLogs: { enabled: true } }),
        // DaemonSets need nodes; the agent must find its groups and its permissions in place.
        dependsOn: [...props.addonDependsOn, ...this.containerInsightsLogGroups, ...role.permissionsInPlace()],
      });
    }
  }
}
