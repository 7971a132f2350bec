import { stringify } from "yaml";
import { ENVOY } from "../../facts/mesh";

/**
 * The AMP managed scraper's Prometheus configuration:
 * - `services`: any pod annotated `prometheus.io/scrape: "true"` (port and path from
 *   `prometheus.io/port` and `prometheus.io/path`), the usual opt-in convention;
 * - `envoy`: every mesh sidecar's stats (container `envoy`, admin port 9901);
 * The HPA is unaffected: it keeps reading resource metrics from metrics-server.
 */
export function scrapeConfiguration(intervalSeconds: number): string {
  const podLabels = [
    { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
    { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    { source_labels: ["__meta_kubernetes_pod_label_app"], target_label: "service" },
    { source_labels: ["__meta_kubernetes_pod_label_version"], target_label: "version" },
  ];
  return stringify({
    global: { scrape_interval: `${intervalSeconds}s` },
    scrape_configs: [
      {
        job_name: "services",
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
          { source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], action: "replace", regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$1:$2", target_label: "__address__" },
          ...podLabels,
        ],
      },
      {
        job_name: "envoy",
        metrics_path: ENVOY.stats.path,
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
          { source_labels: ["__meta_kubernetes_pod_container_name"], action: "keep", regex: ENVOY.stats.container },
          { source_labels: ["__meta_kubernetes_pod_ip"], action: "replace", replacement: `$1:${ENVOY.stats.port}`, target_label: "__address__" },
          ...podLabels,
        ],
      },
    ],
  });
}
