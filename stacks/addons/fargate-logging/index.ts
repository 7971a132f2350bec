import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { fargateNamespaces } from "../../../facts/fargate";
import { FARGATE_LOGGING, fargateLoggingData } from "../../../facts/fargate-logging";
import { fargateLogGroup } from "../../../facts/naming";
import type { ClusterAddon } from "../addon";

/**
 * Fargate's log router configuration (observability.logs.fargate): the `aws-observability`
 * namespace and its `aws-logging` ConfigMap, routing each Fargate namespace's logs to the log
 * group the cluster stack created for it. In the mesh stack, before any workload pod starts,
 * since Fargate reads the ConfigMap only when a pod starts. Its size limit is checked with
 * the config (config/schema/apply-checks.ts).
 */
export const fargateLogging: ClusterAddon = {
  name: "fargate-logging",
  enabled: (config) => config.observability.logs.fargate.enabled && fargateNamespaces(config.cluster.fargateProfiles).length > 0,
  install({ stack, config, naming }) {
    const namespaces = fargateNamespaces(config.cluster.fargateProfiles);
    const ns = new NamespaceV1(stack, "aws-observability-namespace", {
      // Fargate looks for this exact name and label.
      metadata: { name: FARGATE_LOGGING.namespace, labels: { "aws-observability": "enabled", "eks-mesh-platform/stack": "mesh" } },
    });
    new ConfigMapV1(stack, "fargate-logging", {
      metadata: { name: FARGATE_LOGGING.configMap, namespace: ns.metadata.name },
      data: fargateLoggingData(
        namespaces.map((namespace) => ({ namespace, logGroup: fargateLogGroup(naming, namespace) })),
        config.platform.region,
      ),
    });
    return undefined;
  },
};
