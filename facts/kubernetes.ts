/**
 * Kubernetes' own rules for names and labels (k8s.io/apimachinery/pkg/util/validation),
 * as predicates: the config, the catalog and the cluster checks all use these, so no field
 * accepts what another refuses.
 */

/** RFC 1123 label: what Kubernetes accepts as a namespace or Service name (at most 63). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A label name, or a label value when not empty: alphanumeric at both ends, `-`, `_`, `.` inside. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function isDns1123Label(s: string): boolean {
  return s.length >= 1 && s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length >= 1 && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length >= 1 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A label value: empty, or at most 63 characters, alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

/** Node label keys the kubelet may set in the kubernetes.io and k8s.io namespaces (the NodeRestriction admission plugin). */
const KUBELET_ALLOWED_LABELS = [
  "kubernetes.io/hostname",
  "kubernetes.io/arch",
  "kubernetes.io/os",
  "beta.kubernetes.io/instance-type",
  "node.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
];
const KUBELET_ALLOWED_PREFIXES = ["kubelet.kubernetes.io/", "node.kubernetes.io/"];

/** True for a node label in a namespace Kubernetes reserves, which the kubelet refuses to register with. */
export function isReservedNodeLabel(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return false;
  const prefix = key.slice(0, slash);
  const reserved = prefix === "kubernetes.io" || prefix.endsWith(".kubernetes.io") || prefix === "k8s.io" || prefix.endsWith(".k8s.io");
  return reserved && !KUBELET_ALLOWED_LABELS.includes(key) && !KUBELET_ALLOWED_PREFIXES.some((p) => key.startsWith(p));
}

/** Namespaces Kubernetes itself owns: a catalog service may not live there. */
export function isKubernetesOwnedNamespace(namespace: string): boolean {
  return namespace === "default" || namespace.startsWith("kube-");
}
