import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { AMP_SCRAPER_ROLE, AMP_SCRAPER_USER } from "../../../facts/observability";
import type { ClusterAddon } from "../addon";

/**
 * What the Amazon Managed Service for Prometheus managed scraper needs inside the cluster
 * (observability.metrics.prometheus): the ClusterRole and binding its user is mapped to. The
 * workspace and the scraper itself are AWS resources of the observability stack.
 */
export const prometheusScraper: ClusterAddon = {
  name: "prometheus-scraper",
  enabled: (config) => config.observability.metrics.prometheus.enabled,
  install({ stack }) {
    // The rules the AMP user guide gives the managed collector ("Configuring your Amazon EKS cluster").
    const role = new ClusterRoleV1(stack, "amp-scraper-role", {
      metadata: { name: AMP_SCRAPER_ROLE },
      rule: [
        { apiGroups: [""], resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "ingresses", "configmaps"], verbs: ["describe", "get", "list", "watch"] },
        { apiGroups: ["extensions", "networking.k8s.io"], resources: ["ingresses/status", "ingresses"], verbs: ["describe", "get", "list", "watch"] },
        { apiGroups: ["metrics.eks.amazonaws.com"], resources: ["kcm/metrics", "ksh/metrics"], verbs: ["get"] },
        { nonResourceUrls: ["/metrics"], verbs: ["get"] },
      ],
    });
    new ClusterRoleBindingV1(stack, "amp-scraper-role-binding", {
      metadata: { name: AMP_SCRAPER_ROLE },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subject: [{ kind: "User", name: AMP_SCRAPER_USER, apiGroup: "rbac.authorization.k8s.io" }],
    });
    return undefined;
  },
};
