import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { CATALOGS } from "../apps";
import prodConfig from "../config/environments/prod";
import { CHARTS, GATEWAY_API, SIGV4_PROXY_IMAGE } from "../charts/versions";
import { parseConfig } from "../config/load";
import type { PlatformConfig, PlatformConfigInput } from "../config/schema";
import { carriedByLattice, latticePorts, signedDependencies } from "../config/schema/lattice";
import { extractSynthWarnings } from "../ops/synth-warnings";
import { generatedCatalog } from "../scripts/bench-catalog";
import { formatFindings, scanStacks } from "../scripts/security-scan";
import { MESH_DISCONTINUATION_WARNING } from "../stacks/mesh/appmesh/discontinued";
import { LATTICE_CONTROLLER_REMOVED_ACTIONS } from "../stacks/mesh/vpc-lattice/installer";
import { resetRoutingWarnings } from "../stacks/synth/warnings";
import { celReport } from "./support/crd-cel";
import { crdErrors, crdKinds, crdSchema, GATEWAY_CONTROLLER_DIR, gatewayApiCrdFile } from "./support/crd-schema";
import { type Synthesized, synthPlatform, withDev } from "./support/synth";
import { GATEWAY_CONTROLLER } from "../facts/controllers";


const LATTICE = { mesh: { implementation: "vpc-lattice" } } as const;
const CLUSTER_OUT = "${data.terraform_remote_state.remote-state-cluster.outputs.";

/** The custom resources of a stack, with the mesh stack's outputs replaced by the values they carry, ready for schema validation. */
function customResources(s: Synthesized, stack: string): Array<Record<string, any>> {
  const values: Record<string, string> = { mesh_name: s.config.mesh.name, controller_namespace: "aws-application-networking-system" };
  const text = JSON.stringify(Object.values(s.resources(stack, "kubernetes_manifest")).map((r) => r.manifest)).replace(/\$\{data\.terraform_remote_state\.remote-state-mesh\.outputs\.(\w+)\}/g, (_m, k: string) => values[k] ?? _m);
  return JSON.parse(text);
}

const byKind = (all: Array<Record<string, any>>, kind: string) => all.filter((m) => m.kind === kind);

/** Schema errors plus failed or unevaluable CEL rules of one custom resource (empty when the API server would accept it). */
function admissionErrors(m: Record<string, any>): string[] {
  const cel = celReport(crdSchema(m.kind)!, m);
  return [...crdErrors(m), ...cel.failed, ...cel.unevaluated.map((u) => `not evaluated: ${u}`)];
}

/**
 * The lines that synthesizing a config (`syntheses` times in one process) writes to stderr
 * and that start with `prefix`. Warnings print once per process, so they are reset first.
 */
function stderrLines(input: PlatformConfigInput, prefix: string, syntheses = 1): string[] {
  resetRoutingWarnings();
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    for (let i = 0; i < syntheses; i++) synthPlatform(input);
  } finally {
    spy.mockRestore();
  }
  return writes.join("").split("\n").filter((l) => l.startsWith(prefix));
}

/** Synthesizes with a generated catalog in place of "reference" (scripts/bench.ts: a 90/10 canary every 10th service). */
function synthWithCatalog(catalog: unknown, overrides: PlatformConfigInput = {}): Synthesized {
  const catalogs = CATALOGS as Record<string, unknown>;
  const saved = catalogs.reference;
  catalogs.reference = catalog;
  try {
    return synthPlatform(withDev({ ...overrides, workloads: { catalog: "reference" } }));
  } finally {
    catalogs.reference = saved;
  }
}

