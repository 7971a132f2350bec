import { CHARTS } from "../../../charts/versions";
import { METRICS_SERVER } from "../../../facts/controllers";
import type { ClusterAddon } from "../addon";
import { installController } from "../controller-addon";

/** metrics-server: resource metrics for HorizontalPodAutoscalers and `kubectl top` (and the VPA recommender). */
export const metricsServer: ClusterAddon = {
  name: "metrics-server",
  enabled: (config) => config.mesh.addons.metricsServer.enabled,
  install: (ctx) =>
    installController(ctx, "metrics-server", {
      controller: METRICS_SERVER,
      chart: CHARTS.metricsServer,
      version: ctx.config.mesh.addons.metricsServer.chartVersion,
      values: () => ({}),
    }).release,
};
