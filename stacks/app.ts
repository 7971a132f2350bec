import type { App } from "cdktf";
import type { PlatformConfig } from "../config/schema";
import { NetworkStack } from "./network";

/** The stacks of one platform, in deploy order. */
export interface PlatformStacks {
  readonly network: NetworkStack;
}

/**
 * Builds every stack from one validated config. Each later stack reads the earlier ones'
 * outputs from their state and declares the dependency, so cdktf's manifest carries the
 * deploy order. (cluster, mesh and workloads are added by their own stacks' files.)
 */
export function buildPlatform(app: App, config: PlatformConfig): PlatformStacks {
  const network = new NetworkStack(app, { config });
  return { network };
}
