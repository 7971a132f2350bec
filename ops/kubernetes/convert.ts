/**
 * The Kubernetes API object a typed `kubernetes_*` Terraform resource creates, attribute by
 * attribute, as the kubernetes provider builds it: snake_case blocks become camelCase fields,
 * repeated blocks become the plural list field (`container` → `containers`), single nested
 * blocks (written by cdktf as an object or a one-element list) become objects, and numbers
 * and int-or-string values written as strings become what the API expects.
 *
 * The table below is closed: an attribute it does not list is an error naming its path,
 * never dropped, so a new attribute in the stacks fails here until the table says what the
 * provider makes of it. Terraform's own meta-arguments and the provider's client-side
 * switches (wait_for_rollout, ...) are listed as such and are not part of the object.
 */

type Scalar = "string" | "int" | "bool" | "intOrString" | "octal";
interface Block {
  readonly kind: "block" | "blocks";
  readonly fields: Fields;
}
type Spec = Scalar | "map" | "strings" | "ints" | Block | { readonly kind: "provider-only" };
/** A field: its spec (the API name is the camelCase of the Terraform one), or [API name, spec]. */
type Fields = Readonly<Record<string, Spec | readonly [string, Spec]>>;

const block = (fields: Fields): Block => ({ kind: "block", fields });
const blocks = (fields: Fields): Block => ({ kind: "blocks", fields });
const PROVIDER_ONLY = { kind: "provider-only" } as const;

const metadata = block({ name: "string", namespace: "string", labels: "map", annotations: "map", generate_name: "string" });
const labelSelector = block({ match_labels: "map", match_expressions: ["matchExpressions", blocks({ key: "string", operator: "string", values: "strings" })] });
const seccompProfile = block({ type: "string", localhost_profile: "string" });
const handlerFields: Fields = {
  http_get: block({ path: "string", port: "intOrString", scheme: "string", host: "string", http_header: ["httpHeaders", blocks({ name: "string", value: "string" })] }),
  tcp_socket: block({ port: "intOrString", host: "string" }),
  exec: block({ command: "strings" }),
};
const probe = block({
  ...handlerFields,
  grpc: block({ port: "int", service: "string" }),
  initial_delay_seconds: "int",
  period_seconds: "int",
  timeout_seconds: "int",
  failure_threshold: "int",
  success_threshold: "int",
  termination_grace_period_seconds: "int",
});
const keyRef = block({ name: "string", key: "string", optional: "bool" });
const container = {
  name: "string",
  image: "string",
  image_pull_policy: "string",
  command: "strings",
  args: "strings",
  working_dir: "string",
  port: ["ports", blocks({ container_port: "int", name: "string", protocol: "string", host_port: "int", host_ip: ["hostIP", "string"] })],
  env: ["env", blocks({
    name: "string",
    value: "string",
    value_from: block({
      field_ref: block({ field_path: "string", api_version: "string" }),
      secret_key_ref: keyRef,
      config_map_key_ref: keyRef,
      resource_field_ref: block({ container_name: "string", resource: "string", divisor: "string" }),
    }),
  })],
  env_from: blocks({ prefix: "string", config_map_ref: block({ name: "string", optional: "bool" }), secret_ref: block({ name: "string", optional: "bool" }) }),
  resources: block({ limits: "map", requests: "map" }),
  liveness_probe: probe,
  readiness_probe: probe,
  startup_probe: probe,
  lifecycle: block({ post_start: block(handlerFields), pre_stop: block(handlerFields) }),
  security_context: block({
    allow_privilege_escalation: "bool",
    privileged: "bool",
    read_only_root_filesystem: "bool",
    run_as_group: "int",
    run_as_non_root: "bool",
    run_as_user: "int",
    capabilities: block({ add: "strings", drop: "strings" }),
    seccomp_profile: seccompProfile,
  }),
  volume_mount: ["volumeMounts", blocks({ mount_path: "string", name: "string", read_only: "bool", sub_path: "string", mount_propagation: "string" })],
  termination_message_path: "string",
  termination_message_policy: "string",
} as const satisfies Fields;
const keyToPath = blocks({ key: "string", path: "string", mode: "octal" });
const podSpec = block({
  container: ["containers", blocks(container)],
  init_container: ["initContainers", blocks(container)],
  volume: ["volumes", blocks({
    name: "string",
    empty_dir: block({ medium: "string", size_limit: "string" }),
    config_map: block({ name: "string", default_mode: "octal", optional: "bool", items: keyToPath }),
    secret: block({ secret_name: "string", default_mode: "octal", optional: "bool", items: keyToPath }),
  })],
  toleration: ["tolerations", blocks({ key: "string", operator: "string", value: "string", effect: "string", toleration_seconds: "int" })],
  topology_spread_constraint: ["topologySpreadConstraints", blocks({
    max_skew: "int",
    topology_key: "string",
    when_unsatisfiable: "string",
    label_selector: labelSelector,
    min_domains: "int",
    match_label_keys: "strings",
    node_affinity_policy: "string",
    node_taints_policy: "string",
  })],
  node_selector: "map",
  service_account_name: "string",
  automount_service_account_token: "bool",
  security_context: block({
    fs_group: "int",
    fs_group_change_policy: "string",
    run_as_group: "int",
    run_as_non_root: "bool",
    run_as_user: "int",
    supplemental_groups: "ints",
    seccomp_profile: seccompProfile,
  }),
  termination_grace_period_seconds: "int",
  priority_class_name: "string",
  dns_policy: "string",
  restart_policy: "string",
  enable_service_links: "bool",
  image_pull_secrets: blocks({ name: "string" }),
  runtime_class_name: "string",
  scheduler_name: "string",
});
const scaleRules = block({ stabilization_window_seconds: "int", select_policy: "string", policy: ["policies", blocks({ type: "string", value: "int", period_seconds: "int" })] });
const metricTarget = block({ type: "string", average_utilization: "int", average_value: "string", value: "string" });
const policyRule = blocks({ api_groups: "strings", resources: "strings", resource_names: "strings", verbs: "strings", non_resource_urls: ["nonResourceURLs", "strings"] });
const roleRef = block({ api_group: "string", kind: "string", name: "string" });
const subjects = ["subjects", blocks({ kind: "string", name: "string", namespace: "string", api_group: "string" })] as const;

