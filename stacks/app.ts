import type { App } from "cdktf";
import type { PlatformConfig } from "../config/schema";
import { ClusterStack } from "./cluster";
import { MeshStack } from "./mesh";
import { NetworkStack } from "./network";
import { WorkloadsStack } from "./workloads";

/** The stacks of one platform, in deploy order. */
export interface PlatformStacks {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly mesh: MeshStack;
  readonly workloads: WorkloadsStack;
}

/**
 * Builds every stack from one validated config. Each later stack reads the earlier ones'
 * outputs from their state (never through cdktf's implicit cross-stack references), and
 * declares the dependency here, so cdktf's manifest and `cdktf deploy` carry the order.
 */
export function buildPlatform(app: App, config: PlatformConfig): PlatformStacks {
  const network = new NetworkStack(app, { config });
  const cluster = new ClusterStack(app, { config });
  cluster.addDependency(network);
  const mesh = new MeshStack(app, { config });
  mesh.addDependency(cluster);
  const workloads = new WorkloadsStack(app, { config });
  workloads.addDependency(cluster);
  workloads.addDependency(mesh);
  return { network, cluster, mesh, workloads };
}
