import type { Construct } from "constructs";
import { LOAD_BALANCER_CONTROLLER } from "../../facts/controllers";
import type { AddonContext } from "../addons/addon";
import { CLUSTER_ADDONS } from "../addons";
import { type Contract, type ContractValues, CLUSTER_OUTPUTS, MESH_COMMON_OUTPUTS, MESH_OUTPUTS, type MeshOutputs, NETWORK_OUTPUTS, type NetworkOutputs, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { configureKubernetesProviders } from "../constructs/kubernetes-providers";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { warnOnce } from "../synth/warnings";
import { MESHES, meshImplementation } from "./implementations";

/**
 * The mesh stack, which is the cluster add-ons stack (its name stays "mesh": state and
 * `cdktf deploy mesh` know it by that name): the cluster add-ons every workload relies on
 * (stacks/addons/) and the mesh implementation's control plane (stacks/mesh/<implementation>/),
 * installed with Helm after the cluster stack and before the workloads stack, so the
 * workloads' custom resources (App Mesh objects, or Gateway API routes and Lattice
 * policies) find their CRDs at plan time (kubernetes_manifest reads CRD schemas while
 * planning). It talks to the cluster through providers configured from the cluster stack's
 * state, never in the state that creates the cluster (terraform-aws-eks #1234).
 *
 * Order inside the stack: add-ons whose webhooks intercept other objects first (the AWS
 * Load Balancer Controller's intercept Services and would reject other charts' Services
 * while it starts: "no endpoints available for service aws-load-balancer-webhook-service"),
 * then the mesh controller and the other add-ons, which wait for them.
 */
export class MeshStack extends PlatformStack {
  readonly outputs: MeshOutputs;

  private networkOutputs?: NetworkOutputs;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "mesh", props);
    const config = this.config;
    const mesh = config.mesh;
    for (const line of mesh.ignoredSettings) warnOnce(`WARNING: ${line}`);

    const cluster = this.upstream("cluster", CLUSTER_OUTPUTS);
    configureKubernetesProviders(this, { cluster, region: config.platform.region, helm: true });
    const ctx: AddonContext = {
      stack: this,
      config,
      naming: this.naming,
      cluster,
      network: () => this.network(),
      aws: new AwsContext(this, "aws-context", config.platform.region),
      helm: { timeoutSeconds: mesh.helm.timeoutSeconds, maxHistory: mesh.helm.maxHistory },
      after: [],
    };

    const addons = CLUSTER_ADDONS.filter((a) => a.enabled(config));
    const first = addons.filter((a) => a.webhooksFirst).map((a) => [a.name, a.install(ctx)] as const);
    const after = first.flatMap(([, release]) => (release ? [release] : []));
    const installedMesh = meshImplementation(config).install({ ...ctx, after });
    const rest = addons.filter((a) => !a.webhooksFirst).map((a) => [a.name, a.install({ ...ctx, after })] as const);
    const installed = (name: string) => [...first, ...rest].some(([n]) => n === name);

    const common: ContractValues<typeof MESH_COMMON_OUTPUTS> = {
      meshName: mesh.name,
      controllerNamespace: installedMesh.controllerNamespace,
      meshImplementation: mesh.implementation,
      loadBalancerControllerChartVersion: installed("load-balancer-controller") ? mesh.addons.loadBalancerController.chartVersion : "",
      metricsServerChartVersion: installed("metrics-server") ? mesh.addons.metricsServer.chartVersion : "",
      ingressClass: installed("load-balancer-controller") ? LOAD_BALANCER_CONTROLLER.ingressClass : "",
    };
    // Every implementation's outputs are published, "" for the ones not installed, so the contract never depends on the config.
    const others = Object.entries(MESHES)
      .filter(([id]) => id !== mesh.implementation)
      .map(([, m]) => emptyValues(m.outputs));
    this.outputs = Object.assign({}, common, ...others, installedMesh.outputs) as MeshOutputs;
    publishOutputs(this, MESH_OUTPUTS, this.outputs);
  }

  /** The network stack's outputs, read once (one remote state per upstream stack). */
  private network(): NetworkOutputs {
    this.networkOutputs ??= this.upstream("network", NETWORK_OUTPUTS);
    return this.networkOutputs;
  }
}

/** A contract's outputs for an implementation that is not installed: every value "". */
function emptyValues(contract: Contract): Record<string, string> {
  return Object.fromEntries(Object.keys(contract).map((key) => [key, ""]));
}
