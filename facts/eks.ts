/** Amazon EKS: the Kubernetes versions, add-on builds, log types, AMI types and limits the cluster stack is built from. */

/** Control-plane log types EKS can send to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
/** Log types that can never be turned off: who called the API, what they did, how they authenticated. */
export const REQUIRED_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/** The EKS-managed add-ons this stack installs, by their EKS add-on name. */
export const CORE_ADDONS = ["vpc-cni", "kube-proxy", "coredns"] as const;
export type CoreAddon = (typeof CORE_ADDONS)[number];

/** The default Kubernetes version; its add-on builds are its row in facts/eks-versions.ts. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

/**
 * The EKS Kubernetes release calendar: when each minor's standard and extended support end
 * (14 + 12 months after its EKS release). EKS creates clusters only on minors still in one of
 * the two, so a minor past its extended support is refused at synth. From the EKS user guide,
 * "Understand the Kubernetes version lifecycle on EKS", release calendar
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), as of EKS_CALENDAR_AS_OF.
 */
export const EKS_CALENDAR_AS_OF = "2026-12-02";
export const EKS_KUBERNETES_CALENDAR: Readonly<Record<string, { readonly endOfStandardSupport: string; readonly endOfExtendedSupport: string }>> = {
  "1.29": { endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
  "1.30": { endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  "1.31": { endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  "1.32": { endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  "1.33": { endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  "1.34": { endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  "1.35": { endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
};
/** The oldest minor of the calendar; anything older left EKS before the calendar begins. */
export const OLDEST_CALENDAR_MINOR = "1.29";

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
