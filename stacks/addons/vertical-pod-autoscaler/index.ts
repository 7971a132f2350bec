import { CHARTS } from "../../../charts/versions";
import { VPA_RECOMMENDER } from "../../../facts/controllers";
import { COMPUTE_LABEL } from "../../../facts/labels";
import type { ClusterAddon } from "../addon";
import { installController } from "../controller-addon";

/**
 * The Vertical Pod Autoscaler's recommender (cluster.verticalPodAutoscaler), with its CRDs;
 * the workloads stack adds a recommendation-only VerticalPodAutoscaler per Deployment
 * (./objects.ts).
 */
export const verticalPodAutoscaler: ClusterAddon = {
  name: "vertical-pod-autoscaler",
  enabled: (config) => config.cluster.verticalPodAutoscaler,
  install: (ctx) =>
    installController(ctx, "vertical-pod-autoscaler", {
      controller: VPA_RECOMMENDER,
      chart: CHARTS.verticalPodAutoscaler,
      version: CHARTS.verticalPodAutoscaler.version,
      crds: {},
      // This chart places each component by its own nodeSelector.
      values: () => ({ recommender: { nodeSelector: { [COMPUTE_LABEL]: "ec2" } } }),
    }).release,
};