/** Per resource type: the API kind it creates and its top-level attributes. */
export const RESOURCE_TYPES: Readonly<Record<string, { apiVersion: string; kind: string; fields: Fields }>> = {
  kubernetes_namespace_v1: { apiVersion: "v1", kind: "Namespace", fields: { metadata, wait_for_default_service_account: PROVIDER_ONLY } },
  kubernetes_service_account_v1: {
    apiVersion: "v1",
    kind: "ServiceAccount",
    fields: { metadata, automount_service_account_token: "bool", image_pull_secret: ["imagePullSecrets", blocks({ name: "string" })], secret: ["secrets", blocks({ name: "string" })] },
  },
  kubernetes_config_map_v1: { apiVersion: "v1", kind: "ConfigMap", fields: { metadata, data: "map", binary_data: "map", immutable: "bool" } },
  kubernetes_service_v1: {
    apiVersion: "v1",
    kind: "Service",
    fields: {
      metadata,
      spec: block({
        selector: "map",
        type: "string",
        port: ["ports", blocks({ name: "string", port: "int", target_port: "intOrString", protocol: "string", node_port: "int", app_protocol: "string" })],
        cluster_ip: ["clusterIP", "string"],
        session_affinity: "string",
        external_traffic_policy: "string",
        internal_traffic_policy: "string",
        load_balancer_class: "string",
        publish_not_ready_addresses: "bool",
        ip_families: "strings",
        ip_family_policy: "string",
      }),
      wait_for_load_balancer: PROVIDER_ONLY,
    },
  },
  kubernetes_deployment_v1: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    fields: {
      metadata,
      spec: block({
        replicas: "int",
        selector: labelSelector,
        template: block({ metadata, spec: podSpec }),
        strategy: block({ type: "string", rolling_update: block({ max_surge: "intOrString", max_unavailable: "intOrString" }) }),
        min_ready_seconds: "int",
        progress_deadline_seconds: "int",
        revision_history_limit: "int",
        paused: "bool",
      }),
      wait_for_rollout: PROVIDER_ONLY,
    },
  },
  kubernetes_horizontal_pod_autoscaler_v2: {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    fields: {
      metadata,
      spec: block({
        min_replicas: "int",
        max_replicas: "int",
        scale_target_ref: block({ api_version: "string", kind: "string", name: "string" }),
        metric: ["metrics", blocks({
          type: "string",
          resource: block({ name: "string", target: metricTarget }),
          container_resource: block({ name: "string", container: "string", target: metricTarget }),
        })],
        behavior: block({ scale_up: scaleRules, scale_down: scaleRules }),
      }),
    },
  },
  kubernetes_pod_disruption_budget_v1: {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    fields: { metadata, spec: block({ max_unavailable: "intOrString", min_available: "intOrString", selector: labelSelector, unhealthy_pod_eviction_policy: "string" }) },
  },
  kubernetes_ingress_v1: {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    fields: {
      metadata,
      spec: block({
        ingress_class_name: "string",
        rule: ["rules", blocks({
          host: "string",
          http: block({
            path: ["paths", blocks({
              path: "string",
              path_type: "string",
              backend: block({ service: block({ name: "string", port: block({ number: "int", name: "string" }) }) }),
            })],
          }),
        })],
        tls: ["tls", blocks({ hosts: "strings", secret_name: "string" })],
        default_backend: block({ service: block({ name: "string", port: block({ number: "int", name: "string" }) }) }),
      }),
      wait_for_load_balancer: PROVIDER_ONLY,
    },
  },
  kubernetes_cluster_role_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", fields: { metadata, rule: ["rules", policyRule] } },
  kubernetes_cluster_role_binding_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", fields: { metadata, role_ref: roleRef, subject: subjects } },
  kubernetes_role_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", fields: { metadata, rule: ["rules", policyRule] } },
  kubernetes_role_binding_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", fields: { metadata, role_ref: roleRef, subject: subjects } },
};

