import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { APPMESH_ENVOY_IMAGE, CHARTS } from "../../../facts/charts";
import type { AwsContext } from "../../constructs/aws-context";
import { HelmAddon } from "../../addons/helm-addon";
import { IrsaRole } from "../../constructs/irsa-role";
import { warnAppMeshDiscontinued } from "./discontinued";
import type { MeshInstaller } from "../installer";

/** Where the App Mesh controller runs, and as whom. Fixed: its IRSA trust names exactly this pair. */
export const APPMESH_CONTROLLER = { namespace: "appmesh-system", serviceAccount: "appmesh-controller", releaseName: "appmesh-controller" } as const;

/** AWS App Mesh: its controller (CRDs, IRSA role, namespace). Discontinued; warns on every synth. */
export const installAppMesh: MeshInstaller = ({ scope, config, naming, cluster, aws, meshName, helm, after }) => {
  warnAppMeshDiscontinued();
  const settings = config.mesh.controller;
  const { namespace, serviceAccount, releaseName } = APPMESH_CONTROLLER;

  const ns = new NamespaceV1(scope, "appmesh-namespace", {
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

  const role = new IrsaRole(scope, "appmesh-controller-role", {
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
    namespace,
    serviceAccount,
    roleName: naming.bounded("appmesh-controller", 64),
    description: "App Mesh controller: reconciles the mesh and Cloud Map registrations",
    statements: appMeshControllerStatements(aws, meshName),
  });

  const envoy = settings.envoyImage ?? APPMESH_ENVOY_IMAGE;
  const tracing = settings.tracing;
  new HelmAddon(scope, "appmesh-controller", {
    chart: CHARTS.appmeshController,
    version: settings.chartVersion,
    ...helm,
    releaseName,
    namespace,
    manageCrds: true,
    values: {
      region: config.platform.region,
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
    dependsOn: [ns, ...after.map((a) => a.release), ...role.permissionsInPlace()],
  });

  return {
    controllerNamespace: namespace,
    controllerChartVersion: settings.chartVersion,
    envoyImage: `${envoy.repository}:${envoy.tag}`,
    envoyTracing: tracing.enabled ? tracing.provider : "",
    sidecarInjectionLabel: "appmesh.k8s.aws/sidecarInjectorWebhook=enabled",
    serviceNetworkId: "",
    serviceNetworkArn: "",
    accessLogGroup: "",
  };
};

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
