import type { Construct } from "constructs";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { ServiceDiscoveryHttpNamespace } from "@cdktf/provider-aws/lib/service-discovery-http-namespace";
import { ecsLaunch } from "../../config/schema/ecs-checks";
import { ECS_CLUSTER_OUTPUTS, type EcsClusterOutputs, NETWORK_OUTPUTS, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { Ec2Capacity } from "./ec2-capacity";
import { ECS_CAPACITY_PURPOSE } from "../../facts/naming";

/**
 * The ECS cluster (platform.orchestrator "ecs"), in place of the EKS cluster stack: the
 * cluster with Container Insights, the FARGATE and FARGATE_SPOT capacity providers with the
 * configured default strategy, the Cloud Map namespace Service Connect registers the
 * services in, and, only when the catalog places a service on EC2, the EC2 capacity
 * provider. Subnets come from the network stack's state.
 */
export class EcsClusterStack extends PlatformStack {
  readonly outputs: EcsClusterOutputs;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "ecs-cluster", props);
    const settings = this.config.ecs;
    const clusterName = this.naming.prefix;
    const network = this.upstream("network", NETWORK_OUTPUTS);
    const context = new AwsContext(this, "aws-context", this.config.platform.region);

    // Service Connect needs only API discovery (an HTTP namespace); no private hosted zone.
    const namespace = new ServiceDiscoveryHttpNamespace(this, "service-connect-namespace", {
      name: clusterName,
      description: `Service Connect namespace of ECS cluster ${clusterName}`,
    });

    const cluster = new EcsCluster(this, "cluster", {
      name: clusterName,
      setting: [{ name: "containerInsights", value: settings.containerInsights }],
      serviceConnectDefaults: { namespace: namespace.arn },
    });

    const needsEc2 = this.config.workloads.app.services.some((s) => ecsLaunch(s) === "ec2");
    const ec2 = needsEc2
      ? new Ec2Capacity(this, "ec2-capacity", {
          context,
          clusterName,
          settings: settings.ec2,
          vpcId: network.vpcId,
          subnetIds: network.privateSubnetIds,
          name: this.naming.bounded(ECS_CAPACITY_PURPOSE, 64),
        })
      : undefined;

    new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT", ...(ec2 ? [ec2.capacityProvider.name] : [])],
      defaultCapacityProviderStrategy: settings.capacityProviderStrategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })),
    });

    this.outputs = {
      clusterName: cluster.name,
      clusterArn: cluster.arn,
      serviceConnectNamespaceArn: namespace.arn,
      serviceConnectNamespaceName: namespace.name,
      ec2CapacityProviderName: ec2?.capacityProvider.name ?? "",
      ec2AutoScalingGroupName: ec2?.autoScalingGroup.name ?? "",
    };
    publishOutputs(this, ECS_CLUSTER_OUTPUTS, this.outputs);
  }
}
