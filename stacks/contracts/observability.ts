import type { Contract, ContractValues } from "./index";

/** The observability stack's outputs (read by operators): where to look after a deploy. */
export const OBSERVABILITY_OUTPUTS = {
  alarmTopicArn: { name: "alarm_topic_arn", kind: "string", description: "SNS topic the service alarms notify (\"\" when alarms are off)" },
  dashboardName: { name: "dashboard_name", kind: "string", description: "CloudWatch dashboard of this environment (\"\" when off)" },
  fargateLogGroups: { name: "fargate_log_group_names", kind: "list", description: "CloudWatch log groups of the Fargate namespaces, /<name>/<environment>/fargate/<namespace>" },
  prometheusWorkspaceId: { name: "prometheus_workspace_id", kind: "string", description: "Amazon Managed Service for Prometheus workspace (\"\" when off)" },
  prometheusQueryEndpoint: { name: "prometheus_query_endpoint", kind: "string", description: "PromQL endpoint of the workspace (\"\" when off)" },
} as const satisfies Contract;

export type ObservabilityOutputs = ContractValues<typeof OBSERVABILITY_OUTPUTS>;
