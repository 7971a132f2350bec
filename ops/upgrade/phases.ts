/**
 * The upgrade in the order EKS requires, each phase with the check that must pass before
 * the next starts (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html,
 * read 2026-12-02): the control plane first (nodes may lag it, never lead it), then the
 * add-ons built for the new minor, then managed nodes, then Karpenter nodes, then Fargate
 * pods, which keep the kubelet they started with until they are recreated.
 * AWS and Kubernetes are reached through the ports below so tests can answer for them.
 */
import { KARPENTER_NODEPOOL_LABEL } from "../../facts/labels";
import type { ClusterState, ClusterTarget } from "./state";
import { minorString } from "./versions";

export interface EksPort {
  describeCluster(name: string): Promise<{ version: string; status: string }>;
  describeAddon(cluster: string, addon: string): Promise<{ version: string; status: string }>;
  listNodegroups(cluster: string): Promise<string[]>;
  describeNodegroup(cluster: string, nodegroup: string): Promise<{ version: string; status: string }>;
}

export interface KubeNode {
  readonly name: string;
  readonly kubeletVersion: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface KubePod {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  /** The Deployment that owns it (through its ReplicaSet), if any. */
  readonly deployment?: string;
}

export interface KubePort {
  nodes(): Promise<KubeNode[]>;
  pods(): Promise<KubePod[]>;
  /** `kubectl rollout restart deployment/<name>`. */
  rolloutRestart(namespace: string, deployment: string): Promise<void>;
  /** Waits until the Deployment is available again (`kubectl rollout status`); throws if it is not. */
  waitAvailable(namespace: string, deployment: string): Promise<void>;
}

/** Runs `cdktf deploy <stack>`; throws on failure. */
export type Deploy = (stack: string) => Promise<void>;

export interface Ports {
  readonly eks: EksPort;
  readonly kube: KubePort;
  readonly deploy: Deploy;
  /** Waits between polls; tests pass one that returns at once. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Polls per check before it fails. @default 90 (15 min at 10 s) */
  readonly attempts?: number;
  readonly intervalMs?: number;
}

export interface Phase {
  readonly id: "control-plane" | "addons" | "node-groups" | "karpenter" | "fargate";
  readonly title: string;
  /** What the phase changes, one line each. */
  readonly changes: readonly string[];
  /** The check that must pass before the next phase. */
  readonly check: string;
  /** What to do when the phase fails (docs/upgrade-command.md says more). */
  readonly recovery: string;
  run(ports: Ports): Promise<void>;
}

export const FARGATE_COMPUTE_TYPE_LABEL = "eks.amazonaws.com/compute-type";

export class CheckFailed extends Error {}

/** Polls `probe` until it returns undefined (done) or the attempts run out; the last reason is the failure. */
async function until(ports: Ports, probe: () => Promise<string | undefined>): Promise<void> {
  const attempts = ports.attempts ?? 90;
  let reason: string | undefined;
  for (let i = 0; i < attempts; i++) {
    reason = await probe();
    if (reason === undefined) return;
    if (i < attempts - 1) await ports.sleep(ports.intervalMs ?? 10_000);
  }
  throw new CheckFailed(reason ?? "check did not pass");
}

function oldNodes(nodes: readonly KubeNode[], target: string, keep: (n: KubeNode) => boolean): KubeNode[] {
  return nodes.filter((n) => keep(n) && minorString(n.kubeletVersion) !== target);
}

const isFargate = (n: KubeNode) => n.labels[FARGATE_COMPUTE_TYPE_LABEL] === "fargate";
const isKarpenter = (n: KubeNode) => n.labels[KARPENTER_NODEPOOL_LABEL] !== undefined;

export function planPhases(state: ClusterState, target: ClusterTarget): Phase[] {
  const to = target.version;
  const cluster = state.clusterName;
  const current = new Map(state.addons.map((a) => [a.name, a.version]));
  const groupVersion = new Map(state.nodeGroups.map((g) => [g.name, g.version]));
  return [
    {
      id: "control-plane",
      title: "Control plane (`cdktf deploy cluster`)",
      changes: [`cluster ${cluster}: Kubernetes ${state.version} → ${to}`],
      check: `cluster ${cluster} reports version ${to} and status ACTIVE`,
      recovery: "read the cluster's update in `aws eks list-updates --name " + cluster + "`; fix its error and run `npm run upgrade -- --apply` again",
      async run(ports) {
        await ports.deploy("cluster");
        await until(ports, async () => {
          const c = await ports.eks.describeCluster(cluster);
          return c.version === to && c.status === "ACTIVE" ? undefined : `cluster ${cluster} is at ${c.version} (${c.status}), not ${to} ACTIVE`;
        });
      },
    },
    {
      id: "addons",
      title: "EKS add-ons at the builds for " + to + " (same deploy; checked after the control plane)",
      changes: target.addons.map((a) => `${a.name}: ${current.get(a.name) ?? "(not installed)"} → ${a.version}`),
      check: "each add-on ACTIVE at the build the cluster stack pins",
      recovery: `list the builds for ${to} with \`aws eks describe-addon-versions --kubernetes-version ${to} --addon-name NAME\`, set cluster.addons.NAME.version, synth, and run again`,
      async run(ports) {
        for (const a of target.addons) {
          await until(ports, async () => {
            const got = await ports.eks.describeAddon(cluster, a.name);
            return got.version === a.version && got.status === "ACTIVE" ? undefined : `add-on ${a.name} is ${got.version} (${got.status}), not ${a.version} ACTIVE`;
          });
        }
      },
    },
    {
      id: "node-groups",
      title: "Managed node groups (rolled within their update_config.max_unavailable)",
      changes: target.nodeGroups.map((g) => `node group ${g}: ${groupVersion.get(g) ?? "(new)"} → ${to}`),
      check: `every node group ACTIVE at ${to}, and every node group node's kubelet at ${to}`,
      recovery: "a stuck update: `aws eks describe-update` names the pod whose PDB blocked eviction; relax that PDB or scale the workload, then run again",
      async run(ports) {
        await until(ports, async () => {
          for (const g of await ports.eks.listNodegroups(cluster)) {
            const d = await ports.eks.describeNodegroup(cluster, g);
            if (d.version !== to || d.status !== "ACTIVE") return `node group ${g} is at ${d.version} (${d.status}), not ${to} ACTIVE`;
          }
          const stale = oldNodes(await ports.kube.nodes(), to, (n) => !isFargate(n) && !isKarpenter(n));
          return stale.length === 0 ? undefined : `node ${stale[0]?.name} still runs kubelet ${stale[0]?.kubeletVersion}`;
        });
      },
    },
    {
      id: "karpenter",
      title: "Karpenter nodes (drift replaces them once the EC2NodeClass AMI resolves for " + to + ")",
      changes: ["`cdktf deploy workloads` (EC2NodeClass), then Karpenter's drift replaces each node on an older kubelet"],
      check: `no Karpenter node on a kubelet older than ${to}`,
      recovery: "a node that does not drift: `kubectl describe nodeclaim` shows why (often a PDB or a do-not-disrupt annotation); resolve it, or `kubectl delete nodeclaim NAME`, then run again",
      async run(ports) {
        await ports.deploy("workloads");
        await until(ports, async () => {
          const stale = oldNodes(await ports.kube.nodes(), to, isKarpenter);
          return stale.length === 0 ? undefined : `Karpenter node ${stale[0]?.name} still runs kubelet ${stale[0]?.kubeletVersion}`;
        });
      },
    },
    {
      id: "fargate",
      title: "Fargate pods (each keeps its kubelet until recreated)",
      changes: ["`kubectl rollout restart` each Deployment with a pod on an old Fargate node, one at a time, waiting for it to be available"],
      check: `no pod left on a node older than ${to}`,
      recovery: "a rollout that does not finish: `kubectl rollout status` and the PDB's ALLOWED DISRUPTIONS say which; a bare pod (no Deployment) must be deleted by hand; then run again",
      async run(ports) {
        const nodes = await ports.kube.nodes();
        const old = new Set(oldNodes(nodes, to, isFargate).map((n) => n.name));
        const pods = (await ports.kube.pods()).filter((p) => old.has(p.nodeName));
        const deployments = [...new Set(pods.filter((p) => p.deployment !== undefined).map((p) => `${p.namespace}/${p.deployment}`))].sort();
        // One at a time: a restart of every Deployment at once could take more pods than their PDBs allow.
        for (const d of deployments) {
          const [ns, name] = d.split("/") as [string, string];
          await ports.kube.rolloutRestart(ns, name);
          try {
            await ports.kube.waitAvailable(ns, name);
          } catch (error) {
            throw new CheckFailed(`deployment ${d} did not become available after its restart: ${(error as Error).message}`);
          }
        }
        await until(ports, async () => {
          const all = await ports.kube.nodes();
          const stale = new Set(all.filter((n) => minorString(n.kubeletVersion) !== to).map((n) => n.name));
          const left = (await ports.kube.pods()).filter((p) => stale.has(p.nodeName));
          return left.length === 0 ? undefined : `pod ${left[0]?.namespace}/${left[0]?.name} still runs on ${left[0]?.nodeName} (kubelet older than ${to})`;
        });
      },
    },
  ];
}
