import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config/load";
import { formatFindings, scanStacks } from "../scripts/security-scan";
import { crdErrors, crdKinds } from "./support/crd-schema";
import { type Synthesized, synthPlatform, withDev } from "./support/synth";
import { TABLE_ACTIONS } from "../stacks/constructs/table-access";

const STACK = "workloads";

/** The permission statements of a service's IRSA role (the policy document data source). */
function statementsOf(s: Synthesized, service: string): Array<{ sid?: string; actions: string[]; resources: string[]; condition?: unknown[] }> {
  const doc = s.data(STACK, "aws_iam_policy_document")[`${service}-role-permissions`];
  if (!doc) throw new Error(`no permissions document for ${service}`);
  return doc.statement;
}

function manifests(s: Synthesized): Array<Record<string, any>> {
  return Object.values(s.resources(STACK, "kubernetes_manifest")).map((r) => r.manifest);
}

describe.each([
  ["reference", withDev()],
  ["yelb", withDev({ workloads: { catalog: "yelb" } })],
])("workloads stack, %s catalog", (catalogName, input) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform(input);
  });

  it("renders every service of the catalog", () => {
    expect(s.config.workloads.catalog).toBe(catalogName);
    const services = s.config.workloads.app.services;
    const deployments = s.resources(STACK, "kubernetes_deployment_v1");
    for (const svc of services) {
      for (const v of svc.versions) expect(deployments[`${svc.name}-deployment-${v.name}`]).toBeDefined();
      expect(s.resources(STACK, "kubernetes_service_account_v1")[`${svc.name}-service-account`]).toBeDefined();
      expect(s.resources(STACK, "aws_iam_role")[`${svc.name}-role`]).toBeDefined();
      expect(s.resources(STACK, "kubernetes_service_v1")[`${svc.name}-service`]).toBeDefined();
      expect(s.resources(STACK, "kubernetes_pod_disruption_budget_v1")[`${svc.name}-disruption-budget`]).toMatchObject({
        spec: { max_unavailable: "1", selector: { match_labels: { app: svc.name } } },
      });
    }
  });

  it("labels namespaces for the mesh and the strictest Pod Security level Envoy's proxyinit passes", () => {
    const namespaces = s.resources(STACK, "kubernetes_namespace_v1");
    const expected = [...new Set(s.config.workloads.app.services.map((x) => x.namespace))];
    expect(Object.keys(namespaces).sort()).toEqual(expected.map((n) => `namespace-${n}`).sort());
    for (const ns of Object.values(namespaces)) {
      expect(ns.metadata.labels).toMatchObject({
        "appmesh.k8s.aws/sidecarInjectorWebhook": "enabled",
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      });
      expect(ns.metadata.labels.mesh).toBe("${data.terraform_remote_state.remote-state-mesh.outputs.mesh_name}");
    }
  });

  it("runs every container restricted: non-root, read-only root, no capabilities, RuntimeDefault seccomp, fsGroup 1337 for Envoy", () => {
    for (const [id, d] of Object.entries(s.resources(STACK, "kubernetes_deployment_v1"))) {
      const pod = d.spec.template.spec;
      expect(pod.security_context, id).toMatchObject({ fs_group: "1337", seccomp_profile: { type: "RuntimeDefault" } });
      expect(pod.automount_service_account_token).toBe(false);
      const c = pod.container[0];
      expect(c.security_context, id).toMatchObject({
        run_as_non_root: true,
        read_only_root_filesystem: true,
        allow_privilege_escalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccomp_profile: { type: "RuntimeDefault" },
      });
      expect(Number(c.security_context.run_as_user)).toBeGreaterThan(0);
      expect(c.resources.requests).toMatchObject({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
      expect(c.resources.limits).toMatchObject({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
      expect(c.liveness_probe).toMatchObject({ failure_threshold: 3 });
      expect(c.readiness_probe).toMatchObject({ failure_threshold: 3 });
      expect(pod.topology_spread_constraint[0]).toMatchObject({ topology_key: "topology.kubernetes.io/zone", max_skew: 1 });
      expect(d.lifecycle).toMatchObject({ ignore_changes: ["spec[0].replicas"] });
    }
  });

  it("labels pods app, version and compute; EC2 pods get a node selector, Fargate pods none", () => {
    const deployments = s.resources(STACK, "kubernetes_deployment_v1");
    for (const svc of s.config.workloads.app.services) {
      for (const v of svc.versions) {
        const pod = deployments[`${svc.name}-deployment-${v.name}`].spec.template;
        expect(pod.metadata.labels).toEqual({ app: svc.name, version: v.name, "eks-mesh-platform/compute": svc.placement });
        if (svc.placement === "ec2") expect(pod.spec.node_selector).toMatchObject({ "eks-mesh-platform/compute": "ec2" });
        else expect(pod.spec.node_selector).toBeUndefined();
      }
    }
  });

  it("autoscales each version on CPU with autoscaling/v2", () => {
    for (const svc of s.config.workloads.app.services) {
      for (const v of svc.versions) {
        expect(s.resource(STACK, "kubernetes_horizontal_pod_autoscaler_v2", `${svc.name}-autoscaler-${v.name}`)).toMatchObject({
          spec: {
            min_replicas: svc.replicas.min,
            max_replicas: svc.replicas.max,
            scale_target_ref: { api_version: "apps/v1", kind: "Deployment" },
            metric: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: svc.replicas.targetCpuUtilization } } }],
          },
        });
      }
    }
  });

  it("exposes public services through one shared internet-facing ALB with IP targets", () => {
    const ingresses = s.resources(STACK, "kubernetes_ingress_v1");
    const publicServices = s.config.workloads.app.services.filter((x) => x.public);
    expect(Object.keys(ingresses)).toEqual(publicServices.map((x) => `${x.name}-ingress`));
    for (const svc of publicServices) {
      const ing = ingresses[`${svc.name}-ingress`];
      expect(ing.metadata.annotations).toMatchObject({
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/healthcheck-path": svc.healthCheckPath,
      });
      expect(ing.spec.ingress_class_name).toMatch(/ingress_class/);
      expect(ing.spec.rule[0].http.path[0]).toMatchObject({ path: svc.public!.path, path_type: "Prefix" });
    }
    expect(s.stack(STACK).output!.ingress_hostname.value).toMatch(/kubernetes_ingress_v1\..*-ingress\.status\[0\]\.load_balancer\[0\]\.ingress\[0\]\.hostname/);
  });

  it("renders App Mesh objects that validate against the controller's CRD schemas", () => {
    const all = manifests(s);
    expect(crdKinds()).toMatchObject({ Mesh: "appmesh.k8s.aws/v1beta2", VirtualNode: "appmesh.k8s.aws/v1beta2", VirtualRouter: "appmesh.k8s.aws/v1beta2", VirtualService: "appmesh.k8s.aws/v1beta2" });
    const versions = s.config.workloads.app.services.reduce((n, x) => n + x.versions.length, 0);
    const count = (kind: string) => all.filter((m) => m.kind === kind).length;
    expect([count("Mesh"), count("VirtualNode"), count("VirtualRouter"), count("VirtualService")]).toEqual([1, versions, s.config.workloads.app.services.length, s.config.workloads.app.services.length]);
    for (const m of all) expect(crdErrors(m), `${m.kind} ${m.metadata.name}`).toEqual([]);
  });

  it("wires backends from dependsOn and gives each version's pods its VirtualNode first", () => {
    const byName = new Map(s.config.workloads.app.services.map((x) => [x.name, x]));
    for (const svc of byName.values()) {
      for (const v of svc.versions) {
        const node = s.resource(STACK, "kubernetes_manifest", `${svc.name}-virtual-node-${v.name}`).manifest;
        expect(node.spec.podSelector.matchLabels).toEqual({ app: svc.name, version: v.name });
        expect(node.spec.serviceDiscovery.dns.hostname).toBe(`${svc.name}-${v.name}.${svc.namespace}.svc.cluster.local`);
        expect((node.spec.backends ?? []).map((b: any) => b.virtualService.virtualServiceRef)).toEqual(svc.dependsOn.map((d) => ({ name: d, namespace: byName.get(d)!.namespace })));
        expect(s.resource(STACK, "kubernetes_deployment_v1", `${svc.name}-deployment-${v.name}`).depends_on).toEqual([`kubernetes_manifest.${svc.name}-virtual-node-${v.name}`]);
      }
    }
  });

  it("gives each role exactly its tables' actions on its tables' ARNs, and Envoy its own virtual nodes", () => {
    for (const svc of s.config.workloads.app.services) {
      const statements = statementsOf(s, svc.name);
      const resources = statements.flatMap((st) => st.resources);
      expect(resources).not.toContain("*");
      for (const st of statements) for (const r of st.resources) expect(r).not.toMatch(/^\*|:\*$|table\/\*/);
      const tableStatements = statements.filter((st) => st.actions.some((a) => a.startsWith("dynamodb:")));
      expect(tableStatements.map((st) => st.resources)).toEqual(
        Object.keys(svc.tables).map((t) => [`\${aws_dynamodb_table.table-${t}.arn}`, `\${aws_dynamodb_table.table-${t}.arn}/index/*`]),
      );
      expect(tableStatements.map((st) => st.actions)).toEqual(Object.values(svc.tables).map((a) => TABLE_ACTIONS[a]));
      const envoy = statements.find((st) => st.actions.includes("appmesh:StreamAggregatedResources"))!;
      expect(envoy.actions).toEqual(["appmesh:StreamAggregatedResources"]);
      expect(envoy.resources).toHaveLength(svc.versions.length);
      svc.versions.forEach((v, i) => expect(envoy.resources[i]).toMatch(new RegExp(`:mesh/.*mesh_name.*/virtualNode/${svc.name}-${v.name}_${svc.namespace}$`)));
    }
  });

  it("creates ECR repositories: scan on push, immutable tags, KMS, lifecycle", () => {
    const repos = s.resources(STACK, "aws_ecr_repository");
    const expected = new Set(s.config.workloads.app.services.flatMap((x) => [x.image, ...x.versions.map((v) => v.image ?? x.image)]).flatMap((i) => ("ecr" in i ? [i.ecr] : [])));
    expect(Object.keys(repos).sort()).toEqual([...expected].map((n) => `repository-${n}`).sort());
    for (const [id, repo] of Object.entries(repos)) {
      expect(repo).toMatchObject({ image_tag_mutability: "IMMUTABLE", image_scanning_configuration: { scan_on_push: true }, encryption_configuration: [{ encryption_type: "KMS" }] });
      const policy = JSON.parse(s.resource(STACK, "aws_ecr_lifecycle_policy", `${id}-lifecycle`).policy);
      expect(policy.rules[0].selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 });
    }
  });

  it("publishes per-service outputs", () => {
    const outputs = s.stack(STACK).output!;
    for (const svc of s.config.workloads.app.services) {
      const key = svc.name.replace(/-/g, "_");
      expect(Object.keys(outputs)).toEqual(expect.arrayContaining([`service_${key}_namespace`, `service_${key}_role_arn`, `service_${key}_repository_url`]));
    }
  });

  it("passes Checkov with no failed check that is not skipped in code", () => {
    const report = scanStacks(path.join(s.outdir, "stacks"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    const passed = new Set(report.passedChecks.filter((p) => p.file.startsWith("workloads/")).map((p) => p.checkId));
    // The scan looked at the Kubernetes objects and the AWS resources of this stack.
    expect([...passed]).toEqual(expect.arrayContaining(["CKV_K8S_8", "CKV_K8S_9", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_28", "CKV_K8S_37", "CKV_AWS_51", "CKV_AWS_136", "CKV_AWS_163"]));
    for (const skip of report.skipped.filter((f) => f.file.startsWith("workloads/"))) expect(skip.checkId).toBe("CKV_K8S_43");
  });
});

describe("reference catalog specifics", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform(withDev());
  });

  it("places the three APIs on Fargate in their own namespaces and the frontend on the general node group", () => {
    expect(s.config.workloads.app.services.map((x) => [x.name, x.namespace, x.placement, x.port])).toEqual([
      ["frontend", "frontend", "ec2", 8080],
      ["service-user", "apiuser", "fargate", 8080],
      ["service-registro", "apiregistro", "fargate", 8080],
      ["service-chat", "apichat", "fargate", 8080],
    ]);
    const pod = s.resource(STACK, "kubernetes_deployment_v1", "frontend-deployment-v1").spec.template.spec;
    expect(pod.node_selector).toEqual({ "eks-mesh-platform/node-group": "general", "eks-mesh-platform/compute": "ec2" });
  });

  it("allows login only to read users, registration to read and write users, chat messages read-write and users read", () => {
    const tablesOf = (svc: string) =>
      statementsOf(s, svc)
        .filter((st) => st.actions.some((a) => a.startsWith("dynamodb:")))
        .map((st) => [st.resources[0], st.actions.includes("dynamodb:PutItem") ? (st.actions.includes("dynamodb:GetItem") ? "readwrite" : "write") : "read"]);
    expect(tablesOf("service-user")).toEqual([["${aws_dynamodb_table.table-users.arn}", "read"]]);
    expect(tablesOf("service-registro")).toEqual([["${aws_dynamodb_table.table-users.arn}", "readwrite"]]);
    expect(tablesOf("service-chat")).toEqual([
      ["${aws_dynamodb_table.table-messages.arn}", "readwrite"],
      ["${aws_dynamodb_table.table-users.arn}", "read"],
    ]);
    expect(tablesOf("frontend")).toEqual([]);
    // KMS only through DynamoDB, only on the tables' key.
    const kms = statementsOf(s, "service-user").find((st) => st.actions.includes("kms:Decrypt"))!;
    expect(kms).toMatchObject({ resources: ["${aws_kms_key.tables-key.arn}"], condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["dynamodb.us-east-1.amazonaws.com"] }] });
    expect(kms.actions).toEqual(["kms:Decrypt", "kms:DescribeKey"]);
  });

  it("protects tables: on-demand, PITR, customer-key SSE, deletion protection and prevent_destroy", () => {
    for (const id of ["table-users", "table-messages"]) {
      expect(s.resource(STACK, "aws_dynamodb_table", id)).toMatchObject({
        billing_mode: "PAY_PER_REQUEST",
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.tables-key.arn}" },
        deletion_protection_enabled: true,
        lifecycle: { prevent_destroy: true },
      });
    }
    expect(s.resource(STACK, "aws_dynamodb_table", "table-messages")).toMatchObject({ hash_key: "roomId", range_key: "sentAt" });
  });

  it("tells each service its tables' real names", () => {
    const env = s.resource(STACK, "kubernetes_deployment_v1", "service-chat-deployment-v1").spec.template.spec.container[0].env;
    expect(env).toEqual(expect.arrayContaining([{ name: "DYNAMODB_TABLE_MESSAGES", value: "${aws_dynamodb_table.table-messages.name}" }, { name: "DYNAMODB_TABLE_USERS", value: "${aws_dynamodb_table.table-users.name}" }]));
  });

  it("lifts a table's protection only when the config deliberately allows destroying it", () => {
    const lifted = synthPlatform(withDev({ workloads: { tables: { messages: { allowDestroy: true } } } }));
    expect(lifted.resource(STACK, "aws_dynamodb_table", "table-messages")).toMatchObject({ deletion_protection_enabled: false, lifecycle: { prevent_destroy: false } });
    expect(lifted.resource(STACK, "aws_dynamodb_table", "table-users")).toMatchObject({ deletion_protection_enabled: true, lifecycle: { prevent_destroy: true } });
  });
});

