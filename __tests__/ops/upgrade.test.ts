import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { upgrade } from "../../ops/upgrade/cli";
import type { KubeNode, KubePod, Ports } from "../../ops/upgrade/phases";
import { readClusterState } from "../../ops/upgrade/state";
import { upgradePath } from "../../ops/upgrade/versions";

const FIXTURES = join(__dirname, "fixtures", "upgrade");
const CLUSTER = "platform-dev-eks";

/** A project folder with the recorded 1.32 state and a cluster stack synthesized for `target`. */
function project(target = "1.33", stateVersion = "1.32"): { stateDir: string; outDir: string } {
  const root = mkdtempSync(join(tmpdir(), "upgrade-"));
  mkdirSync(join(root, "state", "dev"), { recursive: true });
  const state = readFileSync(join(FIXTURES, "cluster-1.32.tfstate"), "utf8").replace('"version": "1.32", "status"', `"version": "${stateVersion}", "status"`);
  writeFileSync(join(root, "state", "dev", "cluster.tfstate"), state);
  mkdirSync(join(root, "cdktf.out", "stacks", "cluster"), { recursive: true });
  const stack = readFileSync(join(FIXTURES, "cluster-1.33.tf.json"), "utf8").replace('"version": "1.33"', `"version": "${target}"`);
  writeFileSync(join(root, "cdktf.out", "stacks", "cluster", "cdk.tf.json"), stack);
  return { stateDir: join(root, "state"), outDir: join(root, "cdktf.out") };
}

/**
 * A cluster that answers like EKS and Kubernetes: deploys move what they move, node groups
 * and Karpenter nodes follow; `breaks` makes one phase's check never pass.
 */
function fakeCloud(breaks?: "control-plane" | "addons" | "node-groups" | "karpenter" | "fargate" | "deploy") {
  const calls: string[] = [];
  let version = "1.32";
  const addons: Record<string, string> = { "vpc-cni": "v1.19.2-eksbuild.1", "kube-proxy": "v1.32.0-eksbuild.2", coredns: "v1.11.4-eksbuild.2" };
  const target: Record<string, string> = { "vpc-cni": "v1.19.6-eksbuild.7", "kube-proxy": "v1.33.0-eksbuild.2", coredns: "v1.12.1-eksbuild.2" };
  let groupVersion = "1.32";
  let karpenterVersion = "v1.32.9-eks-1";
  const fargateNode = (n: string, v: string): KubeNode => ({ name: n, kubeletVersion: v, labels: { "eks.amazonaws.com/compute-type": "fargate" } });
  let fargate: KubeNode[] = [fargateNode("fargate-ip-1", "v1.32.9-eks-1"), fargateNode("fargate-ip-2", "v1.32.9-eks-1")];
  let pods: KubePod[] = [
    { namespace: "apps", name: "user-abc", nodeName: "fargate-ip-1", deployment: "service-user" },
    { namespace: "apps", name: "chat-def", nodeName: "fargate-ip-2", deployment: "service-chat" },
    { namespace: "kube-system", name: "coredns-1", nodeName: "ip-10-0-1-1", deployment: "coredns" },
  ];
  const ports: Ports = {
    attempts: 3,
    sleep: async () => {},
    deploy: async (stack) => {
      calls.push(`deploy ${stack}`);
      if (breaks === "deploy") throw new Error("cdktf deploy cluster exited 1");
      if (stack === "cluster") {
        if (breaks !== "control-plane") version = "1.33";
        for (const [name, v] of Object.entries(target)) if (!(breaks === "addons" && name === "coredns")) addons[name] = v;
        if (breaks !== "node-groups") groupVersion = "1.33";
      }
      if (stack === "workloads" && breaks !== "karpenter") karpenterVersion = "v1.33.4-eks-1";
    },
    eks: {
      describeCluster: async () => ({ version, status: "ACTIVE" }),
      describeAddon: async (_c, a) => ({ version: addons[a] ?? "", status: "ACTIVE" }),
      listNodegroups: async () => ["system"],
      describeNodegroup: async () => ({ version: groupVersion, status: groupVersion === "1.33" ? "ACTIVE" : "UPDATING" }),
    },
    kube: {
      nodes: async () => [
        { name: "ip-10-0-1-1", kubeletVersion: groupVersion === "1.33" ? "v1.33.4-eks-1" : "v1.32.9-eks-1", labels: { "eks-mesh-platform/node-group": "system" } },
        { name: "ip-10-0-2-1", kubeletVersion: karpenterVersion, labels: { "karpenter.sh/nodepool": "general" } },
        ...fargate,
      ],
      pods: async () => pods,
      rolloutRestart: async (ns, d) => {
        calls.push(`restart ${ns}/${d}`);
        if (breaks === "fargate" && d === "service-chat") return; // its PDB holds the old pod
        const n = `fargate-new-${d}`;
        fargate = [...fargate, fargateNode(n, "v1.33.4-eks-1")];
        pods = pods.map((p) => (p.deployment === d ? { ...p, nodeName: n } : p));
      },
      waitAvailable: async (ns, d) => {
        calls.push(`wait ${ns}/${d}`);
      },
    },
  };
  return { ports, calls };
}

async function run(opts: { apply: boolean; breaks?: Parameters<typeof fakeCloud>[0]; kubernetesVersion?: string; target?: string; stateVersion?: string }) {
  const dirs = project(opts.target ?? opts.kubernetesVersion ?? "1.33", opts.stateVersion);
  const cloud = fakeCloud(opts.breaks);
  let out = "";
  let err = "";
  const code = await upgrade(
    { environment: "dev", kubernetesVersion: opts.kubernetesVersion ?? "1.33", ...dirs },
    opts.apply,
    async () => cloud.ports,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err, calls: cloud.calls };
}

