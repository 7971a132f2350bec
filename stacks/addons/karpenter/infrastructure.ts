import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import type { TerraformStack } from "cdktf";
import { publishOutputs } from "../../contracts";
import { KARPENTER_OUTPUTS, type KarpenterOutputs, NO_KARPENTER } from "../../contracts/karpenter";
import type { Naming } from "../../../facts/naming";
import type { AwsContext } from "../../constructs/aws-context";
import { IrsaRole } from "../../constructs/irsa-role";
import { KARPENTER_CONTROLLER, KARPENTER_DISCOVERY_TAG_KEY, karpenterDiscoveryTags } from "../../../facts/karpenter";

export interface KarpenterInfrastructureProps {
  readonly context: AwsContext;
  readonly naming: Naming;
  /** The cluster's name as a reference (so everything waits for the cluster). */
  readonly clusterName: string;
  /** Security group EKS attaches to nodes; it gets the discovery tag. */
  readonly nodeSecurityGroupId: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuerUrl: string;
  /** AWS-managed policies for the node role (the same set the managed node group's role has). */
  readonly nodePolicyArns: Record<string, string>;
}

/**
 * EventBridge events Karpenter handles (upstream's getting-started template): it drains a
 * node before AWS takes it away, and replaces one that is being rebalanced, stopped or
 * retired. Keys are short so `<prefix>-karpenter-<key>` stays within the 64-character rule name limit.
 */
