import { DataAwsEc2ManagedPrefixList } from "@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpclatticeServiceNetwork } from "@cdktf/provider-aws/lib/vpclattice-service-network";
import { VpclatticeServiceNetworkVpcAssociation } from "@cdktf/provider-aws/lib/vpclattice-service-network-vpc-association";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { CHARTS } from "../../../facts/charts";
import { COMPUTE_LABEL } from "../../../config/schema/cluster";
import { latticePorts } from "../../../config/schema/lattice";
import type { AwsContext } from "../../constructs/aws-context";
import { skipCheck } from "../../synth/checkov";
import { HelmAddon } from "../../addons/helm-addon";
import { IrsaRole } from "../../constructs/irsa-role";
import { LatticeAccessLogs } from "./access-logs";
import { GatewayApiCrds } from "./gateway-api-crds";
import type { MeshInstaller } from "../installer";

/** Where the AWS Gateway API Controller runs, and as whom (the upstream defaults); its IRSA trust names exactly this pair. */
export const GATEWAY_CONTROLLER = { namespace: "aws-application-networking-system", serviceAccount: "gateway-api-controller", releaseName: "gateway-api-controller" } as const;

/** The GatewayClass the controller serves (upstream files/controller-installation/gatewayclass.yaml). */
export const LATTICE_GATEWAY_CLASS = { name: "amazon-vpc-lattice", controllerName: "application-networking.k8s.aws/gateway-api-controller" } as const;

/** Name of the AWS-managed prefix list of the VPC Lattice data plane in a region. */
export function latticePrefixListName(region: string): string {
  return `com.amazonaws.${region}.vpc-lattice`;
}

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
export const installVpcLattice: MeshInstaller = ({ scope, config, naming, cluster, network, aws, meshName, helm, after }) => {
  const { namespace, serviceAccount, releaseName } = GATEWAY_CONTROLLER;
  const region = config.platform.region;

  const ns = new NamespaceV1(scope, "gateway-controller-namespace", {
    metadata: {
      name: namespace,
      labels: {
        "app.kubernetes.io/managed-by": "terraform",
        "eks-mesh-platform/stack": "mesh",
        "eks-mesh-platform/component": "mesh-controller",
        // The chart's pod and container security contexts meet "restricted".
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  });

  const gatewayApi = new GatewayApiCrds(scope, "gateway-api");

  // IRSA, as for every other controller here: one mechanism across the platform, and it
  // needs no extra add-on (EKS Pod Identity would need the pod identity agent DaemonSet
  // in the cluster stack, which must not change when the mesh implementation does).
  const role = new IrsaRole(scope, "gateway-controller-role", {
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
    namespace,
    serviceAccount,
    roleName: naming.bounded("lattice-controller", 64),
    description: "AWS Gateway API Controller: VPC Lattice services, listeners, target groups and auth policies",
    statements: latticeControllerStatements(aws),
  });
  const permissions = role.permissions;
  if (permissions) {
    const why =
      "the AWS Gateway API Controller's recommended policy (v2.1.3): it creates VPC Lattice services, listeners, rules and target groups whose names and IDs only exist once routes are reconciled, and lists and tags them by the controller's own tags, so vpc-lattice:* keeps Resource * as upstream ships it";
    skipCheck(permissions, "CKV_AWS_111", why);
    skipCheck(permissions, "CKV_AWS_356", why);
    skipCheck(
      permissions,
      "CKV_AWS_109",
      "writing VPC Lattice auth policies (vpc-lattice:PutAuthPolicy) is the controller's job: it turns each IAMAuthPolicy the workloads stack renders into the auth policy of a Lattice service it created, whose ID exists only after reconciliation",
    );
  }

  const vpcId = network().vpcId;
  const serviceNetwork = new VpclatticeServiceNetwork(scope, "service-network", {
    // The controller maps a Gateway to the service network of the same name.
    name: meshName,
    // Authorization is per service (an IAMAuthPolicy on each route, from the catalog).
    authType: "NONE",
  });
  new VpclatticeServiceNetworkVpcAssociation(scope, "service-network-vpc-association", {
    serviceNetworkIdentifier: serviceNetwork.id,
    vpcIdentifier: vpcId,
  });

  // Who called whom, for every request through the network (observability.logs.lattice).
  const accessLogSettings = config.observability.logs.lattice;
  const accessLogs = accessLogSettings.enabled
    ? new LatticeAccessLogs(scope, "lattice-access-logs", { context: aws, naming, serviceNetworkId: serviceNetwork.id, retentionDays: accessLogSettings.retentionDays })
    : undefined;

  // The Lattice data plane reaches pods from its managed prefix list, looked up by name.
  const prefixList = new DataAwsEc2ManagedPrefixList(scope, "lattice-prefix-list", { name: latticePrefixListName(region) });
  for (const port of latticePorts(config.workloads.app.services)) {
    const rule = new VpcSecurityGroupIngressRule(scope, `lattice-to-pods-${port}`, {
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

  new HelmAddon(scope, "gateway-controller", {
    chart: CHARTS.gatewayController,
    version: CHARTS.gatewayController.version,
    ...helm,
    releaseName,
    namespace,
    manageCrds: true,
    values: {
      awsRegion: region,
      awsAccountId: aws.accountId,
      clusterVpcId: vpcId,
      clusterName: cluster.clusterName,
      serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.role.arn } },
      // This chart reads its node selector under `deployment` (merged with its kubernetes.io/os: linux).
      deployment: { nodeSelector: { [COMPUTE_LABEL]: "ec2" } },
    },
    dependsOn: [ns, ...Object.values(gatewayApi.crds), ...after.map((a) => a.release), ...role.permissionsInPlace()],
  });

  return {
    controllerNamespace: namespace,
    controllerChartVersion: CHARTS.gatewayController.version,
    envoyImage: "",
    envoyTracing: "",
    sidecarInjectionLabel: "",
    serviceNetworkId: serviceNetwork.id,
    serviceNetworkArn: serviceNetwork.arn,
    accessLogGroup: accessLogs ? accessLogs.logGroup.name : "",
  };
};

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
