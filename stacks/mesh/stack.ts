import type { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CHARTS } from "../../facts/charts";
import { ignoredMeshSettings } from "../../config/schema/lattice";
import { type MeshImplementation, meshSchema } from "../../config/schema/mesh";
import { CLUSTER_OUTPUTS, type ClusterOutputs, MESH_OUTPUTS, type MeshOutputs, NETWORK_OUTPUTS, type NetworkOutputs, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { installCapacityAddons } from "../addons/capacity-addons";
import { skipCheck } from "../synth/checkov";
import { HelmAddon } from "../addons/helm-addon";
import { IrsaRole } from "../constructs/irsa-role";
import { configureKubernetesProviders } from "../constructs/kubernetes-providers";
import { installAppMesh } from "./appmesh/installer";
import type { MeshInstaller } from "./installer";
import { installVpcLattice } from "./vpc-lattice/installer";
import { addObservabilityObjects } from "../addons/fargate-logging/objects";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { warnOnce } from "../synth/warnings";

// Moved to stacks/mesh/appmesh.ts; re-exported for code that imports them from here.
export { APPMESH_CONTROLLER, appMeshControllerStatements } from "./appmesh/installer";
/** The AWS Load Balancer Controller, in kube-system like every EKS guide installs it. */
export const LOAD_BALANCER_CONTROLLER = { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", releaseName: "aws-load-balancer-controller", ingressClass: "alb" } as const;
export const METRICS_SERVER = { namespace: "kube-system", releaseName: "metrics-server" } as const;

/** One installer per `mesh.implementation` (stacks/mesh/); a successor is one more file and entry. */
const MESH_INSTALLERS: Record<MeshImplementation, MeshInstaller> = {
  appmesh: installAppMesh,
  "vpc-lattice": installVpcLattice,
};

/**
 * The mesh stack: the cluster add-ons every workload relies on, installed with Helm after
 * the cluster stack and before the workloads stack, so the workloads' custom resources
 * (App Mesh objects, or Gateway API routes and Lattice policies) find their CRDs at plan
 * time (kubernetes_manifest reads CRD schemas while planning). It talks to the cluster through providers configured from the cluster stack's
 * state, never in the state that creates the cluster (terraform-aws-eks #1234).
 *
 * Order inside the stack: the AWS Load Balancer Controller first, since its webhooks
 * intercept Services and would reject other charts' Services while it starts ("no
 * endpoints available for service aws-load-balancer-webhook-service"); then metrics-server
 * and the mesh controller.
 */
export class MeshStack extends PlatformStack {
  readonly outputs: MeshOutputs;

  private networkOutputs?: NetworkOutputs;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "mesh", props);
    const mesh = this.config.mesh;
    const region = this.config.platform.region;
    const meshName = mesh.name;

    for (const line of ignoredMeshSettings(mesh, meshSchema.parse({}))) warnOnce(`WARNING: ${line}`);

    const cluster = this.upstream("cluster", CLUSTER_OUTPUTS);
    configureKubernetesProviders(this, { cluster, region, helm: true });
    const aws = new AwsContext(this, "aws-context", region);

    const lbc = mesh.addons.loadBalancerController.enabled ? this.loadBalancerController(cluster, aws) : undefined;
    const metrics = mesh.addons.metricsServer.enabled ? this.metricsServer(lbc ? [lbc] : []) : undefined;
    const installed = MESH_INSTALLERS[mesh.implementation]({
      scope: this,
      config: this.config,
      naming: this.naming,
      cluster,
      network: () => this.network(),
      aws,
      meshName,
      helm: this.helmOptions,
      after: lbc ? [lbc] : [],
    });
    // Karpenter and the VPA recommender, when configured (stacks/constructs/capacity-addons.ts).
    installCapacityAddons(this, { clusterName: cluster.clusterName, helm: this.helmOptions, after: lbc ? [lbc] : [] });
    // Fargate's log router configuration and the Prometheus scraper's RBAC (stacks/observability).
    addObservabilityObjects(this, { config: this.config, naming: this.naming });

    this.outputs = {
      meshName,
      controllerNamespace: installed.controllerNamespace,
      meshImplementation: mesh.implementation,
      appmeshControllerChartVersion: mesh.implementation === "appmesh" ? installed.controllerChartVersion : "",
      loadBalancerControllerChartVersion: lbc ? mesh.addons.loadBalancerController.chartVersion : "",
      metricsServerChartVersion: metrics ? mesh.addons.metricsServer.chartVersion : "",
      ingressClass: lbc ? LOAD_BALANCER_CONTROLLER.ingressClass : "",
      envoyImage: installed.envoyImage,
      envoyTracing: installed.envoyTracing,
      sidecarInjectionLabel: installed.sidecarInjectionLabel,
      gatewayControllerChartVersion: mesh.implementation === "vpc-lattice" ? installed.controllerChartVersion : "",
      serviceNetworkId: installed.serviceNetworkId,
      serviceNetworkArn: installed.serviceNetworkArn,
      latticeAccessLogGroup: installed.accessLogGroup,
    };
    publishOutputs(this, MESH_OUTPUTS, this.outputs);
  }

  /** The network stack's outputs, read once (one remote state per upstream stack). */
  private network(): NetworkOutputs {
    this.networkOutputs ??= this.upstream("network", NETWORK_OUTPUTS);
    return this.networkOutputs;
  }

  private get helmOptions() {
    return { timeoutSeconds: this.config.mesh.helm.timeoutSeconds, maxHistory: this.config.mesh.helm.maxHistory };
  }

  /** AWS Load Balancer Controller: ALB ingresses with IP targets, which Fargate pods need. */
  private loadBalancerController(cluster: ClusterOutputs, aws: AwsContext): HelmAddon {
    const settings = this.config.mesh.addons.loadBalancerController;
    const { namespace, serviceAccount, releaseName } = LOAD_BALANCER_CONTROLLER;
    // Fargate pods cannot reach IMDS, so the controller is told its VPC and region.
    const network = this.network();
    const role = new IrsaRole(this, "load-balancer-controller-role", {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace,
      serviceAccount,
      roleName: this.naming.bounded("aws-lb-controller", 64),
      description: "AWS Load Balancer Controller: manages ALBs/NLBs for ingresses and services",
      statements: loadBalancerControllerStatements(aws),
    });
    const permissions = role.permissions;
    if (permissions) {
      const why =
        "the AWS Load Balancer Controller's documented policy (v3.5.0): it creates load balancers, target groups and security groups for ingresses that do not exist yet, and associates WAF/Shield with them, so those actions cannot name a resource ARN; every write on an existing resource is conditioned on the elbv2.k8s.aws/cluster tag the controller sets";
      skipCheck(permissions, "CKV_AWS_111", why);
      skipCheck(permissions, "CKV_AWS_356", why);
    }
    const addon = new HelmAddon(this, "load-balancer-controller", {
      chart: CHARTS.loadBalancerController,
      version: settings.chartVersion,
      ...this.helmOptions,
      releaseName,
      namespace,
      manageCrds: true,
      // The chart `required`s a cluster name even to render; CRDs do not depend on it.
      crdRenderValues: { clusterName: "crd-render-only" },
      values: {
        clusterName: cluster.clusterName,
        region: this.config.platform.region,
        vpcId: network.vpcId,
        serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.role.arn } },
      },
      dependsOn: role.permissionsInPlace(),
    });
    return addon;
  }

  /** metrics-server: resource metrics for HorizontalPodAutoscalers. */
  private metricsServer(after: HelmAddon[]): HelmAddon {
    return new HelmAddon(this, "metrics-server", {
      chart: CHARTS.metricsServer,
      version: this.config.mesh.addons.metricsServer.chartVersion,
      ...this.helmOptions,
      releaseName: METRICS_SERVER.releaseName,
      namespace: METRICS_SERVER.namespace,
      values: {},
      dependsOn: after.map((a) => a.release),
    });
  }
}

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
