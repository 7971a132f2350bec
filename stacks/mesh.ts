import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { APPMESH_ENVOY_IMAGE, CHARTS } from "../charts/versions";
import type { MeshImplementation } from "../config/schema/mesh";
import { CLUSTER_OUTPUTS, type ClusterOutputs, MESH_OUTPUTS, type MeshOutputs, NETWORK_OUTPUTS, publishOutputs } from "./contracts";
import { AwsContext } from "./constructs/aws-context";
import { installCapacityAddons } from "./constructs/capacity-addons";
import { skipCheck } from "./constructs/checkov";
import { HelmAddon } from "./constructs/helm-addon";
import { IrsaRole } from "./constructs/irsa-role";
import { configureKubernetesProviders } from "./constructs/kubernetes-providers";
import { warnAppMeshDiscontinued } from "./constructs/mesh-warning";
import { addObservabilityObjects } from "./observability/kubernetes-objects";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** Where the App Mesh controller runs, and as whom. Fixed: its IRSA trust names exactly this pair. */
export const APPMESH_CONTROLLER = { namespace: "appmesh-system", serviceAccount: "appmesh-controller", releaseName: "appmesh-controller" } as const;
/** The AWS Load Balancer Controller, in kube-system like every EKS guide installs it. */
export const LOAD_BALANCER_CONTROLLER = { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", releaseName: "aws-load-balancer-controller", ingressClass: "alb" } as const;
export const METRICS_SERVER = { namespace: "kube-system", releaseName: "metrics-server" } as const;

/** What installing a mesh implementation yields, for the outputs the workloads read. */
interface InstalledMesh {
  readonly controllerNamespace: string;
  readonly controllerChartVersion: string;
  readonly envoyImage: string;
  readonly envoyTracing: string;
  readonly sidecarInjectionLabel: string;
}

interface MeshContext {
  readonly cluster: ClusterOutputs;
  readonly aws: AwsContext;
  readonly meshName: string;
  /** Releases whose webhooks must be up before this one installs. */
  readonly after: HelmAddon[];
}

/**
 * The mesh stack: the cluster add-ons every workload relies on, installed with Helm after
 * the cluster stack and before the workloads stack, so the workloads' App Mesh custom
 * resources find their CRDs at plan time (kubernetes_manifest reads CRD schemas while
 * planning). It talks to the cluster through providers configured from the cluster stack's
 * state, never in the state that creates the cluster (terraform-aws-eks #1234).
 *
 * Order inside the stack: the AWS Load Balancer Controller first, since its webhooks
 * intercept Services and would reject other charts' Services while it starts ("no
 * endpoints available for service aws-load-balancer-webhook-service"); then metrics-server
 * and the mesh controller.
 */
export class MeshStack extends PlatformStack {
  readonly outputs: MeshOutputs;

  /** One installer per `mesh.implementation`; a successor adds an entry here and to the enum. */
  private readonly implementations: Record<MeshImplementation, (ctx: MeshContext) => InstalledMesh> = {
    appmesh: (ctx) => this.appMesh(ctx),
  };

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "mesh", props);
    const mesh = this.config.mesh;
    const region = this.config.platform.region;
    const meshName = mesh.name;

    const cluster = this.upstream("cluster", CLUSTER_OUTPUTS);
    configureKubernetesProviders(this, { cluster, region, helm: true });
    const aws = new AwsContext(this, "aws-context", region);

    const lbc = mesh.addons.loadBalancerController.enabled ? this.loadBalancerController(cluster, aws) : undefined;
    const metrics = mesh.addons.metricsServer.enabled ? this.metricsServer(lbc ? [lbc] : []) : undefined;
    const installed = this.implementations[mesh.implementation]({ cluster, aws, meshName, after: lbc ? [lbc] : [] });
    // Karpenter and the VPA recommender, when configured (stacks/constructs/capacity-addons.ts).
    installCapacityAddons(this, { clusterName: cluster.clusterName, helm: this.helmOptions, after: lbc ? [lbc] : [] });
    // Fargate's log router configuration and the Prometheus scraper's RBAC (stacks/observability).
    addObservabilityObjects(this, { config: this.config, naming: this.naming });

    this.outputs = {
      meshName,
      controllerNamespace: installed.controllerNamespace,
      meshImplementation: mesh.implementation,
      appmeshControllerChartVersion: installed.controllerChartVersion,
      loadBalancerControllerChartVersion: lbc ? mesh.addons.loadBalancerController.chartVersion : "",
      metricsServerChartVersion: metrics ? mesh.addons.metricsServer.chartVersion : "",
      ingressClass: lbc ? LOAD_BALANCER_CONTROLLER.ingressClass : "",
      envoyImage: installed.envoyImage,
      envoyTracing: installed.envoyTracing,
      sidecarInjectionLabel: installed.sidecarInjectionLabel,
    };
    publishOutputs(this, MESH_OUTPUTS, this.outputs);
  }

  private get helmOptions() {
    return { timeoutSeconds: this.config.mesh.helm.timeoutSeconds, maxHistory: this.config.mesh.helm.maxHistory };
  }

  /** AWS App Mesh: its controller (CRDs, IRSA role, namespace). Discontinued; warns on every synth. */
  private appMesh({ cluster, aws, meshName, after }: MeshContext): InstalledMesh {
    warnAppMeshDiscontinued();
    const settings = this.config.mesh.controller;
    const { namespace, serviceAccount, releaseName } = APPMESH_CONTROLLER;

    const ns = new NamespaceV1(this, "appmesh-namespace", {
      metadata: {
        name: namespace,
        labels: {
          "app.kubernetes.io/managed-by": "terraform",
          "eks-mesh-platform/stack": "mesh",
          "eks-mesh-platform/component": "mesh-controller",
          // The controller must never inject Envoy into itself.
          "appmesh.k8s.aws/sidecarInjectorWebhook": "disabled",
          // The controller needs no host access; restricted is reported, baseline enforced.
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });

    const role = new IrsaRole(this, "appmesh-controller-role", {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace,
      serviceAccount,
      roleName: this.naming.bounded("appmesh-controller", 64),
      description: "App Mesh controller: reconciles the mesh and Cloud Map registrations",
      statements: appMeshControllerStatements(aws, meshName),
    });

    const envoy = settings.envoyImage ?? APPMESH_ENVOY_IMAGE;
    const tracing = settings.tracing;
    new HelmAddon(this, "appmesh-controller", {
      chart: CHARTS.appmeshController,
      version: settings.chartVersion,
      ...this.helmOptions,
      releaseName,
      namespace,
      manageCrds: true,
      values: {
        region: this.config.platform.region,
        accountId: aws.accountId,
        clusterName: cluster.clusterName,
        replicaCount: settings.replicas,
        log: { level: settings.logLevel },
        serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.role.arn } },
        sidecar: { image: { repository: envoy.repository, tag: envoy.tag } },
        tracing: {
          enabled: tracing.enabled,
          provider: tracing.provider,
          port: tracing.port,
          samplingRate: tracing.samplingRate,
          ...(tracing.address ? { address: tracing.address } : {}),
        },
        stats: { ...settings.stats },
      },
      dependsOn: [ns, ...after.map((a) => a.release), ...permissionsOf(role)],
    });

    return {
      controllerNamespace: namespace,
      controllerChartVersion: settings.chartVersion,
      envoyImage: `${envoy.repository}:${envoy.tag}`,
      envoyTracing: tracing.enabled ? tracing.provider : "",
      sidecarInjectionLabel: "appmesh.k8s.aws/sidecarInjectorWebhook=enabled",
    };
  }

  /** AWS Load Balancer Controller: ALB ingresses with IP targets, which Fargate pods need. */
  private loadBalancerController(cluster: ClusterOutputs, aws: AwsContext): HelmAddon {
    const settings = this.config.mesh.addons.loadBalancerController;
    const { namespace, serviceAccount, releaseName } = LOAD_BALANCER_CONTROLLER;
    // Fargate pods cannot reach IMDS, so the controller is told its VPC and region.
    const network = this.upstream("network", NETWORK_OUTPUTS);
    const role = new IrsaRole(this, "load-balancer-controller-role", {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace,
      serviceAccount,
      roleName: this.naming.bounded("aws-lb-controller", 64),
      description: "AWS Load Balancer Controller: manages ALBs/NLBs for ingresses and services",
      statements: loadBalancerControllerStatements(aws),
    });
    const permissions = role.node.tryFindChild("permissions");
    if (permissions instanceof DataAwsIamPolicyDocument) {
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
      dependsOn: permissionsOf(role),
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
 * The role's inline policy, so a controller never starts with a role that cannot yet do
 * anything (its first reconciles would fail with AccessDenied and back off).
 */
function permissionsOf(role: IrsaRole): ITerraformDependable[] {
  const policy = role.node.tryFindChild("policy");
  return policy instanceof IamRolePolicy ? [policy] : [];
}

/**
 * The App Mesh controller's documented policy (aws-app-mesh-controller-for-k8s
 * config/iam/controller-iam-policy.json), scoped: App Mesh actions to this platform's mesh,
 * ACM, ACM PCA and Cloud Map reads to this account and region. Actions AWS offers no
 * resource-level permission for keep "*".
 */
export function appMeshControllerStatements(aws: AwsContext, meshName: string): DataAwsIamPolicyDocumentStatement[] {
  const mesh = aws.arn("appmesh", `mesh/${meshName}`);
  const account = `arn:${aws.partition}`;
  return [
    { sid: "ListMeshes", actions: ["appmesh:ListMeshes"], resources: ["*"] },
    {
      sid: "ManageThePlatformMesh",
      actions: [
        ...["VirtualRouters", "VirtualServices", "Routes", "GatewayRoutes", "VirtualNodes", "VirtualGateways"].map((k) => `appmesh:List${k}`),
        ...["Mesh", "VirtualRouter", "Route", "VirtualNode", "VirtualGateway", "GatewayRoute", "VirtualService"].flatMap((k) => [
          `appmesh:Describe${k}`,
          `appmesh:Create${k}`,
          `appmesh:Update${k}`,
          `appmesh:Delete${k}`,
        ]),
      ],
      resources: [mesh, `${mesh}/*`],
    },
    {
      sid: "CreateAppMeshServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`${account}:iam::${aws.accountId}:role/aws-service-role/appmesh.amazonaws.com/AWSServiceRoleForAppMesh`],
      condition: [{ test: "StringLike", variable: "iam:AWSServiceName", values: ["appmesh.amazonaws.com"] }],
    },
    { sid: "ListCertificates", actions: ["acm:ListCertificates", "acm-pca:ListCertificateAuthorities"], resources: ["*"] },
    {
      sid: "ReadCertificates",
      actions: ["acm:DescribeCertificate", "acm-pca:DescribeCertificateAuthority"],
      resources: [aws.arn("acm", "certificate/*"), aws.arn("acm-pca", "certificate-authority/*")],
    },
    {
      sid: "ListCloudMap",
      actions: ["servicediscovery:ListNamespaces", "servicediscovery:ListServices", "servicediscovery:GetOperation", "route53:CreateHealthCheck"],
      resources: ["*"],
    },
    {
      sid: "RegisterPodsInCloudMap",
      actions: [
        "servicediscovery:CreateService",
        "servicediscovery:DeleteService",
        "servicediscovery:GetService",
        "servicediscovery:GetInstance",
        "servicediscovery:RegisterInstance",
        "servicediscovery:DeregisterInstance",
        "servicediscovery:ListInstances",
        "servicediscovery:GetInstancesHealthStatus",
        "servicediscovery:UpdateInstanceCustomHealthStatus",
      ],
      resources: [aws.arn("servicediscovery", "namespace/*"), aws.arn("servicediscovery", "service/*")],
    },
    {
      sid: "CloudMapHealthChecksAndRecords",
      actions: ["route53:GetHealthCheck", "route53:UpdateHealthCheck", "route53:DeleteHealthCheck", "route53:ChangeResourceRecordSets"],
      resources: [`${account}:route53:::healthcheck/*`, `${account}:route53:::hostedzone/*`],
    },
  ];
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
