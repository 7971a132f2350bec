import { Construct } from "constructs";
import { type ITerraformDependable, Token } from "cdktf";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { COMPUTE_LABEL, NODE_GROUP_LABEL, type NodeGroupSettings } from "../../config/schema/cluster";

export interface ManagedNodeGroupProps {
  /** Node group name within the cluster (the config key). */
  readonly name: string;
  readonly clusterName: string;
  /** Kubernetes version of the control plane; nodes follow it. */
  readonly kubernetesVersion: string;
  readonly nodeRoleArn: string;
  /** Private subnets only. */
  readonly subnetIds: string[];
  /** Name of the launch template (unique per region and account). */
  readonly launchTemplateName: string;
  readonly settings: NodeGroupSettings;
  readonly dependsOn?: ITerraformDependable[];
}

/** Root device of each AMI family: Bottlerocket keeps its OS on xvda and containers on xvdb. */
const DATA_DEVICE: Record<NodeGroupSettings["amiType"], string> = {
  AL2023_x86_64_STANDARD: "/dev/xvda",
  AL2023_ARM_64_STANDARD: "/dev/xvda",
  BOTTLEROCKET_x86_64: "/dev/xvdb",
  BOTTLEROCKET_ARM_64: "/dev/xvdb",
};

/**
 * An EKS managed node group on its own launch template, hardened:
 *  - IMDSv2 only, hop limit 1: pods (not on the host network) cannot reach the node's
 *    instance metadata and so cannot borrow the node role; workloads use IRSA instead.
 *  - encrypted gp3 root volume (the account's EBS key, or the given CMK);
 *  - no key pair and no `remote_access`: no SSH (SSM Session Manager is a config switch);
 *  - detailed CloudWatch monitoring on.
 * The group tracks the template's `latest_version`, so a template change rolls the nodes
 * (respecting `update_config`) instead of replacing the group (terraform-aws-eks #1109),
 * and `desired_size` is ignored after creation because an autoscaler owns it.
 *
 * Addresses: `aws_launch_template.node-group-<name>` and `aws_eks_node_group.node-group-<name>`.
 */
export class ManagedNodeGroup extends Construct {
  readonly nodeGroup: EksNodeGroup;
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    const s = props.settings;
    const logicalId = `node-group-${props.name}`;

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: props.launchTemplateName,
      description: `EKS managed node group ${props.name} of ${props.clusterName}`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: DATA_DEVICE[s.amiType],
          ebs: {
            volumeSize: s.diskSizeGiB,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: s.diskKmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: { Name: `${props.clusterName}-${props.name}` },
      })),
    });
    this.launchTemplate.overrideLogicalId(logicalId);

    this.nodeGroup = new EksNodeGroup(this, "node-group", {
      clusterName: props.clusterName,
      nodeGroupName: props.name,
      version: props.kubernetesVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: s.amiType,
      capacityType: s.capacityType,
      instanceTypes: s.instanceTypes,
      labels: { [COMPUTE_LABEL]: "ec2", [NODE_GROUP_LABEL]: props.name, ...s.labels },
      taint: s.taints.length > 0 ? s.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })) : undefined,
      scalingConfig: { minSize: s.minSize, desiredSize: s.desiredSize, maxSize: s.maxSize },
      updateConfig: { maxUnavailable: s.maxUnavailable },
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      tags: { Name: `${props.clusterName}-${props.name}` },
      lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] },
      dependsOn: props.dependsOn,
    });
    this.nodeGroup.overrideLogicalId(logicalId);
  }
}
