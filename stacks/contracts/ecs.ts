import type { Contract, ContractValues } from "./index";

/** What the ecs-cluster stack hands the ecs-services stack (platform.orchestrator "ecs"). */
export const ECS_CLUSTER_OUTPUTS = {
  clusterName: { name: "ecs_cluster_name", kind: "string", description: "ECS cluster name" },
  clusterArn: { name: "ecs_cluster_arn", kind: "string", description: "ECS cluster ARN" },
  serviceConnectNamespaceArn: { name: "service_connect_namespace_arn", kind: "string", description: "Cloud Map HTTP namespace every service joins with Service Connect" },
  serviceConnectNamespaceName: { name: "service_connect_namespace_name", kind: "string", description: "Name of the Cloud Map namespace" },
  ec2CapacityProviderName: { name: "ec2_capacity_provider_name", kind: "string", description: "EC2 capacity provider for the catalog's ec2 services (\"\" when none is placed on EC2)" },
  ec2AutoScalingGroupName: { name: "ec2_autoscaling_group_name", kind: "string", description: "Auto Scaling group behind the EC2 capacity provider (\"\" when none)" },
} as const satisfies Contract;

export type EcsClusterOutputs = ContractValues<typeof ECS_CLUSTER_OUTPUTS>;

/** The ecs-services stack's shared output (per-service outputs come from ecsServiceOutputs). */
export const ECS_SERVICES_OUTPUTS = {
  loadBalancerHostname: { name: "load_balancer_hostname", kind: "string", description: "DNS name of the internet-facing ALB shared by the public services (\"\" when no service is public)" },
} as const satisfies Contract;

export type EcsServicesOutputs = ContractValues<typeof ECS_SERVICES_OUTPUTS>;

/** The outputs of one catalog service on ECS: `service_<name>_task_role_arn`, `_security_group_id`, `_repository_url`. */
export function ecsServiceOutputs(service: string) {
  const key = service.replace(/-/g, "_");
  return {
    taskRoleArn: { name: `service_${key}_task_role_arn`, kind: "string", description: `IAM role of ${service}'s tasks` },
    securityGroupId: { name: `service_${key}_security_group_id`, kind: "string", description: `Security group of ${service}'s tasks (admits only its callers)` },
    repositoryUrl: { name: `service_${key}_repository_url`, kind: "string", description: `ECR repository ${service}'s images are pushed to ("" when it uses only external images)` },
  } as const satisfies Contract;
}
