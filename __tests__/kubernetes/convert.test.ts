import { describe, expect, it } from "vitest";
import { ConversionError, toApiObject } from "../../ops/kubernetes/convert";
import { collectStack, readStacks } from "../../ops/kubernetes/objects";
import { synthPlatform, withDev } from "../support/synth";

const deployment = {
  "//": { metadata: { path: "workloads/x" } },
  depends_on: ["kubernetes_manifest.mesh"],
  lifecycle: { ignore_changes: ["spec[0].replicas"] },
  wait_for_rollout: false,
  metadata: { name: "api-v1", namespace: "api", labels: { app: "api" } },
  spec: {
    replicas: "2",
    selector: { match_labels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: {
        container: [
          {
            name: "api",
            image: "registry/api:1.0.0",
            port: [{ container_port: 8080, name: "http" }],
            liveness_probe: { http_get: { path: "/health", port: "8080" }, period_seconds: 20 },
            readiness_probe: { tcp_socket: [{ port: "http" }] },
            security_context: { run_as_user: "10001", capabilities: { drop: ["ALL"] }, read_only_root_filesystem: true },
            volume_mount: [{ mount_path: "/tmp", name: "tmp" }],
          },
        ],
        security_context: { fs_group: "1337" },
        topology_spread_constraint: [{ max_skew: 1, topology_key: "topology.kubernetes.io/zone", when_unsatisfiable: "ScheduleAnyway", label_selector: [{ match_labels: { app: "api" } }] }],
        volume: [{ name: "tmp", empty_dir: {} }],
      },
    },
  },
};

describe("toApiObject (typed kubernetes_* resource → API object)", () => {
  it("builds the object the provider sends: plural lists, camelCase, numbers and int-or-strings as the API types them", () => {
    expect(toApiObject("kubernetes_deployment_v1", deployment)).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "api-v1", namespace: "api", labels: { app: "api" } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "api" } },
        template: {
          metadata: { labels: { app: "api" } },
          spec: {
            containers: [
              {
                name: "api",
                image: "registry/api:1.0.0",
                ports: [{ containerPort: 8080, name: "http" }],
                livenessProbe: { httpGet: { path: "/health", port: 8080 }, periodSeconds: 20 },
                readinessProbe: { tcpSocket: { port: "http" } },
                securityContext: { runAsUser: 10001, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
                volumeMounts: [{ mountPath: "/tmp", name: "tmp" }],
              },
            ],
            securityContext: { fsGroup: 1337 },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "api" } } }],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    });
  });

  it("refuses an attribute it does not know, naming its path, instead of dropping it", () => {
    const typo = structuredClone(deployment) as any;
    typo.spec.template.spec.container[0].imagePullPolicy = "Always";
    typo.spec.template.spec.node_selectors = { a: "b" };
    expect(() => toApiObject("kubernetes_deployment_v1", typo, "kubernetes_deployment_v1.api")).toThrow(ConversionError);
    try {
      toApiObject("kubernetes_deployment_v1", typo, "kubernetes_deployment_v1.api");
    } catch (e) {
      expect((e as ConversionError).problems).toEqual([
        expect.stringMatching(/^spec\.template\.spec\.container\[0\]\.imagePullPolicy: attribute not known to the converter/),
        expect.stringMatching(/^spec\.template\.spec\.node_selectors: attribute not known to the converter/),
      ]);
    }
  });

  it("refuses values of the wrong shape and resource types it has no table for", () => {
    expect(() => toApiObject("kubernetes_service_v1", { metadata: { name: "s" }, spec: { port: [{ port: "eighty" }] } })).toThrow('spec.port[0].port: "eighty" is not an integer');
    expect(() => toApiObject("kubernetes_deployment_v1", { metadata: [{ name: "a" }, { name: "b" }] })).toThrow("is not a single block");
    expect(() => toApiObject("kubernetes_stateful_set_v1", { metadata: { name: "s" } })).toThrow("resource type kubernetes_stateful_set_v1 is not one the converter knows");
  });

  it("keeps int-or-strings that are names or percentages as strings", () => {
    const pdb = toApiObject("kubernetes_pod_disruption_budget_v1", { metadata: { name: "p" }, spec: { max_unavailable: "25%", selector: { match_labels: { app: "a" } } } });
    expect(pdb.spec).toEqual({ maxUnavailable: "25%", selector: { matchLabels: { app: "a" } } });
  });
});

describe("every typed resource the stacks write converts", () => {
  for (const [label, input] of [
    ["dev", withDev()],
    ["lattice, Karpenter with VPA, Prometheus", withDev({ mesh: { implementation: "vpc-lattice" }, cluster: { autoscaling: "karpenter", verticalPodAutoscaler: true }, observability: { metrics: { prometheus: { enabled: true } } } })],
  ] as const) {
    it(`${label}: no unknown attribute, no unresolved value, in mesh and workloads`, () => {
      const stacks = readStacks(synthPlatform(input).outdir);
      for (const stack of ["mesh", "workloads"]) {
        const collected = collectStack(stack, stacks);
        expect(collected.problems).toEqual([]);
        expect(collected.objects.filter((o) => o.source === "typed").length).toBeGreaterThan(0);
        expect(JSON.stringify(collected.objects)).not.toContain("${");
      }
    });
  }
});
