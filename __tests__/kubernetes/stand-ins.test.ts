import { describe, expect, it } from "vitest";
import { collectStack } from "../../ops/kubernetes/objects";
import { resolveValue, StandInMissing, type StackDoc } from "../../ops/kubernetes/stand-ins";
import { leafPaths, mergedValues, showPath } from "../../ops/kubernetes/helm";

const mesh: StackDoc = {
  provider: { aws: [{ region: "eu-west-1" }] },
  resource: { aws_eks_cluster: { main: { name: "eksmesh-dev" } } },
  output: { controller_namespace: { value: "appmesh-system" }, cluster_name: { value: "${aws_eks_cluster.main.name}" } },
};
const workloads: StackDoc = {
  provider: { aws: [{ region: "eu-west-1" }] },
  resource: {
    kubernetes_namespace_v1: { apps: { metadata: { name: "apps" } } },
    aws_iam_role: { "api-role": { name: "api" } },
    aws_ecr_repository: { "repository-api": { name: "api" } },
    aws_dynamodb_table: { users: { name: "eksmesh-dev-users" } },
  },
  data: { terraform_remote_state: { "remote-state-mesh": {} }, aws_caller_identity: { current: {} } },
};
const ctx = { stack: "workloads", doc: workloads, stacks: { mesh, workloads } };

describe("apply-time values", () => {
  it("use what the stacks already say: a resource's written argument, another stack's literal output", () => {
    expect(resolveValue("${kubernetes_namespace_v1.apps.metadata[0].name}", ctx)).toBe("apps");
    expect(resolveValue("${aws_dynamodb_table.users.name}", ctx)).toBe("eksmesh-dev-users");
    expect(resolveValue("${data.terraform_remote_state.remote-state-mesh.outputs.controller_namespace}", ctx)).toBe("appmesh-system");
  });

  it("get stand-ins of the right shape, in the stack's region, where only AWS knows them", () => {
    expect(resolveValue("${aws_iam_role.api-role.arn}", ctx)).toBe("arn:aws:iam::000000000000:role/standin-api-role");
    expect(resolveValue("${aws_ecr_repository.repository-api.repository_url}:1.0.0", ctx)).toBe("000000000000.dkr.ecr.eu-west-1.amazonaws.com/standin-repository-api:1.0.0");
    expect(resolveValue("${data.aws_caller_identity.current.account_id}", ctx)).toBe("000000000000");
  });

  it("refuse an expression they cannot resolve instead of leaving it in an object", () => {
    expect(() => resolveValue("${jsonencode(local.x)}", ctx)).toThrow(StandInMissing);
    expect(() => resolveValue("${aws_iam_role.missing.arn}", ctx)).toThrow("which stack workloads does not have");
    expect(() => resolveValue("${aws_iam_role.api-role.unique_thing}", ctx)).toThrow("no stand-in for aws_iam_role.api-role.unique_thing");
  });
});

describe("collecting a stack's objects", () => {
  it("reports a Gateway API download whose pinned SHA-256 is not the pinned module's file", () => {
    const stack: StackDoc = {
      data: {
        http: {
          file: {
            url: "https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v1.5.0/config/crd/standard/gateway.networking.k8s.io_gateways.yaml",
            lifecycle: { postcondition: [{ condition: '${sha256(self.response_body) == "' + "0".repeat(64) + '"}' }] },
          },
        },
      },
      resource: { kubernetes_manifest: { crd: { manifest: '${{ for key, value in yamldecode(data.http.file.response_body) : key => value if key != "status" }}' } } },
    };
    const { problems, objects } = collectStack("mesh", { mesh: stack });
    expect(objects).toEqual([]);
    expect(problems).toEqual([expect.stringContaining(`the stack pins SHA-256 ${"0".repeat(64)} for gateway.networking.k8s.io_gateways.yaml, but the module file checked here has`)]);
  });

  it("reports a chart version the pinned sources do not hold, and release arguments it would not render", () => {
    const stack: StackDoc = {
      resource: {
        helm_release: {
          karpenter: { name: "karpenter", chart: "karpenter", version: "1.15.0", namespace: "karpenter", values: [] },
          metrics: { name: "metrics-server", chart: "metrics-server", version: "3.13.1", namespace: "kube-system", set: [{ name: "replicas", value: "3" }] },
        },
      },
    };
    expect(collectStack("mesh", { mesh: stack }).problems).toEqual([
      "mesh: helm_release.karpenter: installs chart karpenter 1.15.0, but the pinned source holds 1.14.1; move ops/kubernetes/pins.json to it",
      "mesh: helm_release.metrics: helm_release arguments the checks do not render: set (ops/kubernetes/objects.ts)",
    ]);
  });

  it("names a chart no registry here carries as not rendered, with the reason", () => {
    const stack: StackDoc = { resource: { helm_release: { vpa: { name: "vpa", chart: "vpa", version: "5.0.0", namespace: "kube-system", values: [] } } } };
    expect(collectStack("mesh", { mesh: stack }).notChecked).toEqual([
      { stack: "mesh", address: "helm_release.vpa", what: "Helm chart vpa 5.0.0", why: expect.stringMatching(/^not rendered here: on no registry here/) },
    ]);
  });

  it("merges values files as Helm does and lists every leaf", () => {
    const merged = mergedValues(["a:\n  b: 1\n  c: 1\nlist: [{ name: y }, { name: z }]\n", "a:\n  b: 2\nlist:\n  - name: x\n"]);
    expect(merged).toEqual({ a: { b: 2, c: 1 }, list: [{ name: "x" }] });
    expect(leafPaths(merged).map(showPath)).toEqual(["a.b", "a.c", "list[0].name"]);
  });
});
