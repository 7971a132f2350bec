import { COMPUTE_LABEL } from "../config/schema/cluster";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { CHARTS } from "../facts/charts";
import { parseConfig } from "../config/load";
import { formatFindings, scanStacks } from "../scripts/security-scan";
import type { PlatformConfig } from "../config/schema";
import { buildPlatform } from "../stacks/app";
import { MESH_DISCONTINUATION_WARNING, resetMeshDiscontinuationWarning } from "../stacks/mesh/appmesh/discontinued";
import { type Synthesized, synthPlatform, withDev } from "./support/synth";

const CLUSTER = "data.terraform_remote_state.remote-state-cluster.outputs";
const valuesOf = (s: Synthesized, id: string) => {
  const release = s.resource("mesh", "helm_release", id);
  expect(release.values).toHaveLength(1);
  return parse(release.values[0]) as Record<string, any>;
};
/**
 * The mesh stack with both add-ons off. The workloads' cross-check refuses that config while
 * the catalog has a public service, so the validated config is switched after parsing: this
 * tests what the stack does, the refusal is the workloads tests' concern.
 */
function synthAddonsOff(overrides: Parameters<typeof withDev>[0] = {}): { mesh: any } {
  const config = parseConfig(withDev(overrides), "test config");
  const off: PlatformConfig = {
    ...config,
    mesh: { ...config.mesh, addons: { loadBalancerController: { ...config.mesh.addons.loadBalancerController, enabled: false }, metricsServer: { ...config.mesh.addons.metricsServer, enabled: false } } },
  };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-synth-"));
  const app = new App({ outdir });
  buildPlatform(app, off);
  app.synth();
  return { mesh: { outdir, json: JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "mesh", "cdk.tf.json"), "utf8")) } };
}

const trustOf = (s: Synthesized, id: string) => s.data("mesh", "aws_iam_policy_document")[`${id}-trust`].statement[0];

