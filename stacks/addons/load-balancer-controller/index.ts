import { CHARTS } from "../../../charts/versions";
import { LOAD_BALANCER_CONTROLLER } from "../../../facts/controllers";
import type { ClusterAddon } from "../addon";
import { installController, serviceAccountValues } from "../controller-addon";
import { loadBalancerControllerStatements } from "./policy";

const WHY_WILDCARDS =
  "the AWS Load Balancer Controller's documented policy (v3.5.0): it creates load balancers, target groups and security groups for ingresses that do not exist yet, and associates WAF/Shield with them, so those actions cannot name a resource ARN; every write on an existing resource is conditioned on the elbv2.k8s.aws/cluster tag the controller sets";

/**
 * The AWS Load Balancer Controller: ALB ingresses with IP targets, which Fargate pods need.
 * Installed first: its webhooks intercept Services and would reject other charts' Services
 * while it starts ("no endpoints available for service aws-load-balancer-webhook-service").
 */
export const loadBalancerController: ClusterAddon = {
  name: "load-balancer-controller",
  enabled: (config) => config.mesh.addons.loadBalancerController.enabled,
  webhooksFirst: true,
  install(ctx) {
    const { config, cluster } = ctx;
    // Fargate pods cannot reach IMDS, so the controller is told its VPC and region.
    const network = ctx.network();
    return installController(ctx, "load-balancer-controller", {
      controller: LOAD_BALANCER_CONTROLLER,
      identity: {
        roleName: ctx.naming.bounded("aws-lb-controller", 64),
        description: "AWS Load Balancer Controller: manages ALBs/NLBs for ingresses and services",
        statements: loadBalancerControllerStatements(ctx.aws),
        checkovSkips: [
          ["CKV_AWS_111", WHY_WILDCARDS],
          ["CKV_AWS_356", WHY_WILDCARDS],
        ],
      },
      chart: CHARTS.loadBalancerController,
      version: config.mesh.addons.loadBalancerController.chartVersion,
      // The chart `required`s a cluster name even to render; CRDs do not depend on it.
      crds: { renderValues: { clusterName: "crd-render-only" } },
      values: ({ roleArn }) => ({
        clusterName: cluster.clusterName,
        region: config.platform.region,
        vpcId: network.vpcId,
        ...serviceAccountValues(LOAD_BALANCER_CONTROLLER.serviceAccount, roleArn),
      }),
    }).release;
  },
};