describe.each([
  ["reference", withDev(LATTICE)],
  ["yelb", withDev({ ...LATTICE, workloads: { catalog: "yelb" } })],
])("vpc-lattice, %s catalog", (catalogName, input) => {
  let s: Synthesized;
  let services: PlatformConfig["workloads"]["app"]["services"];
  beforeAll(() => {
    s = synthPlatform(input);
    services = s.config.workloads.app.services;
    expect(s.config.workloads.catalog).toBe(catalogName);
  });

  it("installs nothing of App Mesh, in either stack", () => {
    expect(Object.keys(s.resources("mesh", "helm_release")).sort()).toEqual(["gateway-controller", "load-balancer-controller", "metrics-server"]);
    for (const stack of ["mesh", "workloads"]) {
      expect(JSON.stringify([s.stack(stack).resource, s.stack(stack).data]), stack).not.toMatch(/appmesh/i);
    }
    expect(customResources(s, "workloads").filter((m) => m.apiVersion.startsWith("appmesh"))).toEqual([]);
  });

  it("installs the AWS Gateway API Controller chart v2.1.3 from its OCI registry, its CRDs applied by Terraform", () => {
    const release = s.resource("mesh", "helm_release", "gateway-controller");
    expect(release).toMatchObject({
      name: "gateway-api-controller",
      namespace: "aws-application-networking-system",
      repository: "oci://public.ecr.aws/aws-application-networking-k8s",
      chart: "aws-gateway-controller-chart",
      version: "v2.1.3",
      skip_crds: true,
      atomic: true,
      create_namespace: false,
    });
    expect(s.data("mesh", "helm_template")["gateway-controller-chart"]).toMatchObject({ chart: "aws-gateway-controller-chart", version: "v2.1.3", include_crds: true });
    const values = parse(release.values[0]);
    expect(values).toMatchObject({
      awsRegion: "us-east-1",
      clusterName: `${CLUSTER_OUT}cluster_name}`,
      clusterVpcId: "${data.terraform_remote_state.remote-state-network.outputs.vpc_id}",
      defaultServiceNetwork: "",
      serviceAccount: { create: true, name: "gateway-api-controller", annotations: { "eks.amazonaws.com/role-arn": "${aws_iam_role.gateway-controller-role.arn}" } },
      deployment: { replicas: 2, nodeSelector: { "eks-mesh-platform/compute": "ec2" } },
    });
    expect(release.depends_on).toEqual(
      expect.arrayContaining([
        "kubernetes_namespace_v1.gateway-controller-namespace",
        "kubernetes_manifest.gateway-controller-crds",
        "helm_release.load-balancer-controller",
        "aws_iam_role_policy.gateway-controller-role-permissions",
        ...Object.keys(GATEWAY_API.crds).map((p) => `kubernetes_manifest.gateway-api-crd-${p}`),
      ]),
    );
  });

  it("applies the five Gateway API v1.5.0 standard-channel CRDs from upstream, refused unless their SHA-256 is the pinned one", () => {
    const files = s.data("mesh", "http");
    expect(Object.keys(files).sort()).toEqual(["gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants"].map((p) => `gateway-api-${p}-file`));
    for (const [plural, sha] of Object.entries(GATEWAY_API.crds)) {
      const file = files[`gateway-api-${plural}-file`];
      expect(file.url).toBe(`https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v1.5.0/config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`);
      expect(file.lifecycle.postcondition.map((p: { condition: string }) => p.condition)).toEqual(["${self.status_code == 200}", `\${sha256(self.response_body) == "${sha}"}`]);
      const crd = s.resource("mesh", "kubernetes_manifest", `gateway-api-crd-${plural}`);
      expect(crd.manifest).toContain(`yamldecode(data.http.gateway-api-${plural}-file.response_body)`);
      expect(crd.manifest).toContain('if key != "status"');
      expect(crd.field_manager).toEqual({ name: "eks-mesh-platform", force_conflicts: true });
    }
    expect(s.stack("mesh").terraform.required_providers.http).toMatchObject({ source: "hashicorp/http" });
  });

  it("creates the service network named after the mesh and associates it with the platform's VPC", () => {
    expect(s.resource("mesh", "aws_vpclattice_service_network", "service-network")).toMatchObject({ name: "eksmesh-dev", auth_type: "NONE" });
    expect(s.resource("mesh", "aws_vpclattice_service_network_vpc_association", "service-network-vpc-association")).toMatchObject({
      service_network_identifier: "${aws_vpclattice_service_network.service-network.id}",
      vpc_identifier: "${data.terraform_remote_state.remote-state-network.outputs.vpc_id}",
    });
    const out = s.stack("mesh").output!;
    expect(out.service_network_id.value).toBe("${aws_vpclattice_service_network.service-network.id}");
    expect(out.service_network_arn.value).toBe("${aws_vpclattice_service_network.service-network.arn}");
    expect(out.mesh_implementation.value).toBe("vpc-lattice");
    expect(out.controller_namespace.value).toBe("aws-application-networking-system");
    expect(out.gateway_controller_chart_version.value).toBe("v2.1.3");
    expect([out.appmesh_controller_chart_version.value, out.envoy_image.value, out.sidecar_injection_label.value]).toEqual(["", "", ""]);
  });

  it("lets the Lattice data plane reach pods on exactly the carried services' ports, from its managed prefix list looked up by name", () => {
    expect(s.data("mesh", "aws_ec2_managed_prefix_list")["lattice-prefix-list"]).toEqual(expect.objectContaining({ name: "com.amazonaws.us-east-1.vpc-lattice" }));
    const rules = s.resources("mesh", "aws_vpc_security_group_ingress_rule");
    const ports = latticePorts(services);
    expect(ports).toEqual(catalogName === "reference" ? [8080] : [80, 4567]);
    expect(Object.keys(rules).sort()).toEqual(ports.map((p) => `lattice-to-pods-${p}`).sort());
    for (const p of ports) {
      expect(rules[`lattice-to-pods-${p}`]).toMatchObject({
        security_group_id: `${CLUSTER_OUT}cluster_security_group_id}`,
        prefix_list_id: "${data.aws_ec2_managed_prefix_list.lattice-prefix-list.id}",
        ip_protocol: "tcp",
        from_port: p,
        to_port: p,
      });
    }
  });

  it("renders Gateway API and Lattice resources that validate against the upstream CRD schemas", () => {
    const all = customResources(s, "workloads");
    expect(crdKinds()).toMatchObject({
      GatewayClass: "gateway.networking.k8s.io/v1",
      Gateway: "gateway.networking.k8s.io/v1",
      HTTPRoute: "gateway.networking.k8s.io/v1",
      GRPCRoute: "gateway.networking.k8s.io/v1",
      TargetGroupPolicy: "application-networking.k8s.aws/v1alpha1",
      IAMAuthPolicy: "application-networking.k8s.aws/v1alpha1",
    });
    const carried = services.filter(carriedByLattice);
    expect([byKind(all, "GatewayClass").length, byKind(all, "Gateway").length, byKind(all, "HTTPRoute").length, byKind(all, "IAMAuthPolicy").length]).toEqual([1, 1, carried.length, carried.length]);
    expect(byKind(all, "TargetGroupPolicy")).toHaveLength(carried.reduce((n, x) => n + x.versions.length, 0));
    for (const m of all) expect(admissionErrors(m), `${m.kind} ${m.metadata.name}`).toEqual([]);
    // The CEL rules were really evaluated on the Gateway API objects.
    for (const m of [...byKind(all, "Gateway"), ...byKind(all, "HTTPRoute")]) expect(celReport(crdSchema(m.kind)!, m).passed, m.kind).toBeGreaterThan(5);
  });

  it("points the Gateway at the service network by name, with a listener per carried port open to the catalog's namespaces", () => {
    const [gateway] = byKind(customResources(s, "workloads"), "Gateway");
    expect(gateway.metadata).toEqual({ name: "eksmesh-dev", namespace: "aws-application-networking-system" });
    expect(gateway.spec.gatewayClassName).toBe("amazon-vpc-lattice");
    // mesh.tls defaults to "strict" under Lattice: HTTPS only, no plain-HTTP listener left;
    // no `tls` block, so Lattice uses the certificate it manages for each service's name.
    expect(s.config.mesh.tls.mode).toBe("strict");
    expect(gateway.spec.listeners).toEqual(latticePorts(services).map((port) => ({ name: `https-${port}`, protocol: "HTTPS", port, allowedRoutes: { namespaces: { from: "All" } } })));
    const [gatewayClass] = byKind(customResources(s, "workloads"), "GatewayClass");
    expect(gatewayClass.spec.controllerName).toBe("application-networking.k8s.aws/gateway-api-controller");
  });

  it("routes each carried service to its versions' Services with the catalog's weights; tcp services get no route", () => {
    const routes = byKind(customResources(s, "workloads"), "HTTPRoute");
    for (const svc of services) {
      const route = routes.find((r) => r.metadata.name === svc.name && r.metadata.namespace === svc.namespace);
      if (!carriedByLattice(svc)) {
        expect(route, svc.name).toBeUndefined();
        continue;
      }
      expect(route!.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "eksmesh-dev", namespace: "aws-application-networking-system", sectionName: `https-${svc.port}` }]);
      expect(route!.spec.rules).toHaveLength(1);
      expect(route!.spec.rules[0].backendRefs).toEqual(svc.versions.map((v) => ({ group: "", kind: "Service", name: `${svc.name}-${v.name}`, port: svc.port, weight: v.weight })));
    }
    if (catalogName === "yelb") expect(routes.find((r) => r.metadata.name === "yelb-appserver")!.spec.rules[0].backendRefs.map((b: { weight: number }) => b.weight)).toEqual([50, 50]);
  });

  it("health-checks each version's target group on the catalog's path and protocol", () => {
    const policies = byKind(customResources(s, "workloads"), "TargetGroupPolicy");
    for (const svc of services.filter(carriedByLattice)) {
      for (const v of svc.versions) {
        const p = policies.find((x) => x.metadata.name === `${svc.name}-${v.name}`)!;
        expect(p.metadata.namespace).toBe(svc.namespace);
        expect(p.spec).toEqual({
          targetRef: { group: "", kind: "Service", name: `${svc.name}-${v.name}` },
          protocol: "HTTP",
          protocolVersion: "HTTP1",
          healthCheck: expect.objectContaining({ enabled: true, path: svc.healthCheckPath, port: svc.port, protocol: "HTTP", protocolVersion: "HTTP1" }),
        });
      }
    }
  });

  it("lets exactly the catalog's callers invoke each service, each by its own role, with no * principal", () => {
    const policies = byKind(customResources(s, "workloads"), "IAMAuthPolicy");
    for (const svc of services.filter(carriedByLattice)) {
      const p = policies.find((x) => x.metadata.name === svc.name)!;
      expect(p.spec.targetRef).toEqual({ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: svc.name });
      const doc = JSON.parse(p.spec.policy);
      const callers = services.filter((c) => c.dependsOn.includes(svc.name)).map((c) => `\${aws_iam_role.${c.name}-role.arn}`);
      const allows = doc.Statement.filter((st: { Effect: string }) => st.Effect === "Allow");
      for (const st of allows) expect(st.Principal).not.toBe("*");
      if (callers.length) {
        expect(doc.Statement).toEqual([{ Sid: "CatalogCallers", Effect: "Allow", Principal: { AWS: callers }, Action: "vpc-lattice-svcs:Invoke", Resource: "*" }]);
      } else {
        // Nobody in the catalog calls it through Lattice: nobody may.
        expect(doc.Statement).toEqual([{ Sid: "NoCatalogCallers", Effect: "Deny", Principal: "*", Action: "vpc-lattice-svcs:Invoke", Resource: "*" }]);
      }
    }
  });

  it("lets each caller's role invoke exactly its Lattice dependencies' services (both sides must allow), and nothing of App Mesh", () => {
    const docs = s.data("workloads", "aws_iam_policy_document");
    for (const svc of services) {
      const deps = svc.dependsOn.filter((d) => carriedByLattice(services.find((x) => x.name === d)!));
      const statements = (docs[`${svc.name}-role-permissions`]?.statement ?? []) as Array<{ sid: string; actions: string[]; resources: string[] }>;
      const invoke = statements.filter((st) => st.actions.some((a) => a.startsWith("vpc-lattice-svcs:")));
      if (!deps.length) {
        expect(invoke, svc.name).toEqual([]);
        continue;
      }
      expect(invoke).toEqual([
        {
          sid: "InvokeItsLatticeDependencies",
          actions: ["vpc-lattice-svcs:Invoke"],
          resources: deps.map((d) => `\${data.kubernetes_resource.${d}-route-status.object.metadata.annotations["application-networking.k8s.aws/lattice-service-arn"]}/*`),
        },
      ]);
      expect(JSON.stringify(statements)).not.toContain("appmesh:");
    }
  });

  it("gives callers one signing proxy per Lattice dependency their env names, pinned, restricted, on localhost only", () => {
    const deployments = s.resources("workloads", "kubernetes_deployment_v1");
    for (const svc of services) {
      const signed = signedDependencies(svc, services);
      for (const v of svc.versions) {
        const containers = deployments[`${svc.name}-deployment-${v.name}`].spec.template.spec.container;
        expect(containers.map((c: { name: string }) => c.name)).toEqual([svc.name, ...signed.map((d) => `sigv4-${d}`)]);
        signed.forEach((dep, i) => {
          const depPort = services.find((x) => x.name === dep)!.port;
          expect(containers[i + 1]).toMatchObject({
            image: `${SIGV4_PROXY_IMAGE.repository}:${SIGV4_PROXY_IMAGE.tag}`,
            args: [
              "--name",
              "vpc-lattice-svcs",
              "--region",
              "us-east-1",
              "--unsigned-payload",
              // TLS to Lattice, verified against the image's CA bundle (no --no-verify-ssl).
              "--upstream-url-scheme",
              "https",
              "--host",
              `\${data.kubernetes_resource.${dep}-route-status.object.metadata.annotations["application-networking.k8s.aws/lattice-assigned-domain-name"]}:${depPort}`,
              "--duplicate-headers",
              "Authorization",
              "--port",
              `127.0.0.1:${8005 + i}`,
            ],
            security_context: { run_as_non_root: true, read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ["ALL"] } },
          });
          expect(containers[i + 1].port).toBeUndefined();
        });
      }
    }
    expect(signedDependencies(services.find((x) => x.name === services[0].name)!, services).length).toBe(catalogName === "reference" ? 3 : 0);
  });

  it("passes Checkov over the mesh and workloads stacks, skips only with reasons", () => {
    const report = scanStacks(path.join(s.outdir, "stacks"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    for (const skip of report.skipped) expect(skip.skipReason!.length).toBeGreaterThan(20);
    expect(report.passedChecks.some((p) => p.resource.includes("gateway-controller-role"))).toBe(true);
  });
});

