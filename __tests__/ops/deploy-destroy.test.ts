/**
 * ops/deploy-all.sh and ops/destroy-all.sh, run against stub npx and kubectl:
 * the order of stacks, the flags, and that Kubernetes clean-up happens before
 * any destroy, only when the named context answers.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLATFORM_ORDER } from "./support/manifest";
import { PROJECT_ROOT, runBash, stubBin, tempDir } from "./support/shell";

/** npx: `tsx ops/stack-order.ts` prints the platform order; `cdktf destroy $FAIL_STACK` fails. */
const NPX_STUB = `
echo "npx $*" >> "$CALLS"
if [ "$1" = tsx ]; then
  if [[ " $* " == *" --reverse "* ]]; then printf 'workloads\\nmesh\\ncluster\\nnetwork\\n'; else printf 'network\\ncluster\\nmesh\\nworkloads\\n'; fi
  exit 0
fi
if [ "$1 $2 $3" = "cdktf destroy \${FAIL_STACK:-none}" ]; then exit 1; fi
exit 0`;

/** kubectl: answers /readyz with $KUBE_READY; one Ingress and one LoadBalancer Service; App Mesh CRDs installed. */
const KUBECTL_STUB = `
echo "kubectl $*" >> "$CALLS"
case "$*" in
  *"get --raw=/readyz"*) exit "\${KUBE_READY:-0}" ;;
  *"get ingress"*) echo "shop/web" ;;
  *"get services"*) echo "shop/public-lb" ;;
esac
exit 0`;

function project(): string {
  const dir = tempDir("ops-project-");
  mkdirSync(join(dir, "ops"));
  for (const script of ["deploy-all.sh", "destroy-all.sh"]) copyFileSync(join(PROJECT_ROOT, "ops", script), join(dir, "ops", script));
  mkdirSync(join(dir, "cdktf.out", "stacks", "cluster"), { recursive: true });
  writeFileSync(join(dir, "cdktf.out", "stacks", "cluster", "cdk.tf.json"), '{"resource":{"aws_eks_fargate_profile":{"apps":{}}}}');
  return dir;
}

function run(script: string, args: string[], env: Record<string, string> = {}, input = "") {
  const dir = project();
  const calls = join(dir, "calls.log");
  const result = runBash([join(dir, "ops", script), ...args], {
    cwd: dir,
    bin: stubBin({ npx: NPX_STUB, kubectl: KUBECTL_STUB }),
    env: { CALLS: calls, ...env },
    input,
  });
  return { ...result, calls: existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : [] };
}

describe("deploy-all.sh", () => {
  it("synthesizes once and deploys each stack in manifest order", () => {
    const { status, calls, stdout } = run("deploy-all.sh", ["--auto-approve"]);
    expect(status).toBe(0);
    expect(calls).toEqual([
      "npx cdktf synth",
      "npx tsx ops/stack-order.ts cdktf.out/manifest.json",
      ...PLATFORM_ORDER.map((s) => `npx cdktf deploy ${s} --skip-synth --ignore-missing-stack-dependencies --auto-approve`),
    ]);
    expect(stdout).toContain("deployed: network cluster mesh workloads");
  });

  it("asks before each stack unless --auto-approve", () => {
    const { calls } = run("deploy-all.sh", []);
    expect(calls[2]).toBe("npx cdktf deploy network --skip-synth --ignore-missing-stack-dependencies");
  });

  it("refuses an unknown flag", () => {
    const dir = project();
    const result = runBash([join(dir, "ops", "deploy-all.sh"), "--yes"], { cwd: dir, bin: stubBin({}) });
    expect(result.status).toBe(64);
    expect(result.stderr).toBe("usage: ops/deploy-all.sh [--auto-approve]\n");
  });
});

