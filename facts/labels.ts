/**
 * The Kubernetes labels and annotations the platform sets, and the rules that make them
 * (pods, nodes, namespaces). A Fargate selector, a node selector, a NodePool and a pod
 * template agree because they all build their labels here.
 */

/** Node label every managed or Karpenter node carries, and the one pods carry; value "ec2" or "fargate". */
export const COMPUTE_LABEL = "eks-mesh-platform/compute";
/** Node label naming the managed node group a node belongs to. */
export const NODE_GROUP_LABEL = "eks-mesh-platform/node-group";
/** Node label naming the Karpenter NodePool a node belongs to (the platform's own, next to COMPUTE_LABEL). */
export const NODE_POOL_LABEL = "eks-mesh-platform/node-pool";
/** Node label Karpenter puts on every node it launches. */
export const KARPENTER_NODEPOOL_LABEL = "karpenter.sh/nodepool";
/** The labels the platform itself puts on nodes: a user's node group or NodePool may not set them. */
export const PLATFORM_NODE_LABELS: readonly string[] = [COMPUTE_LABEL, NODE_GROUP_LABEL, NODE_POOL_LABEL];

/** Pod-template annotation naming the mesh the pod was made for (a switch re-creates every pod). */
export const MESH_ANNOTATION = "eks-mesh-platform/mesh";

/** Labels on every pod of a service version (what Fargate selectors and node selectors see). */
export function podLabels(service: { readonly name: string; readonly placement: "fargate" | "ec2" }, version: string): Record<string, string> {
  return { app: service.name, version, [COMPUTE_LABEL]: service.placement };
}

/** Labels the nodes of a managed node group carry: the group's own, then the platform's two. */
export function nodeGroupLabels(name: string, group: { readonly labels: Readonly<Record<string, string>> }): Record<string, string> {
  return { ...group.labels, [COMPUTE_LABEL]: "ec2", [NODE_GROUP_LABEL]: name };
}

/** The labels every node of a Karpenter NodePool carries: the pool's own, the platform's compute label (as on managed nodes), the pool's name. */
export function nodePoolLabels(name: string, pool: { readonly labels: Readonly<Record<string, string>> }): Record<string, string> {
  return { ...pool.labels, [COMPUTE_LABEL]: "ec2", [NODE_POOL_LABEL]: name };
}

/** Labels on the Kubernetes objects a stack creates for the platform (namespaces, node classes). */
export function platformObjectLabels(stack: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "terraform",
    "eks-mesh-platform/stack": stack,
    ...(component ? { "eks-mesh-platform/component": component } : {}),
  };
}

/** Pod Security Standards levels (kubernetes.io/docs/concepts/security/pod-security-standards). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** A namespace's Pod Security Admission labels: what it enforces, and what it warns or audits about. */
export function podSecurityLabels(levels: { readonly enforce: PodSecurityLevel; readonly warn?: PodSecurityLevel; readonly audit?: PodSecurityLevel }): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": levels.enforce,
    ...(levels.warn ? { "pod-security.kubernetes.io/warn": levels.warn } : {}),
    ...(levels.audit ? { "pod-security.kubernetes.io/audit": levels.audit } : {}),
  };
}

/** Taint effects as the EKS API spells them, and as Kubernetes does. */
export const TAINT_EFFECT = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" } as const;
export type EksTaintEffect = keyof typeof TAINT_EFFECT;
