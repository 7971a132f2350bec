import type { TerraformRemoteState } from "cdktf";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { CHARTS } from "../../facts/charts";
import { COMPUTE_LABEL, NODE_GROUP_LABEL } from "../../config/schema/cluster";
import { readOutputs } from "../contracts";
import { KARPENTER_OUTPUTS } from "../contracts/karpenter";
import type { PlatformStack } from "../platform-stack";
import { remoteState } from "../constructs/state-backend";
import { HelmAddon, type HelmAddonOptions } from "./helm-addon";
import { KARPENTER_CONTROLLER, KARPENTER_CONTROLLER_MEMORY_LIMIT_MIB, KARPENTER_CONTROLLER_REQUESTS } from "../../facts/karpenter";

/** The VPA recommender's release (Fairwinds' chart names its objects after it). */
export const VPA_RELEASE = { namespace: "kube-system", releaseName: "vpa" } as const;

/** Node label Karpenter puts on every node it launches. */
export const KARPENTER_NODEPOOL_LABEL = "karpenter.sh/nodepool";

export interface CapacityAddonsProps {
  /** The cluster stack's name output (a reference to its state). */
  readonly clusterName: string;
  readonly helm: Pick<HelmAddonOptions, "timeoutSeconds" | "maxHistory">;
  /** Releases whose webhooks must be up first (the load balancer controller's intercept Services). */
  readonly after: HelmAddon[];
}

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

/**
 * The mesh stack's one call for the cluster add-ons that size capacity: the Karpenter
 * controller (cluster.autoscaling "karpenter") and the VPA recommender
 * (cluster.verticalPodAutoscaler), each with its CRDs applied from the pinned chart.
 */
export function installCapacityAddons(stack: PlatformStack, props: CapacityAddonsProps): { karpenter?: HelmAddon; vpa?: HelmAddon } {
  const cluster = stack.config.cluster;
  const out: { karpenter?: HelmAddon; vpa?: HelmAddon } = {};
  if (cluster.autoscaling === "karpenter") {
    const karpenter = readOutputs(clusterState(stack), KARPENTER_OUTPUTS);
    const { namespace, serviceAccount, releaseName } = KARPENTER_CONTROLLER;
    const ns = new NamespaceV1(stack, "karpenter-namespace", {
      metadata: {
        name: namespace,
        labels: {
          "app.kubernetes.io/managed-by": "terraform",
          "eks-mesh-platform/stack": "mesh",
          "eks-mesh-platform/component": "karpenter",
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });
    out.karpenter = new HelmAddon(stack, "karpenter", {
      chart: CHARTS.karpenter,
      version: cluster.karpenter.chartVersion,
      ...props.helm,
      releaseName,
      namespace,
      manageCrds: true,
      // The chart `required`s a cluster name even to render; CRDs do not depend on it.
      crdRenderValues: { settings: { clusterName: "crd-render-only" } },
      values: {
        settings: { clusterName: props.clusterName, interruptionQueue: karpenter.karpenterInterruptionQueueName },
        serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": karpenter.karpenterControllerRoleArn } },
        replicas: cluster.karpenter.controllerReplicas,
        // The managed nodes' IMDS hop limit of 1 keeps pods from instance metadata, so the region is given.
        controller: {
          env: [{ name: "AWS_REGION", value: stack.config.platform.region }],
          resources: {
            requests: { cpu: `${KARPENTER_CONTROLLER_REQUESTS.cpuMillicores}m`, memory: `${KARPENTER_CONTROLLER_REQUESTS.memoryMiB}Mi` },
            limits: { memory: `${KARPENTER_CONTROLLER_MEMORY_LIMIT_MIB}Mi` },
          },
        },
        ...karpenterControllerPlacement(),
      },
      dependsOn: [ns, ...props.after.map((a) => a.release)],
    });
  }
  if (cluster.verticalPodAutoscaler) {
    out.vpa = new HelmAddon(stack, "vertical-pod-autoscaler", {
      chart: CHARTS.verticalPodAutoscaler,
      version: CHARTS.verticalPodAutoscaler.version,
      ...props.helm,
      releaseName: VPA_RELEASE.releaseName,
      namespace: VPA_RELEASE.namespace,
      manageCrds: true,
      // This chart places each component by its own nodeSelector.
      values: { recommender: { nodeSelector: { [COMPUTE_LABEL]: "ec2" } } },
      dependsOn: props.after.map((a) => a.release),
    });
  }
  return out;
}

/** The stack's reader of the cluster stack's state (created once per stack, reused). */
export function clusterState(stack: PlatformStack): TerraformRemoteState {
  const existing = stack.node.tryFindChild("remote-state-cluster");
  if (existing) return existing as TerraformRemoteState;
  return remoteState(stack, "cluster", stack.config.state, stack.config.platform.environment);
}
