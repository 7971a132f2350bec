import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { DEFAULT_CATEGORIES, type KarpenterSettings, type NodePoolSettings } from "../../../config/schema/autoscaling";
import { nodePoolLabels } from "../../../config/schema/node-pool-scheduling";
import type { Naming } from "../../../facts/naming";
import { EC2_NODE_CLASS_NAME, karpenterDiscoverySelector } from "../../../facts/karpenter";

const TAINT_EFFECT = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" } as const;

/** Instance generations Karpenter may pick when a pool gives categories: 5 and newer (the cost model's and the schema's families). */
export const MIN_INSTANCE_GENERATION = 4;

/**
 * The one EC2NodeClass (karpenter.k8s.aws/v1) every NodePool uses: AL2023 by alias, the
 * node role from the cluster stack (Karpenter v1 creates its instance profile), subnets and
 * security groups found by the discovery tag the network and cluster stacks set from the
 * same function, IMDSv2 only with hop limit 1 (pods cannot borrow the node role), an
 * encrypted gp3 root volume, and the platform's tags on every instance, volume and ENI.
 */
export function ec2NodeClassManifest(naming: Naming, settings: KarpenterSettings, nodeRoleName: string): Record<string, unknown> {
  return {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: EC2_NODE_CLASS_NAME, labels: { "app.kubernetes.io/managed-by": "terraform", "eks-mesh-platform/stack": "workloads" } },
    spec: {
      role: nodeRoleName,
      amiSelectorTerms: [{ alias: settings.amiAlias }],
      subnetSelectorTerms: karpenterDiscoverySelector(naming),
      securityGroupSelectorTerms: karpenterDiscoverySelector(naming),
      metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: `${settings.diskSizeGiB}Gi`,
            volumeType: "gp3",
            encrypted: true,
            deleteOnTermination: true,
            ...(settings.diskKmsKeyArn ? { kmsKeyID: settings.diskKmsKeyArn } : {}),
          },
        },
      ],
      detailedMonitoring: true,
      tags: { ...naming.tags("workloads"), "eks-mesh-platform/managed-by": "karpenter", Name: `${naming.prefix}-karpenter` },
    },
  };
}

/** One NodePool (karpenter.sh/v1) from config. */
export function nodePoolManifest(name: string, pool: NodePoolSettings): Record<string, unknown> {
  const requirements: { key: string; operator: string; values: string[] }[] = pool.instanceFamilies
    ? [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: [...pool.instanceFamilies] }]
    : [
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: [...(pool.instanceCategories ?? DEFAULT_CATEGORIES)] },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: [String(MIN_INSTANCE_GENERATION)] },
      ];
  requirements.push(
    { key: "karpenter.sh/capacity-type", operator: "In", values: [...pool.capacityTypes] },
    { key: "kubernetes.io/arch", operator: "In", values: [...pool.architectures] },
    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
  );
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name, labels: { "app.kubernetes.io/managed-by": "terraform", "eks-mesh-platform/stack": "workloads" } },
    spec: {
      template: {
        metadata: { labels: nodePoolLabels(name, pool) },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: EC2_NODE_CLASS_NAME },
          requirements,
          ...(pool.taints.length ? { taints: pool.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: TAINT_EFFECT[t.effect] })) } : {}),
          expireAfter: pool.expireAfter,
        },
      },
      disruption: {
        consolidationPolicy: pool.consolidation.policy,
        consolidateAfter: pool.consolidation.after,
        budgets: pool.consolidation.budgets.map((b) => ({ ...b, ...(b.reasons ? { reasons: [...b.reasons] } : {}) })),
      },
      limits: { cpu: String(pool.limits.cpu), memory: `${pool.limits.memoryGiB}Gi` },
      ...(pool.weight !== undefined ? { weight: pool.weight } : {}),
    },
  };
}

export interface KarpenterNodePoolsProps {
  readonly naming: Naming;
  readonly settings: KarpenterSettings;
  /** cluster stack output `karpenter_node_role_name`. */
  readonly nodeRoleName: string;
}

/**
 * The EC2NodeClass and NodePools as `kubernetes_manifest`s. They live in the workloads
 * stack, like the App Mesh objects, because kubernetes_manifest reads a CRD's schema while
 * planning and the mesh stack installs Karpenter's CRDs: in the same stack the first plan
 * would fail with "no matches for kind". Addresses: `kubernetes_manifest.karpenter-node-class`
 * and `kubernetes_manifest.karpenter-node-pool-<name>`.
 */
export class KarpenterNodePools extends Construct {
  readonly nodeClass: Manifest;
  readonly nodePools: Manifest[];

  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id);
    this.nodeClass = new Manifest(this, "node-class", { manifest: ec2NodeClassManifest(props.naming, props.settings, props.nodeRoleName) });
    this.nodeClass.overrideLogicalId("karpenter-node-class");
    this.nodePools = Object.keys(props.settings.nodePools)
      .sort()
      .map((name) => {
        const pool = new Manifest(this, `node-pool-${name}`, { manifest: nodePoolManifest(name, props.settings.nodePools[name]), dependsOn: [this.nodeClass] });
        pool.overrideLogicalId(`karpenter-node-pool-${name}`);
        return pool;
      });
  }
}
