import type { PlatformConfig } from "../../config/schema";
import type { Naming } from "../../facts/naming";
import type { ClusterOutputs, NetworkOutputs } from "../contracts";
import type { AwsContext } from "../constructs/aws-context";
import type { PlatformStack } from "../platform-stack";
import type { HelmAddon } from "./helm-addon";

/**
 * What the mesh stack (the cluster add-ons stack; its name stays "mesh" because state and
 * `cdktf deploy mesh` know it by that name) hands every add-on it installs, and every
 * mesh implementation's installer.
 */
export interface AddonContext {
  /** The mesh stack: add-ons add their resources to it, with the construct IDs they always had. */
  readonly stack: PlatformStack;
  readonly config: PlatformConfig;
  readonly naming: Naming;
  readonly cluster: ClusterOutputs;
  /** The network stack's outputs, read from its state on first use. */
  readonly network: () => NetworkOutputs;
  readonly aws: AwsContext;
  readonly helm: { readonly timeoutSeconds: number; readonly maxHistory: number };
  /** Releases whose webhooks must be up before this one installs (the Load Balancer Controller's). */
  readonly after: readonly HelmAddon[];
}

/**
 * One cluster add-on: a folder under stacks/addons/ exporting this. The mesh stack installs
 * every add-on whose `enabled` holds, in the order of CLUSTER_ADDONS (stacks/addons/index.ts).
 */
export interface ClusterAddon {
  /** The folder's name. */
  readonly name: string;
  readonly enabled: (config: PlatformConfig) => boolean;
  /**
   * Its webhooks intercept other add-ons' objects (the Load Balancer Controller's intercept
   * Services), so it installs first and the others wait for it.
   */
  readonly webhooksFirst?: boolean;
  /** Installs it; returns its Helm release, when it has one (later add-ons may wait for it). */
  readonly install: (ctx: AddonContext) => HelmAddon | undefined;
}
