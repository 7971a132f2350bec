import { DataAwsEc2ManagedPrefixList } from "@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpclatticeServiceNetwork } from "@cdktf/provider-aws/lib/vpclattice-service-network";
import { VpclatticeServiceNetworkVpcAssociation } from "@cdktf/provider-aws/lib/vpclattice-service-network-vpc-association";
import { CHARTS } from "../../../charts/versions";
import { latticePorts } from "../../../config/schema/lattice";
import type { VpcLatticeSettings } from "../../../config/schema/mesh";
import { GATEWAY_CONTROLLER } from "../../../facts/controllers";
import { COMPUTE_LABEL, platformObjectLabels, podSecurityLabels } from "../../../facts/labels";
import { latticePrefixListName } from "../../../facts/mesh";
import type { AddonContext } from "../../addons/addon";
import { installController, serviceAccountValues } from "../../addons/controller-addon";
import type { AwsContext } from "../../constructs/aws-context";
import type { LatticeOutputs } from "../../contracts";
import { skipCheck } from "../../synth/checkov";
import type { InstalledMesh } from "../implementation";
import { LatticeAccessLogs } from "./access-logs";
import { GatewayApiCrds } from "./gateway-api-crds";

const WHY_WILDCARDS =
  "the AWS Gateway API Controller's recommended policy (v2.1.3): it creates VPC Lattice services, listeners, rules and target groups whose names and IDs only exist once routes are reconciled, and lists and tags them by the controller's own tags, so vpc-lattice:* keeps Resource * as upstream ships it";

/**
 * Amazon VPC Lattice: the Gateway API CRDs and the controller's own CRDs (both applied by
 * Terraform at their pinned versions), the AWS Gateway API Controller with its IRSA role,
 * the service network and its association with the platform's VPC (created here, in state
 * and outputs, not implicitly by the controller), the network's access logs to an encrypted
 * log group (observability.logs.lattice), and the security-group rules that let the
 * Lattice data plane (its managed prefix list) reach pods on the catalog's ports.
 *
 * The GatewayClass and the Gateway are custom resources of the CRDs installed here, so the
 * workloads stack creates them (kubernetes_manifest needs the CRDs at plan time, as the
 * App Mesh `Mesh` object does).
 */
