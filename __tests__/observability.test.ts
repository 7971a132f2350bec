import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseConfig } from "../config/load";
import type { PlatformConfigInput } from "../config/schema";
import { DEFAULT_CLOUDWATCH_ADDON_VERSION } from "../config/schema/observability";
import { observabilityCost } from "../cost/observability";
import { US_EAST_1 } from "../placement/prices/us-east-1";
import { configMapSize, renderOutputConf } from "../stacks/addons/fargate-logging/fluent-bit";
import { CONTAINER_INSIGHTS_LOG_KINDS, FARGATE_LOGGING } from "../facts/observability";
import { XRAY_DAEMON_ACTIONS } from "../stacks/mesh/tracing";
import { type Synthesized, synthPlatform, withDev } from "./support/synth";

const ROOT = path.resolve(__dirname, "..");
const ref = (type: string, id: string, attr: string) => `\${${type}.${id}.${attr}}`;
/** The catalog's Fargate namespaces, then those of user-written Fargate profiles. */
const fargateNamespacesOf = (s: Synthesized) => [
  ...new Set([
    ...s.config.workloads.app.services.filter((x) => x.placement === "fargate").map((x) => x.namespace),
    ...Object.values(s.config.cluster.fargateProfiles).flatMap((p) => p.selectors.map((sel) => sel.namespace)),
  ]),
];
const outputConf = (s: Synthesized) => s.resource("mesh", "kubernetes_config_map_v1", "fargate-logging").data["output.conf"] as string;

/** Every resource and data source address of every stack: what a switch adds or removes. */
function addresses(s: Synthesized): Set<string> {
  const out = new Set<string>();
  for (const stack of Object.keys(s.manifest.stacks)) {
    const json = s.stack(stack);
    for (const [kind, block] of [["resource", json.resource], ["data", json.data]] as const) {
      for (const [type, byId] of Object.entries(block ?? {})) for (const id of Object.keys(byId)) out.add(`${stack}:${kind === "data" ? "data." : ""}${type}.${id}`);
    }
  }
  return out;
}
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