describe("npm run upgrade: reading state", () => {
  it("reads the cluster's version, add-ons and node groups from the recorded state, not from data sources", () => {
    const s = readClusterState(JSON.parse(readFileSync(join(FIXTURES, "cluster-1.32.tfstate"), "utf8")), "fixture");
    expect(s).toMatchObject({ clusterName: CLUSTER, version: "1.32", nodeGroups: [{ name: "system", version: "1.32" }] });
    expect(s.addons.map((a) => a.name)).toEqual(["vpc-cni", "kube-proxy", "coredns"]);
  });

  it("says the cluster stack is not deployed when it has no state", async () => {
    const dirs = project();
    let err = "";
    const code = await upgrade({ environment: "prod", kubernetesVersion: "1.33", ...dirs }, false, async () => fakeCloud().ports, () => {}, (t) => (err += t));
    expect(code).toBe(1);
    expect(err).toMatch(/prod\/cluster\.tfstate: no state: the cluster stack is not deployed/);
  });
});

describe("npm run upgrade: dry run", () => {
  it("prints the five phases in order with what each changes and its check, and calls nothing", async () => {
    const r = await run({ apply: false });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    const titles = [...r.out.matchAll(/^(\d)\. (.+)$/gm)].map((m) => `${m[1]} ${m[2]?.split(" ")[0]}`);
    expect(titles).toEqual(["1 Control", "2 EKS", "3 Managed", "4 Karpenter", "5 Fargate"]);
    expect(r.out).toContain("cluster platform-dev-eks: Kubernetes 1.32 → 1.33");
    expect(r.out).toContain("coredns: v1.11.4-eksbuild.2 → v1.12.1-eksbuild.2");
    expect(r.out).toContain("node group system: 1.32 → 1.33");
    expect(r.out).toContain("check: cluster platform-dev-eks reports version 1.33 and status ACTIVE");
    expect(r.out).toContain("(dry run; --apply runs it)");
  });

  it("says there is nothing to do when state already holds the target", async () => {
    const r = await run({ apply: false, stateVersion: "1.33" });
    expect(r.code).toBe(0);
    expect(r.out).toBe("cluster platform-dev-eks is already at 1.33: nothing to upgrade\n");
  });

  it("refuses a cluster stack synthesized for another version than the config", async () => {
    const r = await run({ apply: false, kubernetesVersion: "1.33", target: "1.32" });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/synthesized cluster stack sets 1\.32 but cluster\.kubernetesVersion is 1\.33: run `npx cdktf synth` first/);
  });
});

describe("npm run upgrade: one minor at a time", () => {
  it("refuses 1.32 → 1.34 and prints the path", async () => {
    const r = await run({ apply: true, kubernetesVersion: "1.34" });
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.err).toBe(
      "cluster platform-dev-eks is at 1.32 and EKS moves one minor at a time; set cluster.kubernetesVersion to 1.33 and upgrade, then the next: 1.32 → 1.33 → 1.34\n",
    );
  });

  it("refuses a downgrade", async () => {
    const r = await run({ apply: true, kubernetesVersion: "1.31" });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/older than the cluster's 1\.32: EKS cannot downgrade/);
  });

  it("walks every minor between two versions", () => {
    expect(upgradePath("1.31", "1.33")).toEqual(["1.31", "1.32", "1.33"]);
  });
});

describe("npm run upgrade --apply", () => {
  it("runs every phase in order, restarting Fargate Deployments one at a time", async () => {
    const r = await run({ apply: true });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      "deploy cluster",
      "deploy workloads",
      "restart apps/service-chat",
      "wait apps/service-chat",
      "restart apps/service-user",
      "wait apps/service-user",
    ]);
    expect(r.out.match(/^ {3}ok: /gm)).toHaveLength(5);
    expect(r.out).toContain("upgrade of platform-dev-eks to 1.33 done");
  });

  const failures = [
    ["deploy", /^phase 1 \(control-plane\) failed: cdktf deploy cluster exited 1; read the cluster's update/],
    ["control-plane", /^phase 1 \(control-plane\) check failed: cluster platform-dev-eks is at 1\.32 \(ACTIVE\), not 1\.33 ACTIVE; /],
    ["addons", /^phase 2 \(addons\) check failed: add-on coredns is v1\.11\.4-eksbuild\.2 \(ACTIVE\), not v1\.12\.1-eksbuild\.2 ACTIVE; list the builds for 1\.33/],
    ["node-groups", /^phase 3 \(node-groups\) check failed: node group system is at 1\.32 \(UPDATING\), not 1\.33 ACTIVE; a stuck update/],
    ["karpenter", /^phase 4 \(karpenter\) check failed: Karpenter node ip-10-0-2-1 still runs kubelet v1\.32\.9-eks-1; /],
    ["fargate", /^phase 5 \(fargate\) check failed: pod apps\/chat-def still runs on fargate-ip-2 \(kubelet older than 1\.33\); /],
  ] as const;
  for (const [phase, message] of failures) {
    it(`stops at a failing ${phase} phase with one line saying what failed and what to do`, async () => {
      const r = await run({ apply: true, breaks: phase });
      expect(r.code).toBe(1);
      expect(r.err.split("\n").filter((l) => l !== "")).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(r.out).not.toContain("done");
      if (phase === "deploy" || phase === "control-plane" || phase === "addons" || phase === "node-groups") expect(r.calls).not.toContain("deploy workloads");
    });
  }
});