export const INTERRUPTION_EVENTS = {
  spot: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  health: { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  reservation: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
} as const;

/**
 * The AWS side of Karpenter, in the cluster stack (AWS provider only):
 *  - the node role and its EKS access entry of type EC2_LINUX. No instance profile: Karpenter
 *    v1 creates one from the EC2NodeClass's `role` and tags it, which its policy allows;
 *  - the controller's IRSA role with upstream's five policies, scoped to this cluster,
 *    region and account;
 *  - the interruption queue (SSE-SQS, 5-minute retention as upstream) that only these
 *    EventBridge rules may write to, over TLS only;
 *  - the discovery tag on the node security group (the network stack tags the subnets
 *    from the same function).
 */
export class KarpenterInfrastructure extends Construct {
  readonly outputs: KarpenterOutputs;
  readonly nodeRole: IamRole;
  readonly queue: SqsQueue;
  readonly rules: Record<keyof typeof INTERRUPTION_EVENTS, CloudwatchEventRule>;

  constructor(scope: Construct, id: string, props: KarpenterInfrastructureProps) {
    super(scope, id);
    const { context, naming } = props;
    const clusterName = naming.prefix;
    const readable = <T extends { overrideLogicalId(id: string): void }>(el: T, logicalId: string): T => {
      el.overrideLogicalId(logicalId);
      return el;
    };

    // --- Node role: what a node needs to join and pull images, nothing else.
    const trust = readable(
      new DataAwsIamPolicyDocument(this, "node-role-trust", {
        statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
      }),
      "karpenter-node-role-trust",
    );
    this.nodeRole = readable(
      new IamRole(this, "node-role", {
        name: naming.bounded("karpenter-node", 64),
        description: `Nodes Karpenter launches for ${clusterName}`,
        assumeRolePolicy: trust.json,
      }),
      "karpenter-node-role",
    );
    const nodePolicies = Object.entries(props.nodePolicyArns).map(([key, arn]) =>
      readable(new IamRolePolicyAttachment(this, `node-role-${key}`, { role: this.nodeRole.name, policyArn: arn }), `karpenter-node-role-${key}-policy`),
    );
    // Nodes Karpenter launches are not in a managed node group, so EKS creates no entry for them.
    readable(
      new EksAccessEntry(this, "node-access-entry", {
        clusterName: props.clusterName,
        principalArn: this.nodeRole.arn,
        type: "EC2_LINUX",
        tags: { Name: "karpenter-nodes" },
        dependsOn: nodePolicies,
      }),
      "karpenter-node-access-entry",
    );

    // --- Interruption queue and the rules that feed it.
    this.queue = readable(
      new SqsQueue(this, "queue", {
        name: naming.bounded("karpenter-interruption", 80),
        // Upstream's figure: an event older than five minutes is past acting on.
        messageRetentionSeconds: 300,
        // SSE-SQS, as upstream: EventBridge can write to it without a key grant (a queue under
        // the AWS-managed aws/sqs KMS key would silently drop every event).
        sqsManagedSseEnabled: true,
      }),
      "karpenter-interruption-queue",
    );
    const entries = Object.entries(INTERRUPTION_EVENTS) as [keyof typeof INTERRUPTION_EVENTS, (typeof INTERRUPTION_EVENTS)[keyof typeof INTERRUPTION_EVENTS]][];
    this.rules = Object.fromEntries(
      entries.map(([key, pattern]) => {
        const rule = readable(
          new CloudwatchEventRule(this, `rule-${key}`, {
            name: naming.bounded(`karpenter-${key}`, 64),
            description: `${pattern["detail-type"][0]} → Karpenter's interruption queue of ${clusterName}`,
            eventPattern: JSON.stringify(pattern),
          }),
          `karpenter-${key}-rule`,
        );
        readable(new CloudwatchEventTarget(this, `target-${key}`, { rule: rule.name, targetId: "karpenter-interruption-queue", arn: this.queue.arn }), `karpenter-${key}-target`);
        return [key, rule];
      }),
    ) as Record<keyof typeof INTERRUPTION_EVENTS, CloudwatchEventRule>;
    const queuePolicy = readable(
      new DataAwsIamPolicyDocument(this, "queue-policy-document", {
        statement: interruptionQueueStatements(this.queue.arn, Object.values(this.rules).map((r) => r.arn)),
      }),
      "karpenter-interruption-queue-policy",
    );
    readable(new SqsQueuePolicy(this, "queue-policy", { queueUrl: this.queue.id, policy: queuePolicy.json }), "karpenter-interruption-queue-policy");

    // --- Discovery tag on the node security group (the network stack tags the subnets).
    const [[tagKey, tagValue]] = Object.entries(karpenterDiscoveryTags(naming));
    if (tagKey !== KARPENTER_DISCOVERY_TAG_KEY) throw new Error("karpenterDiscoveryTags must return the discovery tag");
    readable(new Ec2Tag(this, "security-group-discovery-tag", { resourceId: props.nodeSecurityGroupId, key: tagKey, value: tagValue }), "karpenter-security-group-discovery-tag");

    // --- Controller role (IRSA), upstream's policies split the same way.
    const groups = karpenterControllerStatements(context, clusterName, this.nodeRole.arn, this.queue.arn);
    const policies = Object.entries(groups).map(([group, statements]) => {
      const doc = readable(new DataAwsIamPolicyDocument(this, `controller-${group}-document`, { statement: statements }), `karpenter-controller-${group}`);
      return readable(
        new IamPolicy(this, `controller-${group}`, {
          name: naming.bounded(`karpenter-${group}`, 128),
          description: `Karpenter controller of ${clusterName}: ${group.replace(/-/g, " ")}`,
          policy: doc.json,
        }),
        `karpenter-controller-${group}`,
      );
    });
    const role = new IrsaRole(this, "karpenter-controller", {
      oidcProviderArn: props.oidcProviderArn,
      oidcIssuerUrl: props.oidcIssuerUrl,
      namespace: KARPENTER_CONTROLLER.namespace,
      serviceAccount: KARPENTER_CONTROLLER.serviceAccount,
      roleName: naming.bounded("karpenter-controller", 64),
      managedPolicyArns: policies.map((p) => p.arn),
      description: `Karpenter controller of ${clusterName}: launches and terminates its nodes`,
    });

    this.outputs = {
      karpenterNodeRoleName: this.nodeRole.name,
      karpenterControllerRoleArn: role.role.arn,
      karpenterInterruptionQueueName: this.queue.name,
    };
  }
}

/**
 * The cluster stack's one call: Karpenter's AWS side when `cluster.autoscaling` is
 * "karpenter", and its outputs in every mode ("" when off).
 */
export function addKarpenterInfrastructure(stack: TerraformStack, enabled: boolean, props: KarpenterInfrastructureProps): KarpenterInfrastructure | undefined {
  const karpenter = enabled ? new KarpenterInfrastructure(stack, "karpenter", props) : undefined;
  publishOutputs(stack, KARPENTER_OUTPUTS, karpenter?.outputs ?? NO_KARPENTER);
  return karpenter;
}

/** EventBridge may send, only from these rules; nobody may use the queue without TLS. */
export function interruptionQueueStatements(queueArn: string, ruleArns: string[]): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "EventBridgeRulesOnly",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["sqs:SendMessage"],
      resources: [queueArn],
      condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ruleArns }],
    },
    {
      sid: "DenyHTTP",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["sqs:*"],
      resources: [queueArn],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    },
  ];
}

/**
 * The controller's permissions as upstream's getting-started template (v1.14.1) groups and
 * scopes them: every write conditioned on this cluster's ownership tags, with account-wide
 * `*` narrowed to this account and region where an ARN names them (the platform's VPC,
 * subnets and security groups are this account's; a shared VPC from another account would
 * need the subnet and security-group ARNs widened again).
 */