describe("vpc-lattice: callers reach dependencies by the name Lattice assigns", () => {
  const s = synthPlatform(withDev(LATTICE));

  it("points the catalog's env at each dependency's signing proxy in the pod, scheme and path kept", () => {
    const frontend = s.resource("workloads", "kubernetes_deployment_v1", "frontend-deployment-v1").spec.template.spec.container[0];
    const env = Object.fromEntries(frontend.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ LOGIN_API_URL: "http://127.0.0.1:8005", REGISTRATION_API_URL: "http://127.0.0.1:8006", CHAT_API_URL: "http://127.0.0.1:8007" });
    expect(Object.keys(env)).not.toContain("HTTP_PROXY");
  });

  it("reads the name back only after the controller annotated the route", () => {
    const route = s.resource("workloads", "kubernetes_manifest", "service-user-route");
    expect(route.wait).toEqual({ fields: { 'metadata.annotations["application-networking.k8s.aws/lattice-assigned-domain-name"]': "^.+$" } });
    expect(s.data("workloads", "kubernetes_resource")["service-user-route-status"]).toMatchObject({
      api_version: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "service-user", namespace: "apiuser" },
      depends_on: ["kubernetes_manifest.service-user-route"],
    });
  });

  it("leaves the pod security, namespaces and IRSA roles of App Mesh's Envoy out of the service roles", () => {
    const docs = s.data("workloads", "aws_iam_policy_document");
    expect(JSON.stringify(docs)).not.toContain("appmesh:");
    for (const ns of Object.values(s.resources("workloads", "kubernetes_namespace_v1"))) expect(ns.metadata.labels.mesh).toBeUndefined();
  });

  it("marks every pod template with the mesh, so switching re-creates every pod (no pod keeps App Mesh's Envoy)", () => {
    for (const d of Object.values(s.resources("workloads", "kubernetes_deployment_v1"))) {
      expect(d.spec.template.metadata.annotations).toEqual({ "eks-mesh-platform/mesh": "vpc-lattice" });
    }
    const before = synthPlatform(withDev());
    for (const d of Object.values(before.resources("workloads", "kubernetes_deployment_v1"))) expect(d.spec.template.metadata.annotations).toBeUndefined();
  });

  it("enforces the restricted Pod Security level in the catalog's namespaces (nothing needs NET_ADMIN without App Mesh)", () => {
    for (const ns of Object.values(s.resources("workloads", "kubernetes_namespace_v1"))) {
      expect(ns.metadata.labels).toEqual({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" });
    }
  });
});

