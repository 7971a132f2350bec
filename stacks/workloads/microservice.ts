import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DeploymentV1, type DeploymentV1SpecTemplateSpecContainer, type DeploymentV1SpecTemplateSpecContainerLivenessProbe } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import type { ResolvedService } from "../../apps/catalog";
import type { Ec2Scheduling } from "../../config/schema/cross-checks";
import { podLabels } from "../../config/schema/cross-checks";
import { skipCheck } from "../synth/checkov";
import { IrsaRole } from "../constructs/irsa-role";

/** Group ID of the App Mesh Envoy sidecar (uid/gid 1337): it must read the IRSA token (app-mesh-controller #123). */
export const ENVOY_FS_GROUP = 1337;

export interface MicroserviceProps {
  readonly service: ResolvedService;
  /** Namespace name, read from the namespace resource so objects wait for it. */
  readonly namespace: string;
  /** Image reference per version name, and where it comes from (for the digest check). */
  readonly images: Record<string, { readonly ref: string; readonly source: "ecr" | "external" }>;
  readonly roleName: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuerUrl: string;
  /** Least-privilege statements: its tables, its sidecar's mesh configuration. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /** Environment added by the platform (table names). */
  readonly platformEnv: Record<string, string>;
  /** For EC2 services: node selector and tolerations. */
  readonly scheduling?: Ec2Scheduling;
  /** What each version's pods must wait for (their VirtualNode). */
  readonly versionDependencies: (version: string) => ITerraformDependable[];
  /** Annotations the mesh puts on every pod template (a change rolls the pods). @default none */
  readonly podAnnotations?: Record<string, string>;
  /** Containers the mesh adds to every pod (e.g. a request-signing proxy). @default none */
  readonly sidecars?: DeploymentV1SpecTemplateSpecContainer[];
  /** For public services; `annotations` and `host` come from the public edge (stacks/constructs/edge/). */
  readonly ingress?: { readonly className: string; readonly groupName: string; readonly annotations?: Record<string, string>; readonly host?: string };
  /**
   * "tcp" when the sidecar's listener accepts TLS only (mesh TLS): the kubelet's plain HTTP
   * probe would reach Envoy, not the app, and fail (app-mesh-controller #664).
   * @default "http" for HTTP services
   */
  readonly kubeletProbes?: "http" | "tcp";
}

/**
 * One catalog service as Kubernetes objects: a ServiceAccount with its own IRSA role, a
 * Deployment, Service, HorizontalPodAutoscaler per version, a Service for the whole
 * service, a PodDisruptionBudget, and an ALB Ingress when public. Resource addresses are
 * `<service>-<kind>[-<version>]`, so reordering the catalog never replaces anything.
 */
export class Microservice extends Construct {
  readonly role: IrsaRole;
  readonly ingress?: IngressV1;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const { service: s, namespace } = props;
    const name = s.name;
    const readable = <T extends { overrideLogicalId(id: string): void }>(el: T, logicalId: string): T => {
      el.overrideLogicalId(logicalId);
      return el;
    };

    this.role = new IrsaRole(this, `${name}-role`, {
      oidcProviderArn: props.oidcProviderArn,
      oidcIssuerUrl: props.oidcIssuerUrl,
      namespace: s.namespace,
      serviceAccount: name,
      roleName: props.roleName,
      statements: props.statements,
      description: `Workload ${s.namespace}/${name}: its DynamoDB tables and its Envoy sidecar`,
    });

    const account = readable(
      new ServiceAccountV1(this, "service-account", {
        metadata: { name, namespace, labels: { app: name }, annotations: { "eks.amazonaws.com/role-arn": this.role.role.arn } },
        // Pods get the IRSA web-identity token by projection; the Kubernetes API token is not needed.
        automountServiceAccountToken: false,
      }),
      `${name}-service-account`,
    );

