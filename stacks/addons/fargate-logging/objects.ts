import type { Construct } from "constructs";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ConfigError } from "../../../config/load";
import type { PlatformConfig } from "../../../config/schema";
import type { Naming } from "../../../facts/naming";
import { configMapSize, fargateLoggingData } from "./fluent-bit";
import { AMP_SCRAPER_ROLE, AMP_SCRAPER_USER, FARGATE_LOGGING, fargateLogGroup, fargateNamespaces } from "../../../facts/observability";

export interface ObservabilityObjectsProps {
  readonly config: PlatformConfig;
  readonly naming: Naming;
}

/**
 * The Kubernetes side of observability, installed by a stack that has the Kubernetes
 * provider (the mesh stack, before any workload pod starts, since Fargate reads the
 * logging ConfigMap only when a pod starts):
 * - the `aws-observability` namespace and its `aws-logging` ConfigMap, routing each Fargate
 *   namespace's logs to the log group the cluster stack created for it;
 * - with Prometheus on, the ClusterRole and binding the AMP managed scraper's user needs.
 */
export function addObservabilityObjects(scope: Construct, props: ObservabilityObjectsProps): void {
  const { config, naming } = props;
  const obs = config.observability;
  const namespaces = fargateNamespaces(config.cluster.fargateProfiles);
  if (obs.logs.fargate.enabled && namespaces.length > 0) {
    const data = fargateLoggingData(
      namespaces.map((namespace) => ({ namespace, logGroup: fargateLogGroup(naming, namespace) })),
      config.platform.region,
    );
    const size = configMapSize(data);
    if (size > FARGATE_LOGGING.maxCharacters) {
      throw new ConfigError(
        `Invalid configuration:\n  - observability.logs.fargate: routing ${namespaces.length} Fargate namespaces makes the ${FARGATE_LOGGING.configMap} ConfigMap ${size} characters; Fargate accepts at most ${FARGATE_LOGGING.maxCharacters}; put Fargate services in fewer namespaces or turn observability.logs.fargate.enabled off\nNothing was synthesized; fix the fields above and run synth again.`,
      );
    }
    const ns = new NamespaceV1(scope, "aws-observability-namespace", {
      // Fargate looks for this exact name and label.
      metadata: { name: FARGATE_LOGGING.namespace, labels: { "aws-observability": "enabled", "eks-mesh-platform/stack": "mesh" } },
    });
    new ConfigMapV1(scope, "fargate-logging", {
      metadata: { name: FARGATE_LOGGING.configMap, namespace: ns.metadata.name },
      data,
    });
  }
  if (obs.metrics.prometheus.enabled) {
    // The rules the AMP user guide gives the managed collector ("Configuring your Amazon EKS cluster").
    const role = new ClusterRoleV1(scope, "amp-scraper-role", {
      metadata: { name: AMP_SCRAPER_ROLE },
      rule: [
        { apiGroups: [""], resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "ingresses", "configmaps"], verbs: ["describe", "get", "list", "watch"] },
        { apiGroups: ["extensions", "networking.k8s.io"], resources: ["ingresses/status", "ingresses"], verbs: ["describe", "get", "list", "watch"] },
        { apiGroups: ["metrics.eks.amazonaws.com"], resources: ["kcm/metrics", "ksh/metrics"], verbs: ["get"] },
        { nonResourceUrls: ["/metrics"], verbs: ["get"] },
      ],
    });
    new ClusterRoleBindingV1(scope, "amp-scraper-role-binding", {
      metadata: { name: AMP_SCRAPER_ROLE },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subject: [{ kind: "User", name: AMP_SCRAPER_USER, apiGroup: "rbac.authorization.k8s.io" }],
    });
  }
}