describe("vpc-lattice: TLS between services (mesh.tls)", () => {
  const strict = synthPlatform(withDev(LATTICE));
  const off = synthPlatform(withDev({ mesh: { implementation: "vpc-lattice", tls: { mode: "off" } } }));
  const listenersOf = (s: Synthesized) => byKind(customResources(s, "workloads"), "Gateway")[0].spec.listeners as Array<{ name: string; protocol: string; tls?: unknown }>;
  const proxySchemes = (s: Synthesized) =>
    Object.values(s.resources("workloads", "kubernetes_deployment_v1")).flatMap((d) =>
      d.spec.template.spec.container.filter((c: { name: string }) => c.name.startsWith("sigv4-")).map((c: { args: string[] }) => c.args[c.args.indexOf("--upstream-url-scheme") + 1]),
    );

  it("is on by default with vpc-lattice on EKS, and off by default with App Mesh and on ECS", () => {
    expect(strict.config.mesh.tls.mode).toBe("strict");
    expect(parseConfig(withDev(), "dev").mesh.tls.mode).toBe("off");
    expect(parseConfig(withDev({ ...LATTICE, platform: { orchestrator: "ecs" } }), "ecs").mesh.tls.mode).toBe("off");
    expect(parseConfig(prodConfig, "prod").mesh.tls.mode).toBe("strict");
    // Saying "strict" is the same as the default: the same resolved mesh settings.
    expect(parseConfig(withDev({ mesh: { implementation: "vpc-lattice", tls: { mode: "strict" } } }), "dev").mesh).toEqual(strict.config.mesh);
  });

  it("puts every service on an HTTPS listener only, with Lattice's own certificate, so plain text has no listener", () => {
    const listeners = listenersOf(strict);
    expect(listeners.length).toBeGreaterThan(0);
    for (const l of listeners) expect(l).toMatchObject({ protocol: "HTTPS" });
    // No tls block: Lattice provisions and renews the certificate of each service's generated name.
    for (const l of listeners) expect(l.tls).toBeUndefined();
    for (const r of byKind(customResources(strict, "workloads"), "HTTPRoute")) {
      expect(r.spec.parentRefs.map((p: { sectionName: string }) => p.sectionName)).toEqual([`https-${r.spec.rules[0].backendRefs[0].port}`]);
      expect(r.spec.hostnames).toBeUndefined();
    }
    for (const m of customResources(strict, "workloads")) expect(admissionErrors(m), `${m.kind} ${m.metadata.name}`).toEqual([]);
  });

  it("makes every signing proxy connect with HTTPS and verify the certificate; with TLS off they use HTTP", () => {
    expect(proxySchemes(strict).length).toBeGreaterThan(0);
    expect(new Set(proxySchemes(strict))).toEqual(new Set(["https"]));
    expect(new Set(proxySchemes(off))).toEqual(new Set(["http"]));
    expect(JSON.stringify(strict.stack("workloads"))).not.toContain("--no-verify-ssl");
  });

  it("keeps the hop from Lattice to the pods in HTTP (the pods serve no TLS), and creates no CA or private certificate", () => {
    for (const p of byKind(customResources(strict, "workloads"), "TargetGroupPolicy")) expect(p.spec.protocol).toBe("HTTP");
    for (const type of ["aws_acmpca_certificate_authority", "aws_acm_certificate", "aws_acmpca_permission"]) expect(Object.keys(strict.resources("workloads", type) ?? {})).toEqual([]);
    // The ALB still targets the public pods in HTTP: only App Mesh's STRICT Envoy listeners need HTTPS targets.
    const ingress = Object.values(strict.resources("workloads", "kubernetes_ingress_v1"))[0];
    expect(ingress.metadata.annotations["alb.ingress.kubernetes.io/backend-protocol"]).toBeUndefined();
    expect(strict.resource("workloads", "kubernetes_deployment_v1", "service-user-deployment-v1").spec.template.spec.container[0].liveness_probe.http_get).toBeDefined();
    // Operators read what is encrypted from the workloads stack's outputs.
    expect(strict.stack("workloads").output!.mesh_tls.value).toBe("lattice-https");
    expect(off.stack("workloads").output!.mesh_tls.value).toBe("off");
  });

  it("with TLS off, keeps plain-HTTP listeners and says so once per synth", () => {
    for (const l of listenersOf(off)) expect(l.protocol).toBe("HTTP");
    expect(stderrLines(withDev({ mesh: { implementation: "vpc-lattice", tls: { mode: "off" } } }), 'WARNING: mesh.implementation "vpc-lattice": mesh.tls.mode')).toEqual([
      'WARNING: mesh.implementation "vpc-lattice": mesh.tls.mode: "off" leaves calls between services in plain HTTP from caller to Lattice; "strict" (the default with vpc-lattice) puts every service on an HTTPS listener with a certificate Lattice manages, at no extra cost.',
    ]);
  });

  it("takes a catalog's https:// URL: the app talks HTTP to its signing proxy on loopback, which does the TLS; refused with TLS off", () => {
    const catalog = structuredClone(CATALOGS.reference) as { services: Array<{ name: string; env: Record<string, string> }> };
    const frontend = catalog.services.find((x) => x.name === "frontend")!;
    frontend.env.LOGIN_API_URL = frontend.env.LOGIN_API_URL.replace("http://", "https://");
    const envOf = (s: Synthesized) =>
      Object.fromEntries(s.resource("workloads", "kubernetes_deployment_v1", "frontend-deployment-v1").spec.template.spec.container[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(envOf(synthWithCatalog(catalog, LATTICE))).toMatchObject({ LOGIN_API_URL: "http://127.0.0.1:8005" });
    expect(envOf(synthWithCatalog(catalog, { mesh: { implementation: "vpc-lattice", lattice: { auth: "none" } } })).LOGIN_API_URL).toMatch(/^https:\/\/\$\{data\.kubernetes_resource\.service-user-route-status\..*\}:8080$/);
    expect(() => synthWithCatalog(catalog, { mesh: { implementation: "vpc-lattice", tls: { mode: "off" } } })).toThrow(
      'workloads.catalog: catalog "reference" (apps/reference.ts) services.frontend.env.LOGIN_API_URL: "https://service-user.apiuser.svc.cluster.local:8080" asks for HTTPS to service-user, but with mesh.tls.mode "off" its VPC Lattice listener is plain HTTP; set mesh.tls.mode "strict" (the default with vpc-lattice, no extra cost) or use http://',
    );
  });

  it("with auth \"none\" and TLS off, hands callers http:// URLs to the Lattice names", () => {
    const s = synthPlatform(withDev({ mesh: { implementation: "vpc-lattice", lattice: { auth: "none" }, tls: { mode: "off" } } }));
    const frontend = s.resource("workloads", "kubernetes_deployment_v1", "frontend-deployment-v1").spec.template.spec.container[0];
    expect(frontend.env.find((e: { name: string }) => e.name === "LOGIN_API_URL").value).toMatch(/^http:\/\/\$\{data\.kubernetes_resource\.service-user-route-status\..*\}:8080$/);
  });
});

describe("vpc-lattice with auth \"none\"", () => {
  const s = synthPlatform(withDev({ mesh: { implementation: "vpc-lattice", lattice: { auth: "none" } } }));

  it("renders routes and health checks but no auth policy, no signing proxy and no proxy settings", () => {
    const all = customResources(s, "workloads");
    expect(byKind(all, "HTTPRoute")).toHaveLength(4);
    expect(byKind(all, "IAMAuthPolicy")).toEqual([]);
    for (const d of Object.values(s.resources("workloads", "kubernetes_deployment_v1"))) {
      const containers = d.spec.template.spec.container;
      expect(containers).toHaveLength(1);
    }
    // Callers get the names Lattice assigned, the catalog's port kept, over HTTPS (mesh TLS is on by default).
    const frontend = s.resource("workloads", "kubernetes_deployment_v1", "frontend-deployment-v1").spec.template.spec.container[0];
    expect(frontend.env.find((e: { name: string }) => e.name === "LOGIN_API_URL").value).toBe(
      'https://${data.kubernetes_resource.service-user-route-status.object.metadata.annotations["application-networking.k8s.aws/lattice-assigned-domain-name"]}:8080',
    );
  });
});

describe("vpc-lattice: the benchmark catalog's 90/10 canaries", () => {
  it("come out as weighted backends, every route's weights equal to the catalog's", () => {
    const s = synthWithCatalog(generatedCatalog(20), LATTICE);
    const routes = byKind(customResources(s, "workloads"), "HTTPRoute");
    expect(routes).toHaveLength(20);
    for (const svc of s.config.workloads.app.services) {
      const route = routes.find((r) => r.metadata.name === svc.name)!;
      expect(route.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight])).toEqual(svc.versions.map((v) => [`${svc.name}-${v.name}`, v.weight]));
    }
    expect(routes.filter((r) => r.spec.rules[0].backendRefs.length === 2).map((r) => r.spec.rules[0].backendRefs.map((b: { weight: number }) => b.weight))).toEqual([
      [90, 10],
      [90, 10],
    ]);
    for (const m of customResources(s, "workloads")) expect(admissionErrors(m), `${m.kind} ${m.metadata.name}`).toEqual([]);
  });
});