export function karpenterControllerStatements(aws: AwsContext, clusterName: string, nodeRoleArn: string, queueArn: string): Record<string, DataAwsIamPolicyDocumentStatement[]> {
  const ec2 = (resource: string) => aws.arn("ec2", resource);
  const ownedTag = `kubernetes.io/cluster/${clusterName}`;
  const resourceOwned = { test: "StringEquals", variable: `aws:ResourceTag/${ownedTag}`, values: ["owned"] };
  const resourceInPool = { test: "StringLike", variable: "aws:ResourceTag/karpenter.sh/nodepool", values: ["*"] };
  const requestOwned = [
    { test: "StringEquals", variable: `aws:RequestTag/${ownedTag}`, values: ["owned"] },
    { test: "StringEquals", variable: "aws:RequestTag/eks:eks-cluster-name", values: [clusterName] },
  ];
  const requestInPool = { test: "StringLike", variable: "aws:RequestTag/karpenter.sh/nodepool", values: ["*"] };
  const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
  const instanceProfiles = `arn:${aws.partition}:iam::${aws.accountId}:instance-profile/*`;
  const region = aws.region;
  return {
    "node-lifecycle": [
      {
        sid: "AllowScopedEC2InstanceAccessActions",
        actions: ["ec2:RunInstances", "ec2:CreateFleet"],
        resources: [
          `arn:${aws.partition}:ec2:${region}::image/*`,
          `arn:${aws.partition}:ec2:${region}::snapshot/*`,
          ...["security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"].map(ec2),
        ],
      },
      {
        sid: "AllowScopedEC2LaunchTemplateAccessActions",
        actions: ["ec2:RunInstances", "ec2:CreateFleet"],
        resources: [ec2("launch-template/*")],
        condition: [resourceOwned, resourceInPool],
      },
      {
        sid: "AllowScopedEC2InstanceActionsWithTags",
        actions: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        resources: launched,
        condition: [...requestOwned, requestInPool],
      },
      {
        sid: "AllowScopedResourceCreationTagging",
        actions: ["ec2:CreateTags"],
        resources: launched,
        condition: [...requestOwned, { test: "StringEquals", variable: "ec2:CreateAction", values: ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] }, requestInPool],
      },
      {
        sid: "AllowScopedResourceTagging",
        actions: ["ec2:CreateTags"],
        resources: [ec2("instance/*")],
        condition: [
          resourceOwned,
          resourceInPool,
          { test: "StringEqualsIfExists", variable: "aws:RequestTag/eks:eks-cluster-name", values: [clusterName] },
          { test: "ForAllValues:StringEquals", variable: "aws:TagKeys", values: ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
        ],
      },
      {
        sid: "AllowScopedDeletion",
        actions: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
        resources: [ec2("instance/*"), ec2("launch-template/*")],
        condition: [resourceOwned, resourceInPool],
      },
    ],
    "iam-integration": [
      {
        sid: "AllowPassingInstanceRole",
        actions: ["iam:PassRole"],
        resources: [nodeRoleArn],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] }],
      },
      {
        sid: "AllowScopedInstanceProfileCreationActions",
        actions: ["iam:CreateInstanceProfile"],
        resources: [instanceProfiles],
        condition: [
          ...requestOwned,
          { test: "StringEquals", variable: "aws:RequestTag/topology.kubernetes.io/region", values: [region] },
          { test: "StringLike", variable: "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", values: ["*"] },
        ],
      },
      {
        sid: "AllowScopedInstanceProfileTagActions",
        actions: ["iam:TagInstanceProfile"],
        resources: [instanceProfiles],
        condition: [
          resourceOwned,
          { test: "StringEquals", variable: "aws:ResourceTag/topology.kubernetes.io/region", values: [region] },
          ...requestOwned,
          { test: "StringEquals", variable: "aws:RequestTag/topology.kubernetes.io/region", values: [region] },
          { test: "StringLike", variable: "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", values: ["*"] },
          { test: "StringLike", variable: "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", values: ["*"] },
        ],
      },
      {
        sid: "AllowScopedInstanceProfileActions",
        actions: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
        resources: [instanceProfiles],
        condition: [
          resourceOwned,
          { test: "StringEquals", variable: "aws:ResourceTag/topology.kubernetes.io/region", values: [region] },
          { test: "StringLike", variable: "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", values: ["*"] },
        ],
      },
    ],
    "eks-integration": [{ sid: "AllowAPIServerEndpointDiscovery", actions: ["eks:DescribeCluster"], resources: [aws.arn("eks", `cluster/${clusterName}`)] }],
    interruption: [{ sid: "AllowInterruptionQueueActions", actions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], resources: [queueArn] }],
    "zonal-shift": [
      {
        sid: "AllowZonalShiftStatusReadOnly",
        actions: ["arc-zonal-shift:GetManagedResource"],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "arc-zonal-shift:ResourceIdentifier", values: [aws.arn("eks", `cluster/${clusterName}`)] }],
      },
    ],
    "resource-discovery": [
      {
        sid: "AllowRegionalReadActions",
        actions: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
        ],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: [region] }],
      },
      { sid: "AllowSSMReadActions", actions: ["ssm:GetParameter"], resources: [`arn:${aws.partition}:ssm:${region}::parameter/aws/service/*`] },
      { sid: "AllowPricingReadActions", actions: ["pricing:GetProducts"], resources: ["*"] },
      { sid: "AllowUnscopedInstanceProfileListAction", actions: ["iam:ListInstanceProfiles"], resources: ["*"] },
      { sid: "AllowInstanceProfileReadActions", actions: ["iam:GetInstanceProfile"], resources: [instanceProfiles] },
    ],
  };
}
