import type { Construct } from "constructs";
import type { PlatformConfig } from "../../config/schema";
import type { ClusterOutputs, NetworkOutputs } from "../contracts";
import type { AwsContext } from "../constructs/aws-context";
import type { HelmAddon } from "../addons/helm-addon";
import type { Naming } from "../../facts/naming";

/**
 * What installing a mesh implementation yields, for the outputs the workloads read. A
 * field an implementation does not have is "" (the contract's shape never depends on config).
 */
export interface InstalledMesh {
  readonly controllerNamespace: string;
  readonly controllerChartVersion: string;
  readonly envoyImage: string;
  readonly envoyTracing: string;
  readonly sidecarInjectionLabel: string;
  readonly serviceNetworkId: string;
  readonly serviceNetworkArn: string;
  /** CloudWatch log group of the service network's access logs ("" when none). */
  readonly accessLogGroup: string;
}

/** What an installer is given by the mesh stack. */
export interface MeshInstallContext {
  /** The mesh stack: installers add their resources to it. */
  readonly scope: Construct;
  readonly config: PlatformConfig;
  readonly naming: Naming;
  readonly cluster: ClusterOutputs;
  /** The network stack's outputs, read from its state on first use. */
  readonly network: () => NetworkOutputs;
  readonly aws: AwsContext;
  readonly meshName: string;
  readonly helm: { readonly timeoutSeconds: number; readonly maxHistory: number };
  /** Releases whose webhooks must be up before this one installs. */
  readonly after: HelmAddon[];
}

/** Installs one mesh implementation's control plane into the mesh stack. */
export type MeshInstaller = (ctx: MeshInstallContext) => InstalledMesh;
