import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CHARTS } from "../../../charts/versions";
import type { AppMeshSettings } from "../../../config/schema/mesh";
import { APPMESH_CONTROLLER } from "../../../facts/controllers";
import { platformObjectLabels, podSecurityLabels } from "../../../facts/labels";
import type { AddonContext } from "../../addons/addon";
import { installController, serviceAccountValues } from "../../addons/controller-addon";
import type { AwsContext } from "../../constructs/aws-context";
import type { AppMeshOutputs } from "../../contracts";
import type { InstalledMesh } from "../implementation";
import { warnAppMeshDiscontinued } from "./discontinued";

/** AWS App Mesh: its controller (CRDs, IRSA role, namespace). Discontinued; warns on every synth. */
export function installAppMesh(ctx: AddonContext, settings: AppMeshSettings): InstalledMesh {
  warnAppMeshDiscontinued();
  const controller = settings.controller;
  const envoy = controller.envoyImage;
  const tracing = controller.tracing;
  installController(ctx, "appmesh-controller", {
    controller: APPMESH_CONTROLLER,
    namespace: {
      id: "appmesh-namespace",
      labels: {
        ...platformObjectLabels("mesh", "mesh-controller"),
        // The controller must never inject Envoy into itself.
        "appmesh.k8s.aws/sidecarInjectorWebhook": "disabled",
        // The controller needs no host access; restricted is reported, baseline enforced.
        ...podSecurityLabels({ enforce: "baseline", warn: "restricted" }),
      },
    },
    identity: {
      roleName: ctx.naming.bounded("appmesh-controller", 64),
      description: "App Mesh controller: reconciles the mesh and Cloud Map registrations",
      statements: appMeshControllerStatements(ctx.aws, settings.name),
    },
    chart: CHARTS.appmeshController,
    version: controller.chartVersion,
    crds: {},
    values: ({ roleArn }) => ({
      region: ctx.config.platform.region,
      accountId: ctx.aws.accountId,
      clusterName: ctx.cluster.clusterName,
      replicaCount: controller.replicas,
      log: { level: controller.logLevel },
      ...serviceAccountValues(APPMESH_CONTROLLER.serviceAccount, roleArn),
      sidecar: { image: { repository: envoy.repository, tag: envoy.tag } },
      tracing: {
        enabled: tracing.enabled,
        provider: tracing.provider,
        port: tracing.port,
        samplingRate: tracing.samplingRate,
        ...(tracing.address ? { address: tracing.address } : {}),
      },
      stats: { ...controller.stats },
    }),
  });
  const outputs: AppMeshOutputs = {
    appmeshControllerChartVersion: controller.chartVersion,
    envoyImage: `${envoy.repository}:${envoy.tag}`,
    envoyTracing: tracing.enabled ? tracing.provider : "",
    sidecarInjectionLabel: "appmesh.k8s.aws/sidecarInjectorWebhook=enabled",
  };
  return { controllerNamespace: APPMESH_CONTROLLER.namespace, outputs };
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
