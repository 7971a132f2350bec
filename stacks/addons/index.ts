import type { ClusterAddon } from "./addon";
import { fargateLogging } from "./fargate-logging";
import { karpenter } from "./karpenter";
import { loadBalancerController } from "./load-balancer-controller";
import { metricsServer } from "./metrics-server";
import { prometheusScraper } from "./prometheus-scraper";
import { verticalPodAutoscaler } from "./vertical-pod-autoscaler";

/**
 * The cluster add-ons the mesh stack installs, each a folder here, in this order; the ones
 * with `webhooksFirst` before the rest, which wait for them. The mesh implementation's own
 * controller (stacks/mesh/<implementation>/) installs between the webhooks and the rest.
 * A new add-on is a folder exporting a ClusterAddon and one entry here.
 */
export const CLUSTER_ADDONS: readonly ClusterAddon[] = [loadBalancerController, metricsServer, karpenter, verticalPodAutoscaler, fargateLogging, prometheusScraper];
