import type { App } from "cdktf";
import type { PlatformConfig } from "../config/schema";
import { BootstrapStack } from "./bootstrap/stack";
import type { PlanStandIns } from "./synth/plan-stand-ins";
import { ClusterStack } from "./cluster/stack";
import { EcsClusterStack } from "./ecs-cluster/stack";
import { EcsServicesStack } from "./ecs-services/stack";
import { MeshStack } from "./mesh/stack";
import { Naming } from "../facts/naming";
import { NetworkStack } from "./network/stack";
import { ObservabilityStack } from "./observability/stack";
import { WorkloadsStack } from "./workloads/stack";

/** The stacks of one platform, in deploy order. */
export interface PlatformStacks {
  readonly network: NetworkStack;
  /** With platform.orchestrator "eks" (the default). */
  readonly cluster?: ClusterStack;
  readonly mesh?: MeshStack;
  readonly workloads?: WorkloadsStack;
  /** Alarms, dashboard, Prometheus (AWS provider only), after the workloads whose ALB it reads (EKS). */
  readonly observability?: ObservabilityStack;
  /** With platform.orchestrator "ecs": in place of cluster, mesh and workloads. */
  readonly ecsCluster?: EcsClusterStack;
  readonly ecsServices?: EcsServicesStack;
  /** The state bucket, only when the config uses the S3 backend (deployed once, with local state). */
  readonly bootstrap?: BootstrapStack;
}

/**
 * Builds every stack from one validated config. Each later stack reads the earlier ones'
 * outputs from their state (never through cdktf's implicit cross-stack references), and
 * declares the dependency here, so cdktf's manifest and `cdktf deploy` carry the order.
 */
export function buildPlatform(app: App, config: PlatformConfig, options: { planStandIns?: PlanStandIns; onStep?: (doing: string) => void } = {}): PlatformStacks {
  const props = { config, planStandIns: options.planStandIns };
  // Names the stack under construction, so an internal error can say where it happened.
  const build = <T>(name: string, make: () => T): T => {
    options.onStep?.(`building the ${name} stack`);
    return make();
  };
  const network = build("network", () => new NetworkStack(app, props));
  if (config.platform.orchestrator === "ecs") {
    const ecsCluster = build("ecs-cluster", () => new EcsClusterStack(app, props));
    ecsCluster.addDependency(network);
    const ecsServices = build("ecs-services", () => new EcsServicesStack(app, props));
    ecsServices.addDependency(network);
    ecsServices.addDependency(ecsCluster);
    return { network, ecsCluster, ecsServices, bootstrap: build("bootstrap", () => bootstrapStack(app, config)) };
  }
  const cluster = build("cluster", () => new ClusterStack(app, props));
  cluster.addDependency(network);
  const mesh = build("mesh", () => new MeshStack(app, props));
  mesh.addDependency(cluster);
  const workloads = build("workloads", () => new WorkloadsStack(app, props));
  workloads.addDependency(cluster);
  workloads.addDependency(mesh);
  const observability = build("observability", () => new ObservabilityStack(app, props));
  observability.addDependency(network);
  observability.addDependency(cluster);
  observability.addDependency(workloads);
  return { network, cluster, mesh, workloads, observability, bootstrap: build("bootstrap", () => bootstrapStack(app, config)) };
}

/** The state bucket, only when the config uses the S3 backend (deployed once, with local state). */
function bootstrapStack(app: App, config: PlatformConfig): BootstrapStack | undefined {
  const state = config.state;
  return state.backend === "s3"
    ? new BootstrapStack(app, "bootstrap", {
        region: state.region,
        bucketName: state.bucket,
        tags: new Naming(config.platform).tags("bootstrap"),
      })
    : undefined;
}