describe("vpc-lattice: a gRPC service", () => {
  it("becomes a GRPCRoute on an HTTPS listener, its target groups HTTP/2 without Lattice health checks, all accepted by the CRDs", () => {
    const catalog = structuredClone(CATALOGS.reference) as { services: Array<Record<string, unknown>> };
    catalog.services.find((x) => x.name === "service-user")!.protocol = "grpc";
    const s = synthWithCatalog(catalog, LATTICE);
    const all = customResources(s, "workloads");
    const [route] = byKind(all, "GRPCRoute");
    expect(route.metadata).toEqual({ name: "service-user", namespace: "apiuser" });
    expect(route.spec.parentRefs[0].sectionName).toBe("https-8080");
    // One HTTPS listener on the port, shared by the gRPC route and the HTTP services' routes.
    expect(byKind(all, "Gateway")[0].spec.listeners).toEqual([{ name: "https-8080", protocol: "HTTPS", port: 8080, allowedRoutes: { namespaces: { from: "All" } } }]);
    // With mesh TLS off, the HTTP services go back to a plain listener; gRPC stays on HTTPS.
    const plain = byKind(customResources(synthWithCatalog(catalog, { mesh: { implementation: "vpc-lattice", tls: { mode: "off" } } }), "workloads"), "Gateway")[0];
    expect(plain.spec.listeners).toEqual([
      { name: "http-8080", protocol: "HTTP", port: 8080, allowedRoutes: { namespaces: { from: "All" } } },
      { name: "https-8080", protocol: "HTTPS", port: 8080, allowedRoutes: { namespaces: { from: "All" } } },
    ]);
    expect(byKind(all, "TargetGroupPolicy").find((p) => p.metadata.name === "service-user-v1")!.spec).toMatchObject({ protocolVersion: "HTTP2", healthCheck: { enabled: false } });
    expect(byKind(all, "IAMAuthPolicy").find((p) => p.metadata.name === "service-user")!.spec.targetRef.kind).toBe("GRPCRoute");
    for (const m of all) expect(admissionErrors(m), `${m.kind} ${m.metadata.name}`).toEqual([]);
  });
});

