/** Amazon EKS: the Kubernetes versions, add-on builds, log types, AMI types and limits the cluster stack is built from. */

/** Control-plane log types EKS can send to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
/** Log types that can never be turned off: who called the API, what they did, how they authenticated. */
export const REQUIRED_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/** The EKS-managed add-ons this stack installs, by their EKS add-on name. */
export const CORE_ADDONS = ["vpc-cni", "kube-proxy", "coredns"] as const;
export type CoreAddon = (typeof CORE_ADDONS)[number];

/**
 * Default add-on builds for the default Kubernetes version (1.35), from the EKS user guide's
 * "latest version" tables. Move them with
 * `aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name <name>`.
 */
export const DEFAULT_KUBERNETES_VERSION = "1.35";
export const DEFAULT_ADDON_VERSIONS: Record<CoreAddon, string> = {
  "vpc-cni": "v1.21.1-eksbuild.7",
  "kube-proxy": "v1.35.3-eksbuild.2",
  coredns: "v1.13.2-eksbuild.4",
};

/** The most CIDRs EKS accepts for the public endpoint (not adjustable). */
export const MAX_PUBLIC_ACCESS_CIDRS = 40;


export const AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"] as const;
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;

/**
 * amazon-cloudwatch-observability add-on build for the default Kubernetes version. From the
 * add-on's Helm chart release notes (aws-observability/helm-charts RELEASE_NOTES, v6.4.0 of
 * 2026-07-21; v6.2.0 made the OpenTelemetry pipeline opt-in again, so this build publishes
 * the Classic `ContainerInsights` metrics the alarms use). EKS builds carry `-eksbuild.N`;
 * confirm with `aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name amazon-cloudwatch-observability`.
 */
export const DEFAULT_CLOUDWATCH_ADDON_VERSION = "v6.4.0-eksbuild.1";