describe("mesh stack, default (dev) config", () => {
  const s = synthPlatform();
  const mesh = s.stack("mesh");

  it("installs the App Mesh controller chart pinned at 1.13.3 from eks-charts into appmesh-system, atomically", () => {
    expect(s.resource("mesh", "helm_release", "appmesh-controller")).toMatchObject({
      name: "appmesh-controller",
      repository: "https://aws.github.io/eks-charts",
      chart: "appmesh-controller",
      version: "1.13.3",
      namespace: "appmesh-system",
      create_namespace: false,
      atomic: true,
      cleanup_on_fail: true,
      wait: true,
      timeout: 600,
      max_history: 10,
      dependency_update: false,
    });
    expect(s.resource("mesh", "helm_release", "appmesh-controller")).not.toHaveProperty("set");
  });

  it("creates the controller namespace with Terraform, labelled, before the release", () => {
    const ns = s.resource("mesh", "kubernetes_namespace_v1", "appmesh-namespace");
    expect(ns.metadata.name).toBe("appmesh-system");
    expect(ns.metadata.labels).toMatchObject({ "appmesh.k8s.aws/sidecarInjectorWebhook": "disabled", "pod-security.kubernetes.io/enforce": "baseline", "eks-mesh-platform/stack": "mesh" });
    expect(s.resource("mesh", "helm_release", "appmesh-controller").depends_on).toContain("kubernetes_namespace_v1.appmesh-namespace");
  });

  it("schedules every add-on on the EC2 nodes, by the label the cluster stack puts on them", () => {
    for (const release of ["appmesh-controller", "load-balancer-controller", "metrics-server"]) {
      expect(valuesOf(s, release).nodeSelector, release).toEqual({ [COMPUTE_LABEL]: "ec2" });
    }
  });

  it("passes one YAML values document: the charts/ file merged with region, cluster, IRSA annotation, tracing and stats", () => {
    const v = valuesOf(s, "appmesh-controller");
    expect(v).toMatchObject({
      region: "us-east-1",
      clusterName: `\${${CLUSTER}.cluster_name}`,
      replicaCount: 2,
      nodeSelector: { "eks-mesh-platform/compute": "ec2" },
      serviceAccount: { create: true, name: "appmesh-controller", annotations: { "eks.amazonaws.com/role-arn": "${aws_iam_role.appmesh-controller-role.arn}" } },
      sidecar: { image: { repository: "840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy", tag: "v1.29.12.3-prod" } },
      tracing: { enabled: false, provider: "x-ray" },
      stats: { tagsEnabled: false, statsdEnabled: false, statsdPort: 8125 },
      log: { level: "info" },
    });
  });

  it("scopes the controller's IRSA trust to exactly appmesh-system/appmesh-controller and the STS audience", () => {
    const trust = trustOf(s, "appmesh-controller-role");
    expect(trust.actions).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(trust.principals).toEqual([{ type: "Federated", identifiers: [`\${${CLUSTER}.oidc_provider_arn}`] }]);
    const sub = trust.condition.find((c: { variable: string }) => c.variable.endsWith(":sub"));
    expect(sub).toEqual({ test: "StringEquals", variable: `\${replace(${CLUSTER}.oidc_issuer_url, "https://", "")}:sub`, values: ["system:serviceaccount:appmesh-system:appmesh-controller"] });
    expect(trust.condition.find((c: { variable: string }) => c.variable.endsWith(":aud")).values).toEqual(["sts.amazonaws.com"]);
    expect(s.resource("mesh", "aws_iam_role", "appmesh-controller-role").name).toBe("eksmesh-dev-appmesh-controller");
  });

  it("grants the controller's documented permissions, App Mesh writes scoped to the platform's mesh", () => {
    const statements = s.data("mesh", "aws_iam_policy_document")["appmesh-controller-role-permissions"].statement as Array<Record<string, any>>;
    const bySid = Object.fromEntries(statements.map((st) => [st.sid, st]));
    expect(bySid.ManageThePlatformMesh.actions).toEqual(expect.arrayContaining(["appmesh:CreateVirtualNode", "appmesh:DeleteMesh", "appmesh:DescribeVirtualGateway", "appmesh:ListRoutes"]));
    expect(bySid.ManageThePlatformMesh.resources).toEqual([
      "arn:${data.aws_partition.current.partition}:appmesh:us-east-1:${data.aws_caller_identity.current.account_id}:mesh/eksmesh-dev",
      "arn:${data.aws_partition.current.partition}:appmesh:us-east-1:${data.aws_caller_identity.current.account_id}:mesh/eksmesh-dev/*",
    ]);
    const all = statements.flatMap((st) => st.actions);
    expect(all).toEqual(expect.arrayContaining(["servicediscovery:RegisterInstance", "route53:CreateHealthCheck", "acm:ListCertificates", "iam:CreateServiceLinkedRole"]));
    expect(all.some((a: string) => a.endsWith(":*"))).toBe(false);
  });

  it("applies each chart's CRDs with Terraform from the same pinned chart, and Helm skips them", () => {
    for (const [id, chart, version] of [["appmesh-controller", "appmesh-controller", "1.13.3"], ["load-balancer-controller", "aws-load-balancer-controller", CHARTS.loadBalancerController.version]]) {
      const template = s.data("mesh", "helm_template")[`${id}-chart`];
      expect(template).toMatchObject({ repository: "https://aws.github.io/eks-charts", chart, version, include_crds: true });
      const crds = s.resource("mesh", "kubernetes_manifest", `${id}-crds`);
      expect(crds.for_each).toContain(`data.helm_template.${id}-chart.crds`);
      expect(crds.for_each).toContain("provider::kubernetes::manifest_decode_multi");
      expect(crds.for_each).toContain('key != \\"status\\"'.replace(/\\/g, ""));
      expect(crds.manifest).toBe("${each.value}");
      expect(crds.field_manager).toEqual({ name: "eks-mesh-platform", force_conflicts: true });
      const release = s.resource("mesh", "helm_release", id);
      expect(release.skip_crds).toBe(true);
      expect(release.version).toBe(template.version);
      expect(release.depends_on).toContain(`kubernetes_manifest.${id}-crds`);
    }
    // Values known only after apply (the role ARN) never reach the CRD render, so for_each keys are known at plan.
    expect(JSON.stringify(s.data("mesh", "helm_template"))).not.toContain("aws_iam_role");
  });

  it("installs the AWS Load Balancer Controller with vpcId from the network stack, IP targets and its own IRSA role", () => {
    expect(s.resource("mesh", "helm_release", "load-balancer-controller")).toMatchObject({
      repository: "https://aws.github.io/eks-charts",
      chart: "aws-load-balancer-controller",
      version: "3.5.0",
      namespace: "kube-system",
      atomic: true,
    });
    expect(valuesOf(s, "load-balancer-controller")).toMatchObject({
      clusterName: `\${${CLUSTER}.cluster_name}`,
      region: "us-east-1",
      vpcId: "${data.terraform_remote_state.remote-state-network.outputs.vpc_id}",
      defaultTargetType: "ip",
      serviceAccount: { name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": "${aws_iam_role.load-balancer-controller-role.arn}" } },
    });
    const sub = trustOf(s, "load-balancer-controller-role").condition.find((c: { variable: string }) => c.variable.endsWith(":sub"));
    expect(sub.values).toEqual(["system:serviceaccount:kube-system:aws-load-balancer-controller"]);
    const statements = s.data("mesh", "aws_iam_policy_document")["load-balancer-controller-role-permissions"].statement as Array<Record<string, any>>;
    const create = statements.find((st) => st.sid === "CreateTaggedBalancers")!;
    expect(create.condition).toEqual([{ test: "Null", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["false"] }]);
  });

  it("installs metrics-server pinned from its own repository, after the load balancer controller's webhooks are up", () => {
    const release = s.resource("mesh", "helm_release", "metrics-server");
    expect(release).toMatchObject({ repository: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.13.1", namespace: "kube-system" });
    expect(release.depends_on).toContain("helm_release.load-balancer-controller");
    expect(s.resource("mesh", "helm_release", "appmesh-controller").depends_on).toContain("helm_release.load-balancer-controller");
  });

  it("configures the kubernetes and helm providers from the cluster stack's state with exec (aws eks get-token)", () => {
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", `\${${CLUSTER}.cluster_name}`, "--region", "us-east-1", "--output", "json"],
    };
    const k8s = mesh.provider!.kubernetes[0] as Record<string, any>;
    expect(k8s).toMatchObject({ host: `\${${CLUSTER}.cluster_endpoint}`, cluster_ca_certificate: `\${base64decode(${CLUSTER}.cluster_certificate_authority_data)}` });
    expect(k8s.exec).toEqual([exec]);
    const helm = (mesh.provider!.helm[0] as Record<string, any>).kubernetes;
    expect(helm).toMatchObject({ host: `\${${CLUSTER}.cluster_endpoint}` });
    expect(helm.exec).toEqual(exec); // helm v3: an object, not a block list
    expect(mesh.terraform.required_providers).toMatchObject({ helm: { source: "hashicorp/helm" }, kubernetes: { source: "hashicorp/kubernetes" } });
  });

  it("writes no static credential anywhere in the stack", () => {
    const text = JSON.stringify(mesh);
    for (const key of ["token", "password", "client_key", "client_certificate", "username", "config_path"]) {
      expect(text).not.toMatch(new RegExp(`"${key}"\\s*:`));
    }
    expect(text).not.toContain("aws_eks_cluster_auth");
  });

  it("publishes the contract the workloads stack reads", () => {
    const out = mesh.output!;
    expect(out.mesh_name.value).toBe("eksmesh-dev");
    expect(out.controller_namespace.value).toBe("appmesh-system");
    expect(out.mesh_implementation.value).toBe("appmesh");
    expect(out.appmesh_controller_chart_version.value).toBe("1.13.3");
    expect(out.load_balancer_controller_chart_version.value).toBe("3.5.0");
    expect(out.metrics_server_chart_version.value).toBe("3.13.1");
    expect(out.ingress_class.value).toBe("alb");
    expect(out.envoy_image.value).toBe("840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.12.3-prod");
    expect(out.envoy_tracing.value).toBe("");
    expect(out.sidecar_injection_label.value).toBe("appmesh.k8s.aws/sidecarInjectorWebhook=enabled");
  });

  it("is deployed after the cluster and before the workloads", () => {
    expect(s.manifest.stacks.mesh.dependencies).toEqual(["cluster"]);
    expect(s.manifest.stacks.workloads.dependencies).toContain("mesh");
  });
});

describe("mesh stack, non-default configs", () => {
  it("omits the load balancer controller and metrics-server when switched off (and the network state read)", () => {
    const mesh = synthAddonsOff().mesh.json;
    expect(Object.keys(mesh.resource.helm_release)).toEqual(["appmesh-controller"]);
    expect(Object.keys(mesh.resource.aws_iam_role)).toEqual(["appmesh-controller-role"]);
    expect(Object.keys(mesh.resource.kubernetes_manifest)).toEqual(["appmesh-controller-crds"]);
    expect(Object.keys(mesh.data.terraform_remote_state)).toEqual(["remote-state-cluster"]);
    expect(mesh.resource.helm_release["appmesh-controller"].depends_on).not.toContain("helm_release.load-balancer-controller");
    expect(mesh.output.load_balancer_controller_chart_version.value).toBe("");
    expect(mesh.output.metrics_server_chart_version.value).toBe("");
    expect(mesh.output.ingress_class.value).toBe("");
  });

  it("omits only metrics-server when only it is switched off", () => {
    const s = synthPlatform(withDev({ mesh: { addons: { metricsServer: { enabled: false } } } }));
    expect(Object.keys(s.resources("mesh", "helm_release")).sort()).toEqual(["appmesh-controller", "load-balancer-controller"]);
    expect(s.stack("mesh").output!.metrics_server_chart_version.value).toBe("");
  });

  it("is refused with the load balancer controller off while a catalog service is public (workloads cross-check)", () => {
    expect(() => parseConfig(withDev({ mesh: { addons: { loadBalancerController: { enabled: false } } } }), "test config")).toThrow(
      "mesh.addons.loadBalancerController.enabled: is false, but",
    );
  });

  it("takes versions, mesh name, tracing, stats and Helm settings from config", () => {
    const s = synthPlatform(withDev({
      mesh: {
        name: "shop",
        controller: { chartVersion: "1.13.1", replicas: 1, tracing: { enabled: true, samplingRate: 0.2 }, stats: { statsdEnabled: true, tagsEnabled: true } },
        addons: { loadBalancerController: { chartVersion: "3.4.3" }, metricsServer: { chartVersion: "3.13.0" } },
        helm: { timeoutSeconds: 900, maxHistory: 3 },
      },
    }));
    const release = s.resource("mesh", "helm_release", "appmesh-controller");
    expect(release).toMatchObject({ version: "1.13.1", timeout: 900, max_history: 3 });
    expect(s.data("mesh", "helm_template")["appmesh-controller-chart"].version).toBe("1.13.1");
    expect(s.resource("mesh", "helm_release", "load-balancer-controller").version).toBe("3.4.3");
    expect(s.data("mesh", "helm_template")["load-balancer-controller-chart"].version).toBe("3.4.3");
    expect(s.resource("mesh", "helm_release", "metrics-server").version).toBe("3.13.0");
    expect(valuesOf(s, "appmesh-controller")).toMatchObject({
      replicaCount: 1,
      tracing: { enabled: true, provider: "x-ray", samplingRate: 0.2 },
      stats: { statsdEnabled: true, tagsEnabled: true, statsdAddress: "127.0.0.1" },
    });
    const out = s.stack("mesh").output!;
    expect(out.mesh_name.value).toBe("shop");
    expect(out.envoy_tracing.value).toBe("x-ray");
    expect(out.appmesh_controller_chart_version.value).toBe("1.13.1");
    const scoped = s.data("mesh", "aws_iam_policy_document")["appmesh-controller-role-permissions"].statement.find((st: { sid: string }) => st.sid === "ManageThePlatformMesh");
    expect(scoped.resources[0]).toMatch(/:mesh\/shop$/);
  });
});

describe("the App Mesh discontinuation warning", () => {
  afterEach(() => vi.restoreAllMocks());

  it("names the end date and the successor", () => {
    expect(MESH_DISCONTINUATION_WARNING).toContain("2026-09-30");
    expect(MESH_DISCONTINUATION_WARNING).toContain("Amazon VPC Lattice");
    expect(MESH_DISCONTINUATION_WARNING).toContain("AWS Gateway API Controller");
  });

  it("is printed to stderr once per process, however many platforms are synthesized", () => {
    resetMeshDiscontinuationWarning();
    const writes: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    synthPlatform();
    synthPlatform(withDev({ platform: { environment: "staging" } }));
    const warnings = writes.filter((w) => w.includes(MESH_DISCONTINUATION_WARNING));
    expect(warnings).toHaveLength(1);
  });
});

describe("mesh config refusals", () => {
  const refuse = (mesh: unknown) => () => parseConfig(withDev({ mesh } as never), "test config");

  it("refuses a chart version that is not exact", () => {
    expect(refuse({ controller: { chartVersion: "1.13" } })).toThrow(
      'mesh.controller.chartVersion: "1.13" is not an exact appmesh-controller chart version; pin a semantic version like "1.13.3" (no ranges, "v" prefix or "latest", so a plan never changes without a config change)',
    );
    expect(refuse({ addons: { loadBalancerController: { chartVersion: "latest" } } })).toThrow(
      'mesh.addons.loadBalancerController.chartVersion: "latest" is not an exact aws-load-balancer-controller chart version',
    );
  });

  it("refuses an unknown mesh implementation", () => {
    expect(refuse({ implementation: "istio" })).toThrow(
      'mesh.implementation: "istio" is not a mesh implementation; use "vpc-lattice" (Amazon VPC Lattice) or "appmesh" (AWS App Mesh, discontinued on 2026-09-30)',
    );
  });

  it("refuses jaeger or datadog tracing without an agent address", () => {
    expect(refuse({ controller: { tracing: { enabled: true, provider: "jaeger" } } })).toThrow(
      'mesh.controller.tracing.address: is required when tracing.provider is "jaeger": give the agent\'s address, e.g. "jaeger-agent.observability"',
    );
  });

  it("refuses unknown keys, listing the allowed ones", () => {
    expect(refuse({ addons: { certManager: { enabled: true } } })).toThrow("mesh.addons.certManager: unknown key; allowed keys here: loadBalancerController, metricsServer");
  });

  it("refuses an unknown Lattice auth mode", () => {
    expect(refuse({ lattice: { auth: "mtls" } })).toThrow('mesh.lattice.auth: "mtls" is not a Lattice auth mode; use "iam" or "none"');
  });

  it("refuses an out-of-range sampling rate and a latest Envoy tag", () => {
    expect(refuse({ controller: { tracing: { samplingRate: 2 } } })).toThrow("mesh.controller.tracing.samplingRate: 2 is above 1; the sampling rate is a fraction from 0 to 1");
    expect(refuse({ controller: { envoyImage: { repository: "public.ecr.aws/appmesh/aws-appmesh-envoy", tag: "latest" } } })).toThrow(
      'mesh.controller.envoyImage.tag: "latest" is not a pinned image tag',
    );
  });
});

describe("Checkov over the mesh stack", () => {
  const check = (stackDir: string) => {
    const report = scanStacks(stackDir);
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    for (const skip of report.skipped) expect(skip.skipReason!.length).toBeGreaterThan(20);
    // It really looked at the IAM policies of the mesh stack.
    expect(report.passedChecks.some((p) => p.resource.includes("appmesh-controller-role"))).toBe(true);
    return report;
  };

  it("default (dev): no failed check that is not skipped in code with a reason", () => {
    const report = check(path.join(synthPlatform().outdir, "stacks", "mesh"));
    expect(report.skipped.map((f) => f.checkId).sort()).toEqual(["CKV_AWS_111", "CKV_AWS_356"]);
  });

  it("add-ons off, tracing on: clean, with nothing skipped", () => {
    const report = check(path.join(synthAddonsOff({ mesh: { controller: { tracing: { enabled: true } } } }).mesh.outdir, "stacks", "mesh"));
    expect(report.skipped).toEqual([]);
  });
});
