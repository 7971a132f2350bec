/**
 * The Fluent Bit configuration Fargate's built-in log router reads from the
 * `aws-observability/aws-logging` ConfigMap. Pure functions, so the tests parse exactly
 * what the mesh stack writes.
 *
 * Routing is by namespace, one [OUTPUT] each: the log router tags every line
 * `kube.var.log.containers.<pod>_<namespace>_<container>-<id>.log`, and Kubernetes names
 * contain no "_", so `*_<namespace>_*` matches that namespace's pods and nothing else,
 * without the kubernetes filter's API lookups. A namespace is what a Fargate profile
 * selects, and a service's sidecars (Envoy, the X-Ray daemon) land next to its own lines.
 */

export interface FargateLogRoute {
  readonly namespace: string;
  readonly logGroup: string;
}

/** The tag pattern that matches every container log line of one namespace. */
export function namespaceMatch(namespace: string): string {
  return `kube.var.log.containers.*_${namespace}_*`;
}

/** output.conf: one cloudwatch_logs output per namespace; groups are created by Terraform, never by the router. */
export function renderOutputConf(routes: readonly FargateLogRoute[], region: string): string {
  return routes
    .map((r) =>
      [
        "[OUTPUT]",
        "    Name cloudwatch_logs",
        `    Match ${namespaceMatch(r.namespace)}`,
        `    region ${region}`,
        `    log_group_name ${r.logGroup}`,
        "    log_stream_prefix fargate-",
        "    auto_create_group false",
      ].join("\n"),
    )
    .join("\n\n")
    .concat("\n");
}

/** The ConfigMap's data. `flb_log_cw` "false": the router's own logs are not shipped (they would need a group of their own). */
export function fargateLoggingData(routes: readonly FargateLogRoute[], region: string): Record<string, string> {
  return { "output.conf": renderOutputConf(routes, region), flb_log_cw: "false" };
}

/** Characters Fargate counts against its limit: every key and value of the ConfigMap's data. */
export function configMapSize(data: Record<string, string>): number {
  return Object.entries(data).reduce((n, [k, v]) => n + k.length + v.length, 0);
}
