/** The platform stacks (EKS), in deploy order. Stack names are what `cdktf deploy <stack>` takes. */
export const STACK_ORDER = ["network", "cluster", "mesh", "workloads", "observability"] as const;
/** The stacks with `platform.orchestrator: "ecs"`: the same network, then ECS in place of cluster, mesh and workloads. */
export const ECS_STACK_ORDER = ["network", "ecs-cluster", "ecs-services"] as const;
export type StackName = (typeof STACK_ORDER)[number] | (typeof ECS_STACK_ORDER)[number];