describe("destroy-all.sh", () => {
  const APPMESH_DELETES = ["gatewayroutes", "virtualgateways", "virtualservices", "virtualrouters", "virtualnodes", "backendgroups"].map(
    (kind) => `kubectl --context prod-admin delete ${kind}.appmesh.k8s.aws --all --all-namespaces --timeout=15m`,
  );

  it("removes load balancers, then App Mesh objects, before destroying stacks in reverse order", () => {
    const { status, calls, stdout } = run("destroy-all.sh", ["--auto-approve", "--kube-context", "prod-admin"]);
    expect(status).toBe(0);
    const k = "kubectl --context prod-admin";
    expect(calls).toEqual([
      `${k} get --raw=/readyz --request-timeout=10s`,
      `${k} get ingress --all-namespaces -o jsonpath={range .items[*]}{.metadata.namespace}{"/"}{.metadata.name}{"\\n"}{end}`,
      `${k} delete ingress -n shop web --wait=false`,
      `${k} wait --for=delete ingress -n shop web --timeout=15m`,
      `${k} get services --all-namespaces -o jsonpath={range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace}{"/"}{.metadata.name}{"\\n"}{end}`,
      `${k} delete service -n shop public-lb --wait=false`,
      `${k} wait --for=delete service -n shop public-lb --timeout=15m`,
      `${k} get crd meshes.appmesh.k8s.aws`,
      ...APPMESH_DELETES,
      `${k} delete meshes.appmesh.k8s.aws --all --timeout=15m`,
      "npx cdktf synth",
      "npx tsx ops/stack-order.ts cdktf.out/manifest.json --reverse",
      ...[...PLATFORM_ORDER].reverse().map((s) => `npx cdktf destroy ${s} --skip-synth --ignore-missing-stack-dependencies --auto-approve`),
    ]);
    expect(stdout).toContain("This stack has Fargate profiles. AWS deletes them one at a time");
    expect(stdout).toContain("The state bucket (bootstrap) is still there, on purpose");
  });

  it("only prints the Kubernetes commands when the context does not answer", () => {
    const { status, calls, stdout } = run("destroy-all.sh", ["--auto-approve", "--kube-context", "prod-admin"], { KUBE_READY: "1" });
    expect(status).toBe(0);
    expect(calls.filter((c) => c.startsWith("kubectl"))).toEqual(["kubectl --context prod-admin get --raw=/readyz --request-timeout=10s"]);
    expect(stdout).toContain("  kubectl --context prod-admin delete ingress --all --all-namespaces\n");
    expect(stdout).toContain("  kubectl --context prod-admin delete virtualservices.appmesh.k8s.aws --all --all-namespaces\n");
    expect(stdout).toContain("  kubectl --context prod-admin delete meshes.appmesh.k8s.aws --all\n");
    expect(calls.at(-1)).toBe("npx cdktf destroy network --skip-synth --ignore-missing-stack-dependencies --auto-approve");
  });

  it("never guesses a context: without one it prints the commands and waits for a yes", () => {
    const { status, calls, stdout } = run("destroy-all.sh", []);
    expect(status).toBe(1);
    expect(calls.some((c) => c.startsWith("kubectl"))).toBe(false);
    expect(calls.some((c) => c.includes("destroy"))).toBe(false);
    expect(stdout).toContain("kubectl --context <your-context> delete virtualnodes.appmesh.k8s.aws --all --all-namespaces");
    expect(stdout).toContain("stopped; nothing was destroyed.");
  });

  it("goes on once the person confirms the commands were run", () => {
    const { status, calls } = run("destroy-all.sh", [], {}, "y\n");
    expect(status).toBe(0);
    expect(calls.filter((c) => c.startsWith("npx cdktf destroy"))).toEqual(
      [...PLATFORM_ORDER].reverse().map((s) => `npx cdktf destroy ${s} --skip-synth --ignore-missing-stack-dependencies`),
    );
  });

  it("stops at the first failed stack, pointing to the stateful-resources guide", () => {
    const { status, calls, stderr } = run("destroy-all.sh", ["--auto-approve", "--skip-k8s-cleanup"], { FAIL_STACK: "workloads" });
    expect(status).toBe(1);
    expect(calls.at(-1)).toBe("npx cdktf destroy workloads --skip-synth --ignore-missing-stack-dependencies --auto-approve");
    expect(stderr).toContain('If Terraform said "Instance cannot be destroyed" (prevent_destroy), it is a DynamoDB');
    expect(stderr).toContain('follow "Stateful resources" in docs/operations.md');
  });
});