describe("the admission check used above", () => {
  const gateway = (listeners: object[]) => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "g", namespace: "n" }, spec: { gatewayClassName: "amazon-vpc-lattice", listeners } });

  it("fails a resource the API server would refuse by a CEL rule, and one it would refuse by schema", () => {
    const dup = { name: "http-80", protocol: "HTTP", port: 80 };
    expect(admissionErrors(gateway([dup, dup]))).toContain(".spec.listeners: Listener name must be unique within the Gateway");
    expect(admissionErrors(gateway([{ name: "tls", protocol: "HTTP", port: 80, tls: { mode: "Terminate" } }]))).toContain(".spec.listeners: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
    expect(admissionErrors(gateway([{ name: "x", protocol: "HTTP", port: 0 }])).join("\n")).toMatch(/port must be >= 1/);
  });
});

describe("vpc-lattice: what Lattice cannot express", () => {
  afterEach(() => vi.restoreAllMocks());

  // Two syntheses in one process: each warning still appears once.
  const warningsOf = (input: PlatformConfigInput) => stderrLines(input, "WARNING: mesh.implementation", 2);

  it("warns once per synth, naming the service and the field, for Yelb's retries, its tcp services and its UI's hard-wired backend", () => {
    expect(warningsOf(withDev({ ...LATTICE, workloads: { catalog: "yelb" } }))).toEqual([
      'WARNING: mesh.implementation "vpc-lattice": yelb/yelb-ui.dependsOn: no env value of yelb-ui names yelb-appserver.yelb.svc.cluster.local, so the platform cannot hand it the Lattice name; calls the app makes to the cluster name bypass VPC Lattice (no weights, no IAM auth). Put the URL in the service\'s env (it is rewritten to the Lattice name) or read it from the route\'s application-networking.k8s.aws/lattice-assigned-domain-name annotation.',
      'WARNING: mesh.implementation "vpc-lattice": yelb/yelb-appserver.retryPolicy: VPC Lattice has no route retries or per-try timeout, so 2 retries of 2000 ms on server-error, client-error, gateway-error are not applied; each request is tried once (Lattice\'s own request timeout applies), so callers should retry.',
      'WARNING: mesh.implementation "vpc-lattice": yelb/redis-server.protocol: "tcp" is not carried by VPC Lattice; it keeps working over its plain Kubernetes Service redis-server.yelb.svc.cluster.local:6379 (callers: yelb-appserver), without IAM auth between services.',
      'WARNING: mesh.implementation "vpc-lattice": yelb/yelb-db.protocol: "tcp" is not carried by VPC Lattice; it keeps working over its plain Kubernetes Service yelb-db.yelb.svc.cluster.local:5432 (callers: yelb-appserver), without IAM auth between services.',
    ]);
  });

  it("reach the pull-request plan comment (ops/synth-warnings.ts reads them from the synth log)", () => {
    const lines = warningsOf(withDev({ ...LATTICE, workloads: { catalog: "yelb" } }));
    expect(extractSynthWarnings(lines.join("\n"))).toEqual(lines);
  });

  it("says nothing for the reference catalog, which Lattice carries whole", () => {
    expect(warningsOf(withDev(LATTICE))).toEqual([]);
  });

  it("says when mesh settings of the other implementation are set, instead of ignoring them silently", () => {
    const settingsWarnings = (input: PlatformConfigInput) => stderrLines(input, "WARNING: mesh.");
    expect(settingsWarnings(withDev({ mesh: { implementation: "vpc-lattice", controller: { replicas: 3 } } }))).toEqual([
      'WARNING: mesh.controller: configures the App Mesh controller and its Envoy sidecars, which mesh.implementation "vpc-lattice" does not install; these settings are ignored.',
    ]);
    expect(settingsWarnings(withDev({ mesh: { lattice: { auth: "none" } } }))).toEqual(['WARNING: mesh.lattice: applies to mesh.implementation "vpc-lattice" only; with "appmesh" these settings are ignored.']);
    expect(settingsWarnings(withDev(LATTICE))).toEqual([]);
  });

  it("keeps the tcp services running on their plain Services under Lattice (Deployments and Services still rendered)", () => {
    const s = synthPlatform(withDev({ ...LATTICE, workloads: { catalog: "yelb" } }));
    for (const name of ["redis-server", "yelb-db"]) {
      expect(s.resource("workloads", "kubernetes_deployment_v1", `${name}-deployment-v1`)).toBeDefined();
      expect(s.resource("workloads", "kubernetes_service_v1", `${name}-service`).spec.type).toBe("ClusterIP");
    }
  });

  it("refuses a catalog namespace the Lattice mesh stack creates for its controller", () => {
    const catalog = structuredClone(CATALOGS.reference) as { services: Array<Record<string, unknown>> };
    catalog.services.find((x) => x.name === "service-chat")!.namespace = GATEWAY_CONTROLLER.namespace;
    const catalogs = CATALOGS as Record<string, unknown>;
    const saved = catalogs.reference;
    catalogs.reference = catalog;
    try {
      expect(() => parseConfig(withDev(LATTICE), "test config")).toThrow(
        'services.service-chat.namespace: "aws-application-networking-system" is created by the mesh stack, for the AWS Gateway API Controller; the workloads stack cannot create it again. Give the service a namespace of its own',
      );
    } finally {
      catalogs.reference = saved;
    }
  });

  it("names the Gateway API Controller and the signing proxies among the images no NAT could pull", () => {
    const noNat = { natGateways: "none" as const, vpcEndpoints: { s3: true, ecr: true, sts: true } };
    expect(() => parseConfig(withDev({ ...LATTICE, network: noNat }), "test config")).toThrow(
      'network.natGateways: "none" leaves no route to registries outside this region\'s private ECR, but the platform pulls the AWS Gateway API Controller (public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller), the SigV4 signing proxies (public.ecr.aws/aws-observability/aws-sigv4-proxy), the AWS Load Balancer Controller',
    );
  });

  it("refuses a Private CA for mesh TLS, which only App Mesh's Envoy certificates use", () => {
    const ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";
    expect(() => parseConfig(withDev({ mesh: { implementation: "vpc-lattice", tls: { mode: "strict", certificateAuthorityArn: ca } } }), "test config")).toThrow(
      'mesh.tls.certificateAuthorityArn: names the AWS Private CA that issues App Mesh\'s Envoy certificates; with mesh.implementation "vpc-lattice", TLS uses the certificates Lattice manages for its HTTPS listeners and needs no CA; remove it (docs/encryption.md, section 3)',
    );
  });

  it("refuses a caller listening on the signing proxy's port, unless auth is none", () => {
    const catalog = structuredClone(CATALOGS.reference) as { services: Array<Record<string, unknown>> };
    catalog.services.find((x) => x.name === "frontend")!.port = 8006;
    const catalogs = CATALOGS as Record<string, unknown>;
    const saved = catalogs.reference;
    catalogs.reference = catalog;
    try {
      expect(() => parseConfig(withDev(LATTICE), "test config")).toThrow(
        'workloads.catalog: catalog "reference" (apps/reference.ts) services.frontend.port: 8006 is taken in its pods by a SigV4 signing proxy (ports 8005-8007, one per Lattice dependency its env names), so the service could not start; use another port, or mesh.lattice.auth "none"',
      );
      expect(() => parseConfig(withDev({ mesh: { implementation: "vpc-lattice", lattice: { auth: "none" } } }), "test config")).not.toThrow();
    } finally {
      catalogs.reference = saved;
    }
  });

  it("refuses a weighted canary of a tcp service, which Lattice would split by pod count instead", () => {
    const catalog = structuredClone(CATALOGS.yelb) as { services: Array<Record<string, unknown>> };
    catalog.services.find((x) => x.name === "redis-server")!.versions = [
      { name: "v1", weight: 80 },
      { name: "v2", weight: 20 },
    ];
    const catalogs = CATALOGS as Record<string, unknown>;
    const saved = catalogs.yelb;
    catalogs.yelb = catalog;
    try {
      expect(() => parseConfig(withDev({ ...LATTICE, workloads: { catalog: "yelb" } }), "test config")).toThrow(
        'workloads.catalog: catalog "yelb" (apps/yelb.ts) services.redis-server.versions: mesh.implementation "vpc-lattice" cannot split protocol "tcp" traffic by weight (Lattice carries TCP only as TLS passthrough), so the weights v1=80, v2=20 would be ignored; keep one version of this service or use mesh.implementation "appmesh"',
      );
      // The same catalog is fine under App Mesh, whose Envoy splits TCP by weight.
      expect(() => parseConfig(withDev({ workloads: { catalog: "yelb" } }), "test config")).not.toThrow();
    } finally {
      catalogs.yelb = saved;
    }
  });
});

