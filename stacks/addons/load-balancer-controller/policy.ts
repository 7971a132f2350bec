import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { AwsContext } from "../../constructs/aws-context";

/**
 * The AWS Load Balancer Controller's documented policy at v3.5.0
 * (kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json), with its
 * `arn:aws:<service>:*:*:` resources narrowed to this partition, region and account.
 * Mutations stay conditioned on the `elbv2.k8s.aws/cluster` tag the controller sets.
 */
export function loadBalancerControllerStatements(aws: AwsContext): DataAwsIamPolicyDocumentStatement[] {
  const CLUSTER_TAG = "elbv2.k8s.aws/cluster";
  const requestTagged = { test: "Null", variable: `aws:RequestTag/${CLUSTER_TAG}`, values: ["false"] };
  const resourceTagged = { test: "Null", variable: `aws:ResourceTag/${CLUSTER_TAG}`, values: ["false"] };
  const notRequestTagged = { test: "Null", variable: `aws:RequestTag/${CLUSTER_TAG}`, values: ["true"] };
  const securityGroups = aws.arn("ec2", "security-group/*");
  const elb = (resource: string) => aws.arn("elasticloadbalancing", resource);
  const balancersAndGroups = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
  return [
    {
      sid: "CreateElbServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:${aws.partition}:iam::${aws.accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*`],
      condition: [{ test: "StringEquals", variable: "iam:AWSServiceName", values: ["elasticloadbalancing.amazonaws.com"] }],
    },
    {
      sid: "Describe",
      actions: [
        ...["DescribeAccountAttributes", "DescribeAddresses", "DescribeAvailabilityZones", "DescribeInternetGateways", "DescribeVpcs", "DescribeVpcPeeringConnections", "DescribeSubnets", "DescribeSecurityGroups", "DescribeInstances", "DescribeNetworkInterfaces", "DescribeTags", "GetCoipPoolUsage", "DescribeCoipPools", "GetSecurityGroupsForVpc", "DescribeIpamPools", "DescribeRouteTables"].map((a) => `ec2:${a}`),
        ...["DescribeLoadBalancers", "DescribeLoadBalancerAttributes", "DescribeListeners", "DescribeListenerCertificates", "DescribeSSLPolicies", "DescribeRules", "DescribeTargetGroups", "DescribeTargetGroupAttributes", "DescribeTargetHealth", "DescribeTags", "DescribeTrustStores", "DescribeListenerAttributes", "DescribeCapacityReservation"].map((a) => `elasticloadbalancing:${a}`),
      ],
      resources: ["*"],
    },
    {
      sid: "CertificatesWafShield",
      actions: [
        "cognito-idp:DescribeUserPoolClient",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
        "shield:CreateProtection",
        "shield:DeleteProtection",
      ],
      resources: ["*"],
    },
    { sid: "SecurityGroupIngress", actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], resources: [securityGroups] },
    { sid: "CreateSecurityGroup", actions: ["ec2:CreateSecurityGroup"], resources: [securityGroups, aws.arn("ec2", "vpc/*")] },
    {
      sid: "TagNewSecurityGroups",
      actions: ["ec2:CreateTags"],
      resources: [securityGroups],
      condition: [{ test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateSecurityGroup"] }, requestTagged],
    },
    { sid: "RetagOwnSecurityGroups", actions: ["ec2:CreateTags", "ec2:DeleteTags"], resources: [securityGroups], condition: [notRequestTagged, resourceTagged] },
    {
      sid: "ManageOwnSecurityGroups",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      resources: [securityGroups],
      condition: [resourceTagged],
    },
    { sid: "CreateTaggedBalancers", actions: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], resources: ["*"], condition: [requestTagged] },
    {
      sid: "ManageListenersAndRules",
      actions: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
      resources: [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*"), elb("listener/app/*/*/*"), elb("listener/net/*/*/*"), elb("listener-rule/app/*/*/*"), elb("listener-rule/net/*/*/*")],
    },
    { sid: "RetagOwnBalancers", actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], resources: balancersAndGroups, condition: [notRequestTagged, resourceTagged] },
    {
      sid: "TagListenersAndRules",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")],
    },
    {
      sid: "ModifyOwnBalancers",
      actions: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      resources: ["*"],
      condition: [resourceTagged],
    },
    {
      sid: "TagOnCreate",
      actions: ["elasticloadbalancing:AddTags"],
      resources: balancersAndGroups,
      condition: [{ test: "StringEquals", variable: "elasticloadbalancing:CreateAction", values: ["CreateTargetGroup", "CreateLoadBalancer"] }, requestTagged],
    },
    { sid: "RegisterTargets", actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], resources: [elb("targetgroup/*/*")] },
    {
      sid: "ManageListenersWafCertificates",
      actions: [
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
      ],
      resources: [elb("loadbalancer/app/*/*"), elb("listener/app/*/*/*"), elb("listener/net/*/*/*"), elb("listener-rule/app/*/*/*"), elb("listener-rule/net/*/*/*")],
    },
  ];
}
