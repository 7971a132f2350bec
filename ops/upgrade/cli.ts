/**
 * `npm run upgrade [-- --apply] [--state-dir state] [--out cdktf.out]`: moves the cluster one
 * Kubernetes minor, from what its state holds to `cluster.kubernetesVersion`, phase by phase
 * (docs/upgrade-command.md). Dry run unless --apply.
 */
import { loadConfig } from "../../config/load";

import { statePathFor } from "../outputs";
import { cdktfDeploy, eksPort, kubectlPort } from "./aws";
import type { Ports } from "./phases";
import { loadClusterState, loadClusterTarget } from "./state";
import { applyPhases, decide } from "./upgrade";

export interface UpgradeArgs {
  apply: boolean;
  /** @default the config's state.directory (local backend) */
  stateDir?: string;
  outDir: string;
}

export function parseArgs(argv: readonly string[]): UpgradeArgs {
  const args: UpgradeArgs = { apply: false, outDir: "cdktf.out" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--apply") {
      args.apply = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--state-dir") args.stateDir = value;
    else if (flag === "--out") args.outDir = value;
    else throw new Error(`unknown flag ${flag}\nusage: npm run upgrade -- [--apply] [--state-dir DIR] [--out cdktf.out]`);
  }
  return args;
}

export interface UpgradeInputs {
  readonly environment: string;
  readonly kubernetesVersion: string;
  readonly stateDir: string;
  readonly outDir: string;
}

/** The command without the process: tests hand it inputs and ports. */
export async function upgrade(inputs: UpgradeInputs, apply: boolean, ports: () => Promise<Ports>, out: (t: string) => void, err: (t: string) => void): Promise<number> {
  try {
    const state = loadClusterState(statePathFor(inputs.stateDir, inputs.environment, "cluster"));
    const target = loadClusterTarget(inputs.outDir);
    const d = decide(state, target, inputs.kubernetesVersion);
    if (d.kind === "refused") {
      err(`${d.message}\n`);
      return 1;
    }
    if (d.kind === "current") {
      out(`${d.message}\n`);
      return 0;
    }
    if (!apply) {
      out(`${d.text}\n`);
      return 0;
    }
    const result = await applyPhases(d.phases, await ports(), (line) => out(`${line}\n`));
    if (!result.ok) {
      err(`${result.line}\n`);
      return 1;
    }
    out(`upgrade of ${state.clusterName} to ${target.version} done\n`);
    return 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
}

async function realPorts(region: string): Promise<Ports> {
  return {
    eks: await eksPort({ region, ...(process.env.AWS_ENDPOINT_URL_EKS !== undefined ? { endpoint: process.env.AWS_ENDPOINT_URL_EKS } : {}) }),
    kube: kubectlPort(),
    deploy: cdktfDeploy,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

if (require.main === module) {

  void (async () => {
    try {
      const args = parseArgs(process.argv.slice(2));
      const { config } = loadConfig();
      // The S3 backend's state is read after `terraform state pull` into --state-dir.
      const stateDir = args.stateDir ?? (config.state.backend === "local" ? config.state.directory : undefined);
      if (stateDir === undefined) throw new Error("state.backend is s3: pull the cluster stack's state into DIR/<env>/cluster.tfstate and pass --state-dir DIR");
      const code = await upgrade(
        { environment: config.platform.environment, kubernetesVersion: config.cluster.kubernetesVersion, stateDir, outDir: args.outDir },
        args.apply,
        () => realPorts(config.platform.region),
        (t) => process.stdout.write(t),
        (t) => process.stderr.write(t),
      );
      process.exitCode = code;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  })();
}