/** Sections and entries of a Fluent Bit classic config, parsed by tree-sitter-fluentbit (scripts/fluent-bit-parse.py). */
function parseFluentBit(text: string): { ok: boolean; errors: unknown[]; sections: { name: string; entries: [string, string][] }[] } {
  const python = process.env.FLUENT_BIT_PYTHON ?? path.join(ROOT, ".venv", "bin", "python");
  const run = spawnSync(python, [path.join(ROOT, "scripts", "fluent-bit-parse.py")], { input: text, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the Fluent Bit parser did not run (${python}): ${run.stderr || run.error}; install it with npm run setup:tools`);
  return JSON.parse(run.stdout);
}

const dev = synthPlatform();
/** One synthesis for the tests that need parts switched on (Prometheus at 60 s, an e-mail subscription). */
const withPrometheusAndEmail = synthPlatform(withDev({ observability: { metrics: { prometheus: { enabled: true, scrapeIntervalSeconds: 60 } }, alarms: { emails: ["oncall@example.com"] } } }));

describe("observability defaults", () => {
  it("logs (Fargate and EC2), alarms and the dashboard on; Prometheus and traces off", () => {
    const o = dev.config.observability;
    expect(o.logs.fargate).toEqual({ enabled: true, retentionDays: 30 });
    expect(o.logs.ec2).toEqual({ enabled: true, retentionDays: 30, addonVersion: DEFAULT_CLOUDWATCH_ADDON_VERSION });
    expect(o.alarms).toMatchObject({ enabled: true, emails: [], restartsThreshold: 3, errorRatePercent: 5 });
    expect(o.alarms.topicArn).toBeUndefined();
    expect(o.dashboard.enabled).toBe(true);
    expect(o.metrics.prometheus.enabled).toBe(false);
    expect(o.traces.enabled).toBe(false);
    expect(dev.config.mesh.controller.tracing.enabled).toBe(false);
  });
});

describe.each([
  ["the reference catalog", dev],
  ["a user-written Fargate profile too", synthPlatform(withDev({ cluster: { fargateProfiles: { jobs: { selectors: [{ namespace: "batch-jobs" }] } } } }))],
])("Fargate logs, %s", (_what, s) => {
  const namespaces = fargateNamespacesOf(s);
  it("covers the namespaces expected", () => expect(namespaces.length).toBeGreaterThanOrEqual(3));

  it("every Fargate namespace of the catalog has a KMS-encrypted log group with the configured retention", () => {
    for (const ns of namespaces) {
      expect(s.resource("cluster", "aws_cloudwatch_log_group", `fargate-logs-${ns}`)).toMatchObject({
        name: `/eksmesh/dev/fargate/${ns}`,
        retention_in_days: 30,
        kms_key_id: ref("aws_kms_key", "workload-logs-key", "arn"),
      });
    }
  });

  it("and a route to it in the aws-logging ConfigMap Fargate's log router reads", () => {
    const ns = s.resource("mesh", "kubernetes_namespace_v1", "aws-observability-namespace");
    expect(ns.metadata).toMatchObject({ name: "aws-observability", labels: { "aws-observability": "enabled" } });
    const cm = s.resource("mesh", "kubernetes_config_map_v1", "fargate-logging");
    expect(cm.metadata).toEqual({ name: "aws-logging", namespace: ref("kubernetes_namespace_v1", "aws-observability-namespace", "metadata[0].name") });
    const parsed = parseFluentBit(outputConf(s));
    expect(parsed.errors).toEqual([]);
    expect(parsed.ok).toBe(true);
    const outputs = parsed.sections.map((sec) => ({ name: sec.name, ...Object.fromEntries(sec.entries) }) as Record<string, string>);
    const groups = Object.values(s.resources("cluster", "aws_cloudwatch_log_group")).map((g) => g.name);
    for (const n of namespaces) {
      const route = outputs.find((o) => o.Match === `kube.var.log.containers.*_${n}_*`);
      expect(route, n).toEqual({ name: "OUTPUT", Name: "cloudwatch_logs", Match: `kube.var.log.containers.*_${n}_*`, region: "us-east-1", log_group_name: `/eksmesh/dev/fargate/${n}`, log_stream_prefix: "fargate-", auto_create_group: "false" });
      expect(groups).toContain(route!.log_group_name);
    }
    expect(outputs.map((o) => o.log_group_name).sort()).toEqual(namespaces.map((n) => `/eksmesh/dev/fargate/${n}`).sort());
  });

  it("the pod execution role may write exactly those log groups, nothing else", () => {
    const policy = s.resource("cluster", "aws_iam_role_policy", "fargate-pod-execution-logs-policy");
    expect(policy.role).toBe(ref("aws_iam_role", "fargate-pod-execution-role", "name"));
    expect(policy.policy).toBe(ref("data.aws_iam_policy_document", "fargate-pod-execution-logs", "json"));
    const doc = s.data("cluster", "aws_iam_policy_document")["fargate-pod-execution-logs"];
    expect(doc.statement).toHaveLength(1);
    expect(doc.statement[0].actions).toEqual(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
    const groupIds = Object.keys(s.resources("cluster", "aws_cloudwatch_log_group")).filter((id) => id.startsWith("fargate-logs-"));
    expect(groupIds.sort()).toEqual(namespaces.map((n) => `fargate-logs-${n}`).sort());
    const expected = groupIds.flatMap((id) => [ref("aws_cloudwatch_log_group", id, "arn"), `${ref("aws_cloudwatch_log_group", id, "arn")}:log-stream:*`]);
    expect([...doc.statement[0].resources].sort()).toEqual(expected.sort());
    expect(doc.statement[0].resources.join(" ")).not.toContain("*:log-group");
  });

  it("the logs key lets CloudWatch Logs use it only for this platform's pod log groups", () => {
    const key = JSON.parse(s.resource("cluster", "aws_kms_key", "workload-logs-key").policy);
    const grant = key.Statement.find((st: any) => st.Principal?.Service === "logs.us-east-1.amazonaws.com");
    expect(grant.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toEqual([
      "arn:${data.aws_partition.current.partition}:logs:us-east-1:${data.aws_caller_identity.current.account_id}:log-group:/eksmesh/dev/fargate/*",
      "arn:${data.aws_partition.current.partition}:logs:us-east-1:${data.aws_caller_identity.current.account_id}:log-group:/aws/containerinsights/eksmesh-dev/*",
    ]);
  });
});

describe("the Fluent Bit parser check", () => {
  it("rejects what Fluent Bit would reject (so the check above can fail)", () => {
    expect(parseFluentBit("[OUTPUT\n    Name cloudwatch_logs\n").ok).toBe(false);
    expect(parseFluentBit("[OUTPUT]\nName cloudwatch_logs\n").ok).toBe(false);
    expect(parseFluentBit("[OUTPUT]\n    Name cloudwatch_logs\n  Match x\n").ok).toBe(false);
  });

  it("the ConfigMap stays within Fargate's 5300 characters, or synth stops naming the field", () => {
    expect(configMapSize(s0())).toBeLessThan(FARGATE_LOGGING.maxCharacters);
    // 8 user profiles of 5 long namespaces each, plus the catalog's 3: 43 routes, far over the limit.
    const profiles = Object.fromEntries(
      Array.from({ length: 8 }, (_, p) => [`team${p}`, { selectors: Array.from({ length: 5 }, (_, i) => ({ namespace: `a-rather-long-namespace-name-for-team-${p}-number-${i}` })) }]),
    );
    expect(() => synthPlatform(withDev({ cluster: { fargateProfiles: profiles } }))).toThrow(
      /observability\.logs\.fargate: routing 43 Fargate namespaces makes the aws-logging ConfigMap \d+ characters; Fargate accepts at most 5300; put Fargate services in fewer namespaces or turn observability\.logs\.fargate\.enabled off/,
    );
  });

  function s0() {
    return { "output.conf": renderOutputConf(fargateNamespacesOf(dev).map((n) => ({ namespace: n, logGroup: `/eksmesh/dev/fargate/${n}` })), "us-east-1"), flb_log_cw: "false" };
  }
});

describe("EC2 logs and metrics: the CloudWatch observability add-on", () => {
  it("is pinned, installed after the nodes and its log groups, with its own IRSA role", () => {
    const addon = dev.resource("cluster", "aws_eks_addon", "addon-amazon-cloudwatch-observability");
    expect(addon).toMatchObject({
      addon_name: "amazon-cloudwatch-observability",
      addon_version: "v6.4.0-eksbuild.1",
      cluster_name: ref("aws_eks_cluster", "cluster", "name"),
      service_account_role_arn: ref("aws_iam_role", "cloudwatch-agent-irsa", "arn"),
    });
    expect(addon.depends_on).toEqual(
      expect.arrayContaining(["aws_eks_node_group.node-group-general", "aws_iam_role_policy.cloudwatch-agent-irsa-permissions", ...CONTAINER_INSIGHTS_LOG_KINDS.map((k) => `aws_cloudwatch_log_group.container-insights-${k}`)]),
    );
    const trust = dev.data("cluster", "aws_iam_policy_document")["cloudwatch-agent-irsa-trust"];
    expect(trust.statement[0].condition).toEqual(expect.arrayContaining([expect.objectContaining({ values: ["system:serviceaccount:amazon-cloudwatch:cloudwatch-agent"] })]));
  });

  it("its log groups exist first, encrypted, and its role writes only them", () => {
    for (const kind of CONTAINER_INSIGHTS_LOG_KINDS) {
      expect(dev.resource("cluster", "aws_cloudwatch_log_group", `container-insights-${kind}`)).toMatchObject({
        name: `/aws/containerinsights/eksmesh-dev/${kind}`,
        retention_in_days: 30,
        kms_key_id: ref("aws_kms_key", "workload-logs-key", "arn"),
      });
    }
    const doc = dev.data("cluster", "aws_iam_policy_document")["cloudwatch-agent-irsa-permissions"];
    const write = doc.statement.find((st: any) => st.sid === "WriteContainerInsightsGroups");
    expect([...write.resources].sort()).toEqual(CONTAINER_INSIGHTS_LOG_KINDS.flatMap((k) => [ref("aws_cloudwatch_log_group", `container-insights-${k}`, "arn"), `${ref("aws_cloudwatch_log_group", `container-insights-${k}`, "arn")}:log-stream:*`]).sort());
    const metrics = doc.statement.find((st: any) => st.sid === "ContainerInsightsMetrics");
    expect(metrics.condition).toEqual([{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["ContainerInsights"] }]);
  });
});

describe("alarms, reference catalog", () => {
  const alarms = dev.resources("observability", "aws_cloudwatch_metric_alarm");
  const workloads = dev.stack("workloads").resource!;
  const clusterName = dev.resource("cluster", "aws_eks_cluster", "cluster").name;
  const dims = (alarm: Record<string, any>) => alarm.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions);

  it("each service has its alarms, generated from the catalog", () => {
    expect(Object.keys(alarms).sort()).toEqual([
      "frontend-5xx-rate",
      "frontend-pods-not-ready",
      "frontend-restarts",
      "service-chat-pods-not-ready",
      "service-chat-throttles-messages",
      "service-chat-throttles-users",
      "service-registro-pods-not-ready",
      "service-registro-throttles-users",
      "service-user-pods-not-ready",
      "service-user-throttles-users",
    ]);
    for (const [id, a] of Object.entries(alarms)) {
      expect(a.alarm_name, id).toBe(`eksmesh-dev-${id}`);
      expect(a.alarm_actions, id).toEqual([ref("aws_sns_topic", "alarms-topic", "arn")]);
      expect(a.ok_actions, id).toEqual([ref("aws_sns_topic", "alarms-topic", "arn")]);
      // Either one metric read as is, or metric math returning exactly one series.
      if (a.metric_query) expect(a.metric_query.filter((q: any) => q.return_data), id).toHaveLength(1);
      else expect(a.metric_name, id).toBeTruthy();
    }
  });

  it("pods-not-ready reads the Container Insights metric of the service's real cluster, namespace and Service", () => {
    for (const s of dev.config.workloads.app.services) {
      const a = alarms[`${s.name}-pods-not-ready`];
      const svc = workloads.kubernetes_service_v1[`${s.name}-service`] as any;
      const ns = workloads.kubernetes_namespace_v1[`namespace-${s.namespace}`] as any;
      expect(a).toMatchObject({ namespace: "ContainerInsights", metric_name: "service_number_of_running_pods", statistic: "Minimum", period: 60, evaluation_periods: 5 });
      expect(a.dimensions).toEqual({ ClusterName: clusterName, Namespace: ns.metadata.name, Service: svc.metadata.name });
      expect(a).toMatchObject({ comparison_operator: "LessThanThreshold", threshold: s.replicas.min * s.versions.length, treat_missing_data: "breaching" });
    }
  });

  it("restarts (EC2 services) read each Deployment's pods by the name Container Insights gives them", () => {
    const a = alarms["frontend-restarts"];
    const deployments = Object.entries(workloads.kubernetes_deployment_v1 as Record<string, any>).filter(([id]) => id.startsWith("frontend-deployment-"));
    expect(dims(a)).toEqual(deployments.map(([, d]) => ({ ClusterName: clusterName, Namespace: "frontend", PodName: d.metadata.name })));
    // The restart count is cumulative per pod: the alarm watches its growth between 15-minute windows.
    expect(a.metric_query.filter((q: any) => q.metric).map((q: any) => [q.metric.metric_name, q.metric.stat, q.metric.period])).toEqual(deployments.map(() => ["pod_number_of_container_restarts", "Maximum", 900]));
    expect(a.metric_query.find((q: any) => q.return_data).expression).toBe(deployments.map((_, i) => `DIFF(FILL(restarts${i}, 0))`).join(" + "));
    expect(a).toMatchObject({ comparison_operator: "GreaterThanOrEqualToThreshold", threshold: 3 });
  });

  it("the 5xx rate reads the ALB and target group the Load Balancer Controller makes for the service's Ingress", () => {
    const ingress = workloads.kubernetes_ingress_v1["frontend-ingress"] as any;
    const backend = ingress.spec.rule[0].http.path[0].backend.service;
    const serviceName = (workloads.kubernetes_service_v1["frontend-service"] as any).metadata.name;
    expect(backend.name).toBe(ref("kubernetes_service_v1", "frontend-service", "metadata[0].name"));
    const lb = dev.data("observability", "aws_lb")["public-alb"];
    expect(lb.tags).toEqual({ "elbv2.k8s.aws/cluster": clusterName, "ingress.k8s.aws/stack": ingress.metadata.annotations["alb.ingress.kubernetes.io/group.name"], "ingress.k8s.aws/resource": "LoadBalancer" });
    const tg = dev.data("observability", "aws_lb_target_group")["frontend-target-group"];
    expect(tg.tags["ingress.k8s.aws/resource"]).toBe(`frontend/${ingress.metadata.name}-${serviceName}:${backend.port.number}`);
    const a = alarms["frontend-5xx-rate"];
    expect(a.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.metric_name)).toEqual(["HTTPCode_Target_5XX_Count", "RequestCount"]);
    expect(dims(a)).toEqual([
      { LoadBalancer: ref("data.aws_lb", "public-alb", "arn_suffix"), TargetGroup: ref("data.aws_lb_target_group", "frontend-target-group", "arn_suffix") },
      { LoadBalancer: ref("data.aws_lb", "public-alb", "arn_suffix"), TargetGroup: ref("data.aws_lb_target_group", "frontend-target-group", "arn_suffix") },
    ]);
  });

  it("throttle alarms name the DynamoDB tables the workloads stack creates, one per table a service uses", () => {
    for (const s of dev.config.workloads.app.services) {
      for (const table of Object.keys(s.tables)) {
        const a = alarms[`${s.name}-throttles-${table}`];
        const created = (workloads.aws_dynamodb_table[`table-${table}`] as any).name;
        expect(dims(a)).toEqual([{ TableName: created }, { TableName: created }]);
        expect(a.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.metric_name)).toEqual(["ReadThrottleEvents", "WriteThrottleEvents"]);
      }
    }
  });

  it("notify an encrypted topic CloudWatch may publish to, with the configured e-mail subscriptions", () => {
    const s = withPrometheusAndEmail;
    expect(s.resource("observability", "aws_sns_topic", "alarms-topic")).toMatchObject({ name: "eksmesh-dev-alarms", kms_master_key_id: ref("aws_kms_key", "alarms-key", "arn") });
    expect(s.resource("observability", "aws_sns_topic_subscription", "alarms-email-oncall-example-com")).toMatchObject({ protocol: "email", endpoint: "oncall@example.com" });
    const key = JSON.parse(s.resource("observability", "aws_kms_key", "alarms-key").policy);
    expect(key.Statement.find((st: any) => st.Principal?.Service === "cloudwatch.amazonaws.com")).toMatchObject({ Action: ["kms:Decrypt", "kms:GenerateDataKey*"] });
  });

  it("the dashboard shows each service's alarm signals with the same metrics", () => {
    const body = JSON.parse(dev.resource("observability", "aws_cloudwatch_dashboard", "dashboard").dashboard_body);
    expect(dev.resource("observability", "aws_cloudwatch_dashboard", "dashboard").dashboard_name).toBe("eksmesh-dev");
    const titles = body.widgets.filter((w: any) => w.type === "metric").map((w: any) => w.properties.title);
    expect(titles.sort()).toEqual(Object.keys(alarms).map((id) => id.replace(/-(pods-not-ready|restarts|5xx-rate|throttles-.*)$/, ": $1")).sort());
  });
});

describe("turning a part off removes exactly that part", () => {
  const base = addresses(dev);
  const diff = (input: PlatformConfigInput) => {
    const other = addresses(synthPlatform(withDev(input)));
    return { removed: minus(base, other), added: minus(other, base) };
  };
  const fargateGroups = fargateNamespacesOf(dev).map((n) => `cluster:aws_cloudwatch_log_group.fargate-logs-${n}`);

  it("Fargate logs: their log groups, the execution role's policy, the log router's namespace and ConfigMap", () => {
    expect(diff({ observability: { logs: { fargate: { enabled: false } } } })).toEqual({
      removed: [...fargateGroups, "cluster:aws_iam_role_policy.fargate-pod-execution-logs-policy", "cluster:data.aws_iam_policy_document.fargate-pod-execution-logs", "mesh:kubernetes_config_map_v1.fargate-logging", "mesh:kubernetes_namespace_v1.aws-observability-namespace"].sort(),
      added: [],
    });
  });

  it("EC2 logs: the add-on, its role and log groups, and the alarms that read Container Insights", () => {
    expect(diff({ observability: { logs: { ec2: { enabled: false } } } })).toEqual({
      removed: [
        "cluster:aws_eks_addon.addon-amazon-cloudwatch-observability",
        "cluster:aws_iam_role.cloudwatch-agent-irsa",
        "cluster:aws_iam_role_policy.cloudwatch-agent-irsa-permissions",
        "cluster:data.aws_iam_policy_document.cloudwatch-agent-irsa-permissions",
        "cluster:data.aws_iam_policy_document.cloudwatch-agent-irsa-trust",
        ...CONTAINER_INSIGHTS_LOG_KINDS.map((k) => `cluster:aws_cloudwatch_log_group.container-insights-${k}`),
        "observability:aws_cloudwatch_metric_alarm.frontend-pods-not-ready",
        "observability:aws_cloudwatch_metric_alarm.frontend-restarts",
        ...["service-chat", "service-registro", "service-user"].map((n) => `observability:aws_cloudwatch_metric_alarm.${n}-pods-not-ready`),
      ].sort(),
      added: [],
    });
  });

  it("alarms: the alarms and the topic with its key; the dashboard stays", () => {
    const { removed, added } = diff({ observability: { alarms: { enabled: false } } });
    expect(added).toEqual([]);
    expect(removed).toEqual(
      [...[...base].filter((a) => a.startsWith("observability:aws_cloudwatch_metric_alarm.")), "observability:aws_sns_topic.alarms-topic", "observability:aws_kms_key.alarms-key", "observability:aws_kms_alias.alarms-key-alias"].sort(),
    );
  });

  it("the dashboard: only the dashboard", () => {
    expect(diff({ observability: { dashboard: { enabled: false } } })).toEqual({ removed: ["observability:aws_cloudwatch_dashboard.dashboard"], added: [] });
  });

  it("Prometheus on: a workspace, the managed scraper and the scraper's RBAC, nothing else", () => {
    expect(diff({ observability: { metrics: { prometheus: { enabled: true } } } })).toEqual({
      removed: [],
      added: [
        "mesh:kubernetes_cluster_role_binding_v1.amp-scraper-role-binding",
        "mesh:kubernetes_cluster_role_v1.amp-scraper-role",
        "observability:aws_prometheus_scraper.prometheus-scraper",
        "observability:aws_prometheus_workspace.prometheus-workspace",
        "observability:data.terraform_remote_state.remote-state-network",
      ],
    });
  });
});

describe("Prometheus", () => {
  const s = withPrometheusAndEmail;

  it("the managed scraper reads the cluster through its private subnets and writes to the workspace", () => {
    const scraper = s.resource("observability", "aws_prometheus_scraper", "prometheus-scraper");
    expect(scraper.source[0].eks[0]).toEqual({
      cluster_arn: "${data.terraform_remote_state.remote-state-cluster.outputs.cluster_arn}",
      subnet_ids: "${data.terraform_remote_state.remote-state-network.outputs.private_subnet_ids}",
      security_group_ids: ["${data.terraform_remote_state.remote-state-cluster.outputs.cluster_security_group_id}"],
    });
    expect(scraper.destination[0].amp[0].workspace_arn).toBe(ref("aws_prometheus_workspace", "prometheus-workspace", "arn"));
  });

  it("scrapes the services that opt in and every Envoy sidecar, at the configured interval", () => {
    const conf = parseYaml(s.resource("observability", "aws_prometheus_scraper", "prometheus-scraper").scrape_configuration);
    expect(conf.global.scrape_interval).toBe("60s");
    expect(conf.scrape_configs.map((c: any) => c.job_name)).toEqual(["services", "envoy"]);
    const envoy = conf.scrape_configs[1];
    expect(envoy.metrics_path).toBe("/stats/prometheus");
    expect(envoy.relabel_configs).toEqual(expect.arrayContaining([{ source_labels: ["__meta_kubernetes_pod_container_name"], action: "keep", regex: "envoy" }, expect.objectContaining({ replacement: "$1:9901", target_label: "__address__" })]));
    expect(conf.scrape_configs[0].relabel_configs[0]).toEqual({ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" });
  });

  it("the HPA keeps reading CPU from metrics-server (resource metrics), which stays installed", () => {
    const hpa = s.resource("workloads", "kubernetes_horizontal_pod_autoscaler_v2", "service-user-autoscaler-v1");
    expect(hpa.spec.metric[0].type).toBe("Resource");
    expect(Object.keys(s.resources("mesh", "helm_release"))).toContain("metrics-server");
  });
});

describe("traces: one switch", () => {
  it("turns on Envoy's X-Ray tracing in the mesh and lets every service's daemon send segments", () => {
    const s = synthPlatform(withDev({ observability: { traces: { enabled: true } } }));
    expect(s.config.mesh.controller.tracing.enabled).toBe(true);
    const release = s.resource("mesh", "helm_release", "appmesh-controller");
    expect(parseYaml(release.values[0]).tracing).toMatchObject({ enabled: true, provider: "x-ray" });
    for (const svc of s.config.workloads.app.services) {
      const doc = s.data("workloads", "aws_iam_policy_document")[`service-${svc.name}-role-permissions`] ?? s.data("workloads", "aws_iam_policy_document")[`${svc.name}-role-permissions`];
      const xray = doc.statement.find((st: any) => st.sid === "XRayDaemonSendsTraces");
      expect(xray, svc.name).toEqual({ sid: "XRayDaemonSendsTraces", actions: XRAY_DAEMON_ACTIONS, resources: ["*"] });
    }
    expect(JSON.stringify(dev.data("workloads", "aws_iam_policy_document"))).not.toContain("xray:");
    // The app's own X-Ray SDK finds the injected daemon.
    const env = s.resource("workloads", "kubernetes_deployment_v1", "service-user-deployment-v1").spec.template.spec.container[0].env;
    expect(env).toContainEqual({ name: "AWS_XRAY_DAEMON_ADDRESS", value: "127.0.0.1:2000" });
    expect(JSON.stringify(dev.resources("workloads", "kubernetes_deployment_v1"))).not.toContain("AWS_XRAY_DAEMON_ADDRESS");
  });

  it("mesh.controller.tracing.enabled is an alias; contradicting the switch is refused", () => {
    expect(parseConfig(withDev({ mesh: { controller: { tracing: { enabled: true } } } })).observability.traces.enabled).toBe(true);
    expect(() => parseConfig(withDev({ observability: { traces: { enabled: true } }, mesh: { controller: { tracing: { enabled: false } } } }))).toThrow(
      "mesh.controller.tracing.enabled: is false but observability.traces.enabled is true; traces have one switch, observability.traces.enabled: remove this field",
    );
    expect(() => parseConfig(withDev({ observability: { traces: { enabled: true } }, mesh: { controller: { tracing: { provider: "jaeger" } } } }))).toThrow(
      'mesh.controller.tracing.address: is required when tracing.provider is "jaeger": give the agent\'s address, e.g. "jaeger-agent.observability"',
    );
  });
});

describe("cost", () => {
  it("prices every part, on or off, and counts only what is on in the total", () => {
    const cost = observabilityCost(dev.config, US_EAST_1);
    const parts = cost.lines.map((l) => l.part);
    expect(parts).toEqual(expect.arrayContaining(["Fargate log ingestion", "Fargate log storage", "Container Insights metrics", "Service alarms", "Dashboard", "AMP samples ingested", "AMP managed scraper", "X-Ray traces recorded"]));
    const fargateIngest = cost.lines.find((l) => l.part === "Fargate log ingestion")!;
    expect(fargateIngest.monthly).toBeCloseTo(3 * US_EAST_1.cloudwatchLogs.ingestPerGb.value, 2);
    // 15 alarm metrics (alarms above: 4 single-metric + 1 restart + 2×5xx + 2×4 throttles) at $0.10.
    expect(cost.lines.find((l) => l.part === "Service alarms")!.monthly).toBeCloseTo(1.5, 2);
    const on = cost.lines.filter((l) => l.on).reduce((n, l) => n + l.monthly, 0);
    expect(cost.onMonthly).toBeCloseTo(on, 1);
    expect(cost.lines.find((l) => l.part === "AMP managed scraper")!.on).toBe(false);
    expect(cost.allOnMonthly).toBeGreaterThan(cost.onMonthly);
  });

  it("a longer retention costs more storage, the same ingestion", () => {
    const long = observabilityCost(parseConfig(withDev({ observability: { logs: { fargate: { retentionDays: 365 } } } })), US_EAST_1);
    const short = observabilityCost(dev.config, US_EAST_1);
    const line = (c: typeof long, part: string) => c.lines.find((l) => l.part === part)!.monthly;
    expect(line(long, "Fargate log storage")).toBeGreaterThan(line(short, "Fargate log storage") * 10);
    expect(line(long, "Fargate log ingestion")).toBe(line(short, "Fargate log ingestion"));
  });
});

describe("config refusals", () => {
  it.each([
    [{ logs: { fargate: { retentionDays: 10 } } }, "observability.logs.fargate.retentionDays: 10 is not a retention CloudWatch Logs accepts"],
    [{ logs: { ec2: { addonVersion: "v6.4.0" } } }, 'observability.logs.ec2.addonVersion: "v6.4.0" is not an EKS add-on version; use the form "v6.4.0-eksbuild.1"'],
    [{ alarms: { topicArn: "alerts" } }, 'observability.alarms.topicArn: "alerts" is not an SNS topic ARN; use arn:aws:sns:<region>:<account>:<topic>'],
    [{ alarms: { emails: ["oncall"] } }, 'observability.alarms.emails[0]: "oncall" is not an e-mail address'],
    [{ alarms: { emails: ["a@example.com", "A@example.com"] } }, "observability.alarms.emails: lists an address twice; each may appear once"],
    [{ metrics: { prometheus: { scrapeIntervalSeconds: 5 } } }, "observability.metrics.prometheus.scrapeIntervalSeconds: 5 is too small; observability.metrics.prometheus.scrapeIntervalSeconds must be from 10 to 300"],
  ])("%j", (observability, message) => {
    expect(() => parseConfig(withDev({ observability } as PlatformConfigInput))).toThrow(message);
  });

  it("an existing topic is used as is: no topic or key of ours", () => {
    const arn = "arn:aws:sns:us-east-1:123456789012:platform-pager";
    const s = synthPlatform(withDev({ observability: { alarms: { topicArn: arn } } }));
    expect(s.resources("observability", "aws_sns_topic")).toEqual({});
    expect(s.resource("observability", "aws_cloudwatch_metric_alarm", "service-user-pods-not-ready").alarm_actions).toEqual([arn]);
  });
});

describe("outputs say where to look", () => {
  it("publishes the topic, dashboard, Fargate log groups and (when on) the Prometheus workspace", () => {
    const out = dev.stack("observability").output!;
    expect(out.alarm_topic_arn.value).toBe(ref("aws_sns_topic", "alarms-topic", "arn"));
    expect(out.dashboard_name.value).toBe("eksmesh-dev");
    expect(out.fargate_log_group_names.value).toEqual(fargateNamespacesOf(dev).map((n) => `/eksmesh/dev/fargate/${n}`));
    expect(out.prometheus_workspace_id.value).toBe("");
  });

  it("the stack uses the AWS provider only", () => {
    expect(Object.keys(dev.stack("observability").provider ?? {})).toEqual(["aws"]);
    expect(fs.existsSync(path.join(dev.outdir, "stacks", "observability", "cdk.tf.json"))).toBe(true);
  });
});