export function installVpcLattice(ctx: AddonContext, settings: VpcLatticeSettings): InstalledMesh {
  const { stack, config, naming, cluster, aws } = ctx;
  const region = config.platform.region;
  const gatewayApi = new GatewayApiCrds(stack, "gateway-api");

  const vpcId = ctx.network().vpcId;
  const serviceNetwork = new VpclatticeServiceNetwork(stack, "service-network", {
    // The controller maps a Gateway to the service network of the same name.
    name: settings.name,
    // Authorization is per service (an IAMAuthPolicy on each route, from the catalog).
    authType: "NONE",
  });
  new VpclatticeServiceNetworkVpcAssociation(stack, "service-network-vpc-association", {
    serviceNetworkIdentifier: serviceNetwork.id,
    vpcIdentifier: vpcId,
  });

  // Who called whom, for every request through the network (observability.logs.lattice).
  const accessLogSettings = config.observability.logs.lattice;
  const accessLogs = accessLogSettings.enabled
    ? new LatticeAccessLogs(stack, "lattice-access-logs", { context: aws, naming, serviceNetworkId: serviceNetwork.id, retentionDays: accessLogSettings.retentionDays })
    : undefined;

  // The Lattice data plane reaches pods from its managed prefix list, looked up by name.
  const prefixList = new DataAwsEc2ManagedPrefixList(stack, "lattice-prefix-list", { name: latticePrefixListName(region) });
  for (const port of latticePorts(config.workloads.app.services)) {
    const rule = new VpcSecurityGroupIngressRule(stack, `lattice-to-pods-${port}`, {
      securityGroupId: cluster.clusterSecurityGroupId,
      prefixListId: prefixList.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `VPC Lattice data plane to catalog services on port ${port}`,
    });
    if (port === 80) {
      skipCheck(rule, "CKV_AWS_260", "the source is the AWS-managed VPC Lattice prefix list (the Lattice data plane's link-local addresses), not 0.0.0.0/0; Checkov cannot see a prefix list's entries and flags any port 80 rule without a CIDR");
    }
  }

  installController(ctx, "gateway-controller", {
    controller: GATEWAY_CONTROLLER,
    namespace: {
      id: "gateway-controller-namespace",
      // The chart's pod and container security contexts meet "restricted".
      labels: { ...platformObjectLabels("mesh", "mesh-controller"), ...podSecurityLabels({ enforce: "restricted", warn: "restricted" }) },
    },
    identity: {
      roleName: naming.bounded("lattice-controller", 64),
      description: "AWS Gateway API Controller: VPC Lattice services, listeners, target groups and auth policies",
      statements: latticeControllerStatements(aws),
      checkovSkips: [
        ["CKV_AWS_111", WHY_WILDCARDS],
        ["CKV_AWS_356", WHY_WILDCARDS],
        [
          "CKV_AWS_109",
          "writing VPC Lattice auth policies (vpc-lattice:PutAuthPolicy) is the controller's job: it turns each IAMAuthPolicy the workloads stack renders into the auth policy of a Lattice service it created, whose ID exists only after reconciliation",
        ],
      ],
    },
    chart: CHARTS.gatewayController,
    version: CHARTS.gatewayController.version,
    crds: {},
    values: ({ roleArn }) => ({
      awsRegion: region,
      awsAccountId: aws.accountId,
      clusterVpcId: vpcId,
      clusterName: cluster.clusterName,
      ...serviceAccountValues(GATEWAY_CONTROLLER.serviceAccount, roleArn),
      // This chart reads its node selector under `deployment` (merged with its kubernetes.io/os: linux).
      deployment: { nodeSelector: { [COMPUTE_LABEL]: "ec2" } },
    }),
    dependsOn: Object.values(gatewayApi.crds),
  });

  const outputs: LatticeOutputs = {
    gatewayControllerChartVersion: CHARTS.gatewayController.version,
    serviceNetworkId: serviceNetwork.id,
    serviceNetworkArn: serviceNetwork.arn,
    latticeAccessLogGroup: accessLogs ? accessLogs.logGroup.name : "",
  };
  return { controllerNamespace: GATEWAY_CONTROLLER.namespace, outputs };
}

/**
 * Actions of the controller's recommended inline policy (aws-application-networking-k8s
 * files/controller-installation/recommended-inline-policy.json, v2.1.3) that this platform
 * removes, because they serve only AccessLogPolicy, which the platform never creates:
 * access-log delivery to CloudWatch Logs, Firehose and S3, and its service-linked role.
 */
export const LATTICE_CONTROLLER_REMOVED_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:DescribeLogGroups",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "firehose:TagDeliveryStream",
  "s3:GetBucketPolicy",
  "s3:PutBucketPolicy",
] as const;

/**
 * The controller's recommended policy minus LATTICE_CONTROLLER_REMOVED_ACTIONS and the
 * log-delivery service-linked role; the Lattice service-linked role narrowed to this
 * partition and account.
 */
export function latticeControllerStatements(aws: AwsContext): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "ReconcileLatticeServices",
      actions: [
        "vpc-lattice:*",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeSecurityGroups",
        "tag:GetResources",
        "tag:TagResources",
        "tag:UntagResources",
        "acm:ListCertificates",
      ],
      resources: ["*"],
    },
    {
      sid: "CreateLatticeServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:${aws.partition}:iam::${aws.accountId}:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice`],
      condition: [{ test: "StringLike", variable: "iam:AWSServiceName", values: ["vpc-lattice.amazonaws.com"] }],
    },
  ];
}
