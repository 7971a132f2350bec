/**
 * What the local AWS (moto's server mode, the version pinned in requirements-dev.txt)
 * cannot do, in one place. The harness reads only this file to decide what to leave out of
 * an apply and which second-plan differences are moto's rather than the stacks'.
 *
 * Adding a stack with a resource moto lacks: add its type here with the reason (the moto
 * API that is missing). A second-plan difference goes here only once it is shown to come
 * from moto (what moto returns that AWS does not); anything else is a bug to fix in the stack.
 */
import type { MissingAttribute } from "./stack-copy";

/** Resource types the harness leaves out of an apply, with the reason. */
export const MOTO_UNSUPPORTED: Readonly<Record<string, string>> = {
  aws_eks_addon:
    "moto's EKS implements clusters, node groups, Fargate profiles and tags only: no CreateAddon/DescribeAddon",
  aws_eks_access_entry: "moto's EKS has no access-entry API (CreateAccessEntry)",
  aws_eks_access_policy_association: "moto's EKS has no access-entry API (AssociateAccessPolicy)",
  aws_appautoscaling_target:
    "moto's Application Auto Scaling has no ListTagsForResource (it answers 500), which the provider calls to read every scalable target",
};

/**
 * Attributes moto leaves empty where AWS fills them in. A resource that reads one (e.g. to
 * tag it) would send moto an empty ID, so it is left out of the apply with the reason, and
 * so is whatever refers to it; the rest of the stack is applied.
 */
export const MOTO_MISSING_ATTRIBUTES: readonly MissingAttribute[] = [
  {
    type: "aws_eks_cluster",
    attribute: "vpc_config[0].cluster_security_group_id",
    reason:
      "moto's CreateCluster stores resourcesVpcConfig as sent and creates no cluster security group, so DescribeCluster returns no clusterSecurityGroupId",
  },
];

/** A second-plan difference shown to come from moto, not from the stack. */
export interface MotoDrift {
  /** Resource type whose second plan differs. */
  readonly type: string;
  /** Attribute path (prefix) that differs, as the harness prints it: `tags`, `access_config[0]`. */
  readonly attribute: string;
  /** What moto returns that AWS does not, and how that makes the plan differ. */
  readonly reason: string;
  /**
   * Accepts the values (state, then plan) at the path only when they are moto's doing, so
   * the entry cannot hide a real difference in the same attribute. @default any values
   */
  readonly check?: (before: unknown, after: unknown) => boolean;
}

/** null, "", [] and {}: what the provider records when moto returns nothing. */
const empty = (v: unknown): boolean =>
  v === undefined || v === null || v === "" || (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v as object).length === 0);

export const MOTO_DRIFT: readonly MotoDrift[] = [
  {
    type: "aws_eks_cluster",
    attribute: "access_config",
    reason:
      "moto's CreateCluster drops accessConfig and DescribeCluster returns none, so the state has none and the plan replaces the cluster to set it",
    check: (before) => empty(before),
  },
  {
    type: "aws_eks_cluster",
    attribute: "upgrade_policy",
    reason: "moto's DescribeCluster returns no upgradePolicy, so the state has none",
    check: (before) => empty(before),
  },
  {
    type: "aws_eks_node_group",
    attribute: "remote_access",
    reason:
      "moto gives every node group without remoteAccess a made-up one (ec2SshKey \"eksKeypair\"); AWS returns none, and with a launch template none is allowed",
    check: (before, after) => empty(after) && JSON.stringify(before ?? "").includes("eksKeypair"),
  },
  {
    type: "aws_eks_node_group",
    attribute: "update_config",
    reason: "moto's CreateNodegroup ignores updateConfig (only UpdateNodegroupConfig stores it), so the state has none",
    check: (before) => empty(before),
  },
  ...(["tags", "tags_all"] as const).map((attribute) => ({
    type: "aws_s3_bucket",
    attribute,
    reason:
      "provider 6.x tags a bucket on create (CreateBucketConfiguration.Tags), which moto's CreateBucket ignores, so GetBucketTagging returns none",
    check: (before: unknown) => empty(before),
  })),
  // moto's CreateService reads only cluster, name, task definition, count, load balancers,
  // scheduling, tags, deployment controller, launch type, network, registries, platform
  // version, propagateTags and role: everything else is dropped, and DescribeServices
  // returns it empty.
  ...(["capacity_provider_strategy", "service_connect_configuration"] as const).map((attribute) => ({
    type: "aws_ecs_service",
    attribute,
    reason: `moto's CreateService ignores ${attribute === "capacity_provider_strategy" ? "capacityProviderStrategy" : "serviceConnectConfiguration"} and DescribeServices returns none, so the state has none`,
    check: (before: unknown) => empty(before),
  })),
  {
    type: "aws_ecs_service",
    attribute: "enable_ecs_managed_tags",
    reason: "moto's CreateService ignores enableECSManagedTags, so DescribeServices says false",
    check: (before, after) => before === false && after === true,
  },
  {
    type: "aws_ecs_service",
    attribute: "health_check_grace_period_seconds",
    reason: "moto's CreateService ignores healthCheckGracePeriodSeconds, so DescribeServices says 0",
    check: (before) => before === 0 || before === null,
  },
  ...(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"] as const).flatMap((type) => [
    {
      type,
      attribute: "description",
      reason:
        "moto keeps a rule's Description only for CIDR rules (its ip_range); for a rule that references a security group DescribeSecurityGroupRules returns none",
      check: (before: unknown) => empty(before),
    },
    {
      type,
      attribute: "referenced_security_group_id",
      reason:
        "moto returns the referenced group with its owner (UserId); the provider writes owner/group-id when the owner is not its own account ID, which it does not know here because the override skips the account-ID lookup (against AWS it does, and writes the group ID alone)",
      check: (before: unknown, after: unknown) => typeof after === "string" && before === `123456789012/${after}`,
    },
  ]),
  {
    type: "aws_launch_template",
    attribute: "tag_specifications",
    reason:
      "moto copies the launch template's own tags (resource type launch-template) into its launch data's TagSpecifications; AWS keeps them apart",
    check: (before, after) =>
      Array.isArray(before) &&
      JSON.stringify(before.filter((t: { resource_type?: string }) => t.resource_type !== "launch-template")) === JSON.stringify(after),
  },
];
