/** The plan and its run: refuses a skip, prints the phases, applies them in order with their checks. */
import { CheckFailed, type Phase, type Ports, planPhases } from "./phases";
import type { ClusterState, ClusterTarget } from "./state";
import { minorString, upgradePath } from "./versions";

export type Decision =
  | { kind: "refused"; message: string }
  | { kind: "current"; message: string }
  | { kind: "plan"; phases: Phase[]; text: string };

export function decide(state: ClusterState, target: ClusterTarget, configVersion: string): Decision {
  const from = minorString(state.version);
  const to = minorString(configVersion);
  if (minorString(target.version) !== to) {
    return { kind: "refused", message: `the synthesized cluster stack sets ${target.version} but cluster.kubernetesVersion is ${to}: run \`npx cdktf synth\` first` };
  }
  if (from === to) return { kind: "current", message: `cluster ${state.clusterName} is already at ${to}: nothing to upgrade` };
  let path: string[];
  try {
    path = upgradePath(from, to);
  } catch (error) {
    return { kind: "refused", message: (error as Error).message };
  }
  if (path.length === 0) return { kind: "refused", message: `cluster.kubernetesVersion ${to} is older than the cluster's ${from}: EKS cannot downgrade a cluster` };
  if (path.length > 2) {
    return {
      kind: "refused",
      message: `cluster ${state.clusterName} is at ${from} and EKS moves one minor at a time; set cluster.kubernetesVersion to ${path[1]} and upgrade, then the next: ${path.join(" → ")}`,
    };
  }
  const phases = planPhases(state, target);
  const lines = [`Upgrade of cluster ${state.clusterName}: ${from} → ${to} (dry run; --apply runs it)`];
  phases.forEach((p, i) => {
    lines.push("", `${i + 1}. ${p.title}`);
    for (const c of p.changes) lines.push(`   - ${c}`);
    lines.push(`   check: ${p.check}`);
  });
  return { kind: "plan", phases, text: lines.join("\n") };
}

/** Runs the phases in order; stops at the first failure with one line: what failed and what to do. */
export async function applyPhases(phases: readonly Phase[], ports: Ports, log: (line: string) => void): Promise<{ ok: true } | { ok: false; line: string }> {
  for (const [i, p] of phases.entries()) {
    log(`${i + 1}/${phases.length} ${p.title}`);
    try {
      await p.run(ports);
    } catch (error) {
      const what = error instanceof CheckFailed ? `check failed: ${error.message}` : `failed: ${(error as Error).message}`;
      return { ok: false, line: `phase ${i + 1} (${p.id}) ${what}; ${p.recovery}` };
    }
    log(`   ok: ${p.check}`);
  }
  return { ok: true };
}
