/**
 * The real ports: EKS through @aws-sdk/client-eks, Kubernetes through kubectl, deploys
 * through cdktf. Loaded only by the CLI; the logic (phases.ts) never imports them.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Deploy, EksPort, KubeNode, KubePod, KubePort } from "./phases";

const run = promisify(execFile);

interface EksClientLike {
  send(command: unknown): Promise<Record<string, unknown>>;
}

/** EKS through the SDK; `endpoint` points it at moto in tests. */
export async function eksPort(options: { region: string; endpoint?: string }): Promise<EksPort> {
  // A plain specifier kept in a variable: the SDK is a runtime dependency of this command only.
  const sdkName = "@aws-sdk/client-eks";
  let sdk: Record<string, new (input: unknown) => unknown>;
  try {
    sdk = (await import(sdkName)) as Record<string, new (input: unknown) => unknown>;
  } catch (error) {
    throw new Error(`${sdkName} is not installed (${(error as Error).message.split("\n")[0]}): run \`npm ci\``);
  }
  const EKSClient = sdk.EKSClient as unknown as new (input: unknown) => EksClientLike;
  const client = new EKSClient({ region: options.region, ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}) });
  const send = (name: string, input: unknown) => client.send(new (sdk[name] as new (i: unknown) => unknown)(input));
  return {
    async describeCluster(name) {
      const c = (await send("DescribeClusterCommand", { name })).cluster as { version: string; status: string };
      return { version: c.version, status: c.status };
    },
    async describeAddon(clusterName, addonName) {
      const a = (await send("DescribeAddonCommand", { clusterName, addonName })).addon as { addonVersion: string; status: string };
      return { version: a.addonVersion, status: a.status };
    },
    async listNodegroups(clusterName) {
      return ((await send("ListNodegroupsCommand", { clusterName })).nodegroups as string[] | undefined) ?? [];
    },
    async describeNodegroup(clusterName, nodegroupName) {
      const g = (await send("DescribeNodegroupCommand", { clusterName, nodegroupName })).nodegroup as { version: string; status: string };
      return { version: g.version, status: g.status };
    },
  };
}

async function kubectlJson(args: string[]): Promise<{ items: Record<string, any>[] }> {
  const { stdout } = await run("kubectl", [...args, "-o", "json"], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as { items: Record<string, any>[] };
}

export function kubectlPort(): KubePort {
  return {
    async nodes(): Promise<KubeNode[]> {
      return (await kubectlJson(["get", "nodes"])).items.map((n) => ({
        name: n.metadata.name,
        kubeletVersion: n.status.nodeInfo.kubeletVersion,
        labels: n.metadata.labels ?? {},
      }));
    },
    async pods(): Promise<KubePod[]> {
      return (await kubectlJson(["get", "pods", "--all-namespaces"])).items
        .filter((p) => p.spec.nodeName !== undefined)
        .map((p) => {
          const rs = (p.metadata.ownerReferences ?? []).find((o: { kind: string }) => o.kind === "ReplicaSet") as { name: string } | undefined;
          // A ReplicaSet a Deployment owns is named <deployment>-<pod-template-hash>.
          const hash = p.metadata.labels?.["pod-template-hash"] as string | undefined;
          const deployment = rs !== undefined && hash !== undefined && rs.name.endsWith(`-${hash}`) ? rs.name.slice(0, -hash.length - 1) : undefined;
          return { namespace: p.metadata.namespace, name: p.metadata.name, nodeName: p.spec.nodeName, ...(deployment !== undefined ? { deployment } : {}) };
        });
    },
    async rolloutRestart(namespace, deployment) {
      await run("kubectl", ["rollout", "restart", `deployment/${deployment}`, "-n", namespace]);
    },
    async waitAvailable(namespace, deployment) {
      await run("kubectl", ["rollout", "status", `deployment/${deployment}`, "-n", namespace, "--timeout=15m"]);
    },
  };
}

export const cdktfDeploy: Deploy = async (stack) => {
  await run("npx", ["cdktf", "deploy", stack, "--auto-approve", "--ignore-missing-stack-dependencies"], {
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1" },
    maxBuffer: 256 * 1024 * 1024,
  });
};
