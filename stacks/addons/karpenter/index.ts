import { CHARTS } from "../../../charts/versions";
import { KARPENTER_CONTROLLER } from "../../../facts/controllers";
import { KARPENTER_CONTROLLER_MEMORY_LIMIT_MIB, KARPENTER_CONTROLLER_REQUESTS } from "../../../facts/karpenter";
import { COMPUTE_LABEL, KARPENTER_NODEPOOL_LABEL, NODE_GROUP_LABEL, platformObjectLabels, podSecurityLabels } from "../../../facts/labels";
import { readOutputs } from "../../contracts";
import { KARPENTER_OUTPUTS } from "../../contracts/karpenter";
import { clusterState } from "../../platform-stack";
import type { ClusterAddon } from "../addon";
import { installController, serviceAccountValues } from "../controller-addon";

/**
 * Karpenter (cluster.autoscaling "karpenter"), in three parts: its AWS side in the cluster
 * stack (./infrastructure.ts: the interruption queue, the node and controller roles), the
 * controller here in the mesh stack, and the EC2NodeClass and NodePools in the workloads
 * stack (./node-pools.ts), which need the CRDs this release applies.
 */
export const karpenter: ClusterAddon = {
  name: "karpenter",
  enabled: (config) => config.cluster.autoscaling === "karpenter",
  install(ctx) {
    const { config } = ctx;
    const settings = config.cluster.karpenter;
    // The controller's role and queue come from the cluster stack (./infrastructure.ts).
    const aws = readOutputs(clusterState(ctx.stack), KARPENTER_OUTPUTS);
    return installController(ctx, "karpenter", {
      controller: KARPENTER_CONTROLLER,
      namespace: { id: "karpenter-namespace", labels: { ...platformObjectLabels("mesh", "karpenter"), ...podSecurityLabels({ enforce: "baseline", warn: "restricted" }) } },
      chart: CHARTS.karpenter,
      version: settings.chartVersion,
      // The chart `required`s a cluster name even to render; CRDs do not depend on it.
      crds: { renderValues: { settings: { clusterName: "crd-render-only" } } },
      values: () => ({
        settings: { clusterName: ctx.cluster.clusterName, interruptionQueue: aws.karpenterInterruptionQueueName },
        ...serviceAccountValues(KARPENTER_CONTROLLER.serviceAccount, aws.karpenterControllerRoleArn),
        replicas: settings.controllerReplicas,
        // The managed nodes' IMDS hop limit of 1 keeps pods from instance metadata, so the region is given.
        controller: {
          env: [{ name: "AWS_REGION", value: config.platform.region }],
          resources: {
            requests: { cpu: `${KARPENTER_CONTROLLER_REQUESTS.cpuMillicores}m`, memory: `${KARPENTER_CONTROLLER_REQUESTS.memoryMiB}Mi` },
            limits: { memory: `${KARPENTER_CONTROLLER_MEMORY_LIMIT_MIB}Mi` },
          },
        },
        ...karpenterControllerPlacement(),
      }),
    }).release;
  },
};

/**
 * Where the Karpenter controller may run: only on nodes of the managed node groups (which
 * alone carry eks-mesh-platform/node-group) and never on a node Karpenter launched (which
 * carries karpenter.sh/nodepool), so consolidating or expiring its own nodes can never
 * evict it. Chosen over a Fargate profile because the managed node group exists in every
 * configuration (CoreDNS needs it), costs nothing extra, keeps the 10-profile quota for the
 * catalog, and starts the controller as fast as the other add-ons.
 */
export function karpenterControllerPlacement(): Record<string, unknown> {
  return {
    nodeSelector: { [COMPUTE_LABEL]: "ec2", "kubernetes.io/os": "linux" },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: NODE_GROUP_LABEL, operator: "Exists" },
                { key: KARPENTER_NODEPOOL_LABEL, operator: "DoesNotExist" },
              ],
            },
          ],
        },
      },
      // One replica per node, as the chart's default does, so a node's loss leaves one running.
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname" }] },
    },
  };
}