/** Terraform's meta-arguments and cdktf's metadata: about the resource, not the object. */
const META_ARGUMENTS = new Set(["//", "depends_on", "lifecycle", "count", "for_each", "provider", "provisioner", "connection", "timeouts"]);

export class ConversionError extends Error {
  constructor(
    readonly address: string,
    readonly problems: readonly string[],
  ) {
    super(`${address}: ${problems.join("; ")}`);
  }
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The API object a typed kubernetes_* resource body creates. `address` (type.name) only
 * names the resource in errors. Throws ConversionError listing every attribute it does not
 * know and every value of the wrong shape.
 */
export function toApiObject(type: string, body: Record<string, unknown>, address = type): Record<string, unknown> {
  const resource = RESOURCE_TYPES[type];
  if (!resource) throw new ConversionError(address, [`resource type ${type} is not one the converter knows (ops/kubernetes/convert.ts RESOURCE_TYPES); add what the provider makes of it`]);
  const problems: string[] = [];
  const object: Record<string, unknown> = { apiVersion: resource.apiVersion, kind: resource.kind };
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !META_ARGUMENTS.has(k)));
  Object.assign(object, convertFields(resource.fields, rest, "", problems));
  if (problems.length) throw new ConversionError(address, problems);
  return object;
}

function convertFields(fields: Fields, value: Record<string, unknown>, at: string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    const field = fields[key];
    if (field === undefined) {
      problems.push(`${path}: attribute not known to the converter (ops/kubernetes/convert.ts); add it with what the provider makes of it instead of dropping it`);
      continue;
    }
    const [name, spec] = Array.isArray(field) ? (field as readonly [string, Spec]) : [camel(key), field as Spec];
    if (typeof spec === "object" && spec.kind === "provider-only") continue;
    if (v === null || v === undefined) continue;
    const converted = convertValue(spec, v, path, problems);
    if (converted !== undefined) out[name] = converted;
  }
  return out;
}

function convertValue(spec: Spec, v: unknown, path: string, problems: string[]): unknown {
  const wrong = (want: string) => {
    problems.push(`${path}: ${JSON.stringify(v)} is not ${want}`);
    return undefined;
  };
  if (typeof spec === "object") {
    if (spec.kind === "provider-only") return undefined;
    const items = Array.isArray(v) ? v : [v];
    if (items.some((i) => !i || typeof i !== "object" || Array.isArray(i))) return wrong(spec.kind === "block" ? "a block" : "a list of blocks");
    if (spec.kind === "block") {
      if (items.length === 0) return undefined;
      if (items.length > 1) return wrong("a single block (it has more than one)");
      return convertFields(spec.fields, items[0] as Record<string, unknown>, path, problems);
    }
    return items.map((item, i) => convertFields(spec.fields, item as Record<string, unknown>, `${path}[${i}]`, problems));
  }
  switch (spec) {
    case "string":
      return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : wrong("a string");
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      return wrong("a boolean");
    case "int":
      if (typeof v === "number" && Number.isInteger(v)) return v;
      if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
      return wrong("an integer");
    case "octal":
      // The provider takes file modes as octal strings ("0644").
      if (typeof v === "string" && /^0?[0-7]{1,4}$/.test(v)) return parseInt(v, 8);
      if (typeof v === "number" && Number.isInteger(v)) return v;
      return wrong("a file mode such as \"0644\"");
    case "intOrString":
      // intstr.Parse: a string of digits is a number, anything else ("http", "25%") stays a string.
      if (typeof v === "number" && Number.isInteger(v)) return v;
      if (typeof v === "string") return /^\d+$/.test(v) ? Number(v) : v;
      return wrong("an integer or a string");
    case "map":
      if (!v || typeof v !== "object" || Array.isArray(v)) return wrong("a map of strings");
      for (const [k, x] of Object.entries(v)) if (typeof x !== "string") problems.push(`${path}.${k}: ${JSON.stringify(x)} is not a string`);
      return v;
    case "strings":
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) return wrong("a list of strings");
      return v;
    case "ints":
      if (!Array.isArray(v)) return wrong("a list of integers");
      return v.map((x, i) => convertValue("int", x, `${path}[${i}]`, problems));
  }
}