    const port = { name: s.protocol === "tcp" ? "tcp" : s.protocol === "grpc" ? "grpc" : "http", containerPort: s.port };
    const probe = (kind: "liveness" | "readiness"): DeploymentV1SpecTemplateSpecContainerLivenessProbe => ({
      ...((s.protocol === "http" || s.protocol === "http2") && props.kubeletProbes !== "tcp" ? { httpGet: { path: s.healthCheckPath, port: String(s.port) } } : { tcpSocket: [{ port: String(s.port) }] }),
      initialDelaySeconds: kind === "liveness" ? 15 : 5,
      periodSeconds: kind === "liveness" ? 20 : 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    const env = { ...s.env, ...props.platformEnv };
    const writable = s.writablePaths.map((path, i) => ({ name: `writable-${i}`, path }));

    for (const v of s.versions) {
      const labels = podLabels(s, v.name);
      const selector = { app: name, version: v.name };
      const deployment = readable(
        new DeploymentV1(this, `deployment-${v.name}`, {
          metadata: { name: `${name}-${v.name}`, namespace, labels },
          spec: {
            replicas: String(s.replicas.min),
            selector: { matchLabels: selector },
            template: {
              metadata: { labels, ...(props.podAnnotations && Object.keys(props.podAnnotations).length ? { annotations: props.podAnnotations } : {}) },
              spec: {
                serviceAccountName: account.metadata.name,
                automountServiceAccountToken: false,
                // Pod level: only what the injected Envoy and proxyinit containers accept too.
                // runAsNonRoot stays on the app container: proxyinit runs as root to write
                // iptables rules (app-mesh-controller #567), so a pod-wide runAsNonRoot would
                // stop every pod from starting.
                securityContext: {
                  fsGroup: String(ENVOY_FS_GROUP),
                  seccompProfile: { type: "RuntimeDefault" },
                  // Ports below 1024 without NET_BIND_SERVICE (a safe sysctl, allowed by "restricted").
                  ...(s.port < 1024 ? { sysctl: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] } : {}),
                },
                container: [
                  {
                    name,
                    image: props.images[v.name].ref,
                    imagePullPolicy: "Always",
                    port: [port],
                    env: Object.entries(env).map(([k, value]) => ({ name: k, value })),
                    resources: {
                      requests: { cpu: `${s.cpu.request}m`, memory: `${s.memory.request}Mi` },
                      limits: { cpu: `${s.cpu.limit}m`, memory: `${s.memory.limit}Mi` },
                    },
                    livenessProbe: probe("liveness"),
                    readinessProbe: probe("readiness"),
                    securityContext: {
                      runAsNonRoot: true,
                      runAsUser: String(s.runAsUser),
                      runAsGroup: String(s.runAsUser),
                      readOnlyRootFilesystem: true,
                      allowPrivilegeEscalation: false,
                      privileged: false,
                      capabilities: { drop: ["ALL"] },
                      seccompProfile: { type: "RuntimeDefault" },
                    },
                    volumeMount: writable.map((w) => ({ name: w.name, mountPath: w.path })),
                  },
                  ...(props.sidecars ?? []),
                ],
                volume: writable.map((w) => ({ name: w.name, emptyDir: {} })),
                topologySpreadConstraint: [
                  { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: [{ matchLabels: selector }] },
                ],
                ...(props.scheduling
                  ? {
                      nodeSelector: props.scheduling.nodeSelector,
                      toleration: props.scheduling.tolerations.map((t) => ({ key: t.key, operator: t.value === undefined ? "Exists" : "Equal", ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })),
                    }
                  : {}),
              },
            },
          },
          // Envoy's readiness depends on the mesh control plane; a rollout wait would turn a
          // mesh outage into a failed apply of every service.
          waitForRollout: false,
          // The HorizontalPodAutoscaler owns the replica count after creation.
          lifecycle: { ignoreChanges: ["spec[0].replicas"] },
          // The sidecar injector refuses pods whose VirtualNode does not exist yet (app-mesh-controller #532).
          dependsOn: props.versionDependencies(v.name),
        }),
        `${name}-deployment-${v.name}`,
      );

      const image = props.images[v.name];
      if (image.source === "ecr") {
        skipCheck(deployment, "CKV_K8S_43", "the image is a tag in this platform's ECR repository, which is IMMUTABLE: the tag can never point to another digest");
      } else if (!image.ref.includes("@sha256:")) {
        skipCheck(deployment, "CKV_K8S_43", `the catalog pins the external image ${image.ref} by tag (the catalog accepts @sha256 digests; pin one there to remove this exception)`);
      }
      for (const sidecar of props.sidecars ?? []) {
        if (!sidecar.image?.includes("@sha256:")) skipCheck(deployment, "CKV_K8S_43", `the mesh's ${sidecar.name} sidecar image ${sidecar.image} is pinned by its release tag in charts/versions.ts`);
      }

      // Per-version Service: the VirtualNode's DNS service discovery resolves to this version only.
      readable(
        new ServiceV1(this, `service-${v.name}`, {
          metadata: { name: `${name}-${v.name}`, namespace, labels: selector },
          spec: { selector, port: [{ name: port.name, port: s.port, targetPort: String(s.port) }], type: "ClusterIP" },
        }),
        `${name}-service-${v.name}`,
      );

      readable(
        new HorizontalPodAutoscalerV2(this, `autoscaler-${v.name}`, {
          metadata: { name: `${name}-${v.name}`, namespace, labels: selector },
          spec: {
            minReplicas: s.replicas.min,
            maxReplicas: s.replicas.max,
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
            metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.replicas.targetCpuUtilization } } }],
          },
        }),
        `${name}-autoscaler-${v.name}`,
      );
    }

    // The name callers use (and the VirtualService's name): resolves to every version; the
    // sidecar splits traffic by weight before the connection leaves the caller's pod.
    const service = readable(
      new ServiceV1(this, "service", {
        metadata: { name, namespace, labels: { app: name } },
        spec: { selector: { app: name }, port: [{ name: port.name, port: s.port, targetPort: String(s.port) }], type: "ClusterIP" },
      }),
      `${name}-service`,
    );

    // One pod at a time across all versions during drains; never blocks a drain like minAvailable would with one replica.
    readable(
      new PodDisruptionBudgetV1(this, "disruption-budget", {
        metadata: { name, namespace, labels: { app: name } },
        spec: { maxUnavailable: "1", selector: { matchLabels: { app: name } } },
      }),
      `${name}-disruption-budget`,
    );

    if (s.public && props.ingress) {
      this.ingress = readable(
        new IngressV1(this, "ingress", {
          metadata: {
            name,
            namespace,
            labels: { app: name },
            annotations: {
              "alb.ingress.kubernetes.io/scheme": "internet-facing",
              // Pod IPs as targets: the only mode Fargate pods support.
              "alb.ingress.kubernetes.io/target-type": "ip",
              "alb.ingress.kubernetes.io/healthcheck-path": s.healthCheckPath,
              // Every public service shares one ALB (one hostname, one bill).
              "alb.ingress.kubernetes.io/group.name": props.ingress.groupName,
              ...props.ingress.annotations,
            },
          },
          spec: {
            ingressClassName: props.ingress.className,
            rule: [{ ...(props.ingress.host ? { host: props.ingress.host } : {}), http: { path: [{ path: s.public.path, pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { number: s.port } } } }] } }],
          },
          waitForLoadBalancer: true,
        }),
        `${name}-ingress`,
      );
    }
  }
}