describe("vpc-lattice: switching implementation", () => {
  const appmesh = synthPlatform(withDev());
  const lattice = synthPlatform(withDev(LATTICE));

  it("changes nothing in the network and cluster stacks", () => {
    for (const stack of ["network", "cluster"]) expect(JSON.stringify(lattice.stack(stack)), stack).toBe(JSON.stringify(appmesh.stack(stack)));
  });

  it("installs nothing of Lattice with appmesh", () => {
    for (const stack of ["mesh", "workloads"]) {
      expect(JSON.stringify([appmesh.stack(stack).resource, appmesh.stack(stack).data]), stack).not.toMatch(/lattice|gateway-api|gateway\.networking/i);
    }
    expect(appmesh.stack("mesh").terraform.required_providers.http).toBeUndefined();
    expect(appmesh.stack("mesh").output!.service_network_id.value).toBe("");
  });

  it("keeps the catalog's Kubernetes objects, tables and repositories", () => {
    for (const type of ["kubernetes_service_v1", "kubernetes_horizontal_pod_autoscaler_v2", "kubernetes_ingress_v1", "aws_dynamodb_table", "aws_ecr_repository", "aws_iam_role"]) {
      expect(Object.keys(lattice.resources("workloads", type)), type).toEqual(Object.keys(appmesh.resources("workloads", type)));
    }
  });

  it("is one line, and prod.ts is on vpc-lattice", () => {
    const prod = parseConfig(prodConfig, "prod");
    expect(prod.mesh.implementation).toBe("vpc-lattice");
    expect(MESH_DISCONTINUATION_WARNING).toContain('mesh: { implementation: "vpc-lattice" }');
  });
});