describe("yelb catalog specifics", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform(withDev({ workloads: { catalog: "yelb" } }));
  });

  it("splits yelb-appserver 50/50 between v1 and v2 with the walkthrough's retry policy", () => {
    const router = s.resource(STACK, "kubernetes_manifest", "yelb-appserver-virtual-router").manifest;
    expect(router.spec.routes).toEqual([
      {
        name: "yelb-appserver-route",
        httpRoute: {
          match: { prefix: "/" },
          action: {
            weightedTargets: [
              { virtualNodeRef: { name: "yelb-appserver-v1", namespace: "yelb" }, weight: 50 },
              { virtualNodeRef: { name: "yelb-appserver-v2", namespace: "yelb" }, weight: 50 },
            ],
          },
          retryPolicy: { maxRetries: 2, perRetryTimeout: { unit: "ms", value: 2000 }, httpRetryEvents: ["server-error", "client-error", "gateway-error"] },
        },
      },
    ]);
    // v2 comes from the project's ECR repository, v1 from the walkthrough's public image.
    const image = (v: string) => s.resource(STACK, "kubernetes_deployment_v1", `yelb-appserver-deployment-${v}`).spec.template.spec.container[0].image;
    expect(image("v1")).toBe("docker.io/mreferre/yelb-appserver:0.5");
    expect(image("v2")).toBe("${aws_ecr_repository.repository-yelb-appserver.repository_url}:v2");
  });

  it("routes redis and postgres as TCP, without retries", () => {
    for (const name of ["redis-server", "yelb-db"]) {
      const route = s.resource(STACK, "kubernetes_manifest", `${name}-virtual-router`).manifest.spec.routes[0];
      expect(Object.keys(route)).toEqual(["name", "tcpRoute"]);
    }
  });

  it("lets nginx bind port 80 without capabilities through the safe unprivileged-port sysctl", () => {
    const pod = s.resource(STACK, "kubernetes_deployment_v1", "yelb-ui-deployment-v1").spec.template.spec;
    expect(pod.security_context.sysctl).toEqual([{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    expect(pod.container[0].volume_mount.map((m: any) => m.mount_path)).toEqual(["/tmp", "/var/cache/nginx", "/var/run"]);
  });

  it("creates no table and no table permissions", () => {
    expect(s.resources(STACK, "aws_dynamodb_table")).toEqual({});
    for (const svc of s.config.workloads.app.services) expect(statementsOf(s, svc.name).flatMap((st) => st.actions).filter((a) => !a.startsWith("appmesh:"))).toEqual([]);
  });
});

describe("workloads config", () => {
  it("defaults to the reference catalog with every table protected", () => {
    const c = parseConfig({ platform: { throwaway: true }, edge: { insecurePlainHttpForThrowawayEnvironment: true } });
    expect(c.workloads).toMatchObject({ catalog: "reference", tables: {}, ecr: { keepImages: 30 } });
  });
});
