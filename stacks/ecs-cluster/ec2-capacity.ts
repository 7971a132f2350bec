import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { EcsSettings } from "../../config/schema/ecs";
import type { AwsContext } from "../constructs/aws-context";

/** The ECS-optimized Amazon Linux 2023 AMI, as AWS publishes it in SSM (looked up at plan time). */
export const ECS_AL2023_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

export interface Ec2CapacityProps {
  readonly context: AwsContext;
  readonly clusterName: string;
  readonly settings: EcsSettings["ec2"];
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** `<prefix>-ecs-ec2`: capacity provider, Auto Scaling group, launch template and role names. */
  readonly name: string;
}

/**
 * The EC2 capacity provider for the catalog's `ec2` services: an Auto Scaling group of
 * ECS-optimized AL2023 instances in the private subnets (IMDSv2 only, hop limit 1, tasks
 * blocked from IMDS, encrypted gp3 root volume, no SSH key, no inbound rule), scaled by
 * ECS managed scaling, with managed termination protection so a scale-in never stops a
 * running task (which needs the group's scale-in protection on).
 */
export class Ec2Capacity extends Construct {
  readonly capacityProvider: EcsCapacityProvider;
  readonly autoScalingGroup: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const s = props.settings;
    const managedPolicy = (name: string) => `arn:${props.context.partition}:iam::aws:policy/${name}`;

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    });
    trust.overrideLogicalId("ecs-instance-trust");
    const role = new IamRole(this, "role", { name: props.name, description: `ECS container instances of ${props.clusterName}`, assumeRolePolicy: trust.json });
    role.overrideLogicalId("ecs-instance-role");
    // The ECS agent's own policy: register the instance, pull images, write the agent's logs.
    new IamRolePolicyAttachment(this, "agent-policy", { role: role.name, policyArn: managedPolicy("service-role/AmazonEC2ContainerServiceforEC2Role") }).overrideLogicalId("ecs-instance-agent-policy");
    const profile = new IamInstanceProfile(this, "profile", { name: props.name, role: role.name });
    profile.overrideLogicalId("ecs-instance-profile");

    // Tasks use awsvpc ENIs with their own security groups; the instance itself takes no inbound traffic.
    const sg = new SecurityGroup(this, "security-group", {
      name: props.name,
      description: `ECS container instances of ${props.clusterName}: no inbound, HTTPS out (ECS agent, ECR, AWS APIs)`,
      vpcId: props.vpcId,
      egress: [{ description: "HTTPS to the ECS agent endpoints, ECR and AWS APIs", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
      revokeRulesOnDelete: true,
    });
    sg.overrideLogicalId("ecs-instance-security-group");

    const ami = new DataAwsSsmParameter(this, "ami", { name: ECS_AL2023_AMI_PARAMETER });
    ami.overrideLogicalId("ecs-al2023-ami");
    // ECS_AWSVPC_BLOCK_IMDS keeps tasks from reaching the instance role through IMDS.
    const userData = ["#!/bin/bash", `echo ECS_CLUSTER=${props.clusterName} >> /etc/ecs/ecs.config`, "echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config", ""].join("\n");

    const template = new LaunchTemplate(this, "launch-template", {
      name: props.name,
      description: `ECS container instances of ${props.clusterName}`,
      imageId: ami.value,
      instanceType: s.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [sg.id],
      userData: Fn.base64encode(userData),
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: s.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
      monitoring: { enabled: true },
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: { Name: props.name } })),
    });
    template.overrideLogicalId("ecs-instance-launch-template");

    this.autoScalingGroup = new AutoscalingGroup(this, "group", {
      name: props.name,
      minSize: s.minSize,
      maxSize: s.maxSize,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
      // Managed termination protection needs it: ECS lifts it from instances it has drained.
      protectFromScaleIn: true,
      healthCheckType: "EC2",
      tag: [
        { key: "Name", value: props.name, propagateAtLaunch: true },
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      ],
      // ECS managed scaling owns the size once created.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });
    this.autoScalingGroup.overrideLogicalId("ecs-instance-group");

    this.capacityProvider = new EcsCapacityProvider(this, "capacity-provider", {
      name: props.name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroup.arn,
        managedTerminationProtection: "ENABLED",
        managedScaling: { status: "ENABLED", targetCapacity: s.targetCapacityPercent, minimumScalingStepSize: 1, maximumScalingStepSize: 10 },
      },
    });
    this.capacityProvider.overrideLogicalId("ec2-capacity-provider");
  }
}