describe("the Gateway API Controller's IAM policy", () => {
  const s = synthPlatform(withDev(LATTICE));
  const recommended = JSON.parse(fs.readFileSync(path.join(GATEWAY_CONTROLLER_DIR, "recommended-inline-policy.json"), "utf8")) as { Statement: Array<{ Action: string | string[]; Resource: string; Condition?: unknown }> };
  const statements = s.data("mesh", "aws_iam_policy_document")["gateway-controller-role-permissions"].statement as Array<{ sid: string; actions: string[]; resources: string[]; condition?: unknown[] }>;

  it("is upstream's recommended policy minus the access-log delivery actions, which only AccessLogPolicy uses", () => {
    const upstream = recommended.Statement[0].Action as string[];
    expect(statements[0].actions.sort()).toEqual(upstream.filter((a) => !(LATTICE_CONTROLLER_REMOVED_ACTIONS as readonly string[]).includes(a)).sort());
    expect(statements[0].resources).toEqual([recommended.Statement[0].Resource]);
    // Every removed action is in upstream's list (the list names nothing made up).
    for (const a of LATTICE_CONTROLLER_REMOVED_ACTIONS) expect(upstream).toContain(a);
  });

  it("keeps the Lattice service-linked role statement, narrowed to this account, and drops the log-delivery one", () => {
    const slr = recommended.Statement.filter((st) => st.Action === "iam:CreateServiceLinkedRole");
    expect(slr.map((st) => st.Resource)).toEqual([
      "arn:aws:iam::*:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice",
      "arn:aws:iam::*:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery",
    ]);
    expect(statements.slice(1)).toEqual([
      {
        sid: "CreateLatticeServiceLinkedRole",
        actions: ["iam:CreateServiceLinkedRole"],
        resources: ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice"],
        condition: [{ test: "StringLike", variable: "iam:AWSServiceName", values: ["vpc-lattice.amazonaws.com"] }],
      },
    ]);
  });

  it("is proved unneeded: the platform renders no AccessLogPolicy, for either catalog", () => {
    for (const synth of [s, synthPlatform(withDev({ ...LATTICE, workloads: { catalog: "yelb" } }))]) {
      const kinds = new Set([...customResources(synth, "workloads"), ...customResources(synth, "mesh")].map((m) => m.kind));
      expect(kinds.has("AccessLogPolicy")).toBe(false);
    }
  });

  it("trusts exactly aws-application-networking-system/gateway-api-controller with the STS audience", () => {
    const trust = s.data("mesh", "aws_iam_policy_document")["gateway-controller-role-trust"].statement[0];
    expect(JSON.stringify(trust.condition)).toContain("system:serviceaccount:aws-application-networking-system:gateway-api-controller");
    expect(JSON.stringify(trust.condition)).toContain("sts.amazonaws.com");
  });
});

describe("Gateway API CRD pins", () => {
  it("are the SHA-256 of the upstream v1.5.0 standard-channel files (the pinned module sigs.k8s.io/gateway-api, ops/kubernetes/pins.json)", () => {
    for (const [plural, sha] of Object.entries(GATEWAY_API.crds)) {
      const text = fs.readFileSync(gatewayApiCrdFile(plural));
      expect(createHash("sha256").update(text).digest("hex"), plural).toBe(sha);
      const doc = parse(text.toString()) as { metadata: { annotations: Record<string, string> } };
      expect(doc.metadata.annotations).toMatchObject({ "gateway.networking.k8s.io/bundle-version": GATEWAY_API.version, "gateway.networking.k8s.io/channel": "standard" });
    }
  });

  it("pin the controller chart that upstream publishes at v2.1.3", () => {
    const chart = parse(fs.readFileSync(path.join(GATEWAY_CONTROLLER_DIR, "Chart.yaml"), "utf8")) as { name: string; version: string };
    expect([chart.name, chart.version]).toEqual([CHARTS.gatewayController.chart, CHARTS.gatewayController.version]);
  });
});
