/**
 * What moves with `cluster.kubernetesVersion`: the EKS add-on builds published for each
 * Kubernetes minor. One row per minor config accepts; an upgrade is one config change
 * because every version-bound default is read from here (config/schema/cluster.ts).
 *
 * Sources, taken 2026-12-02 (EKS_VERSIONS_AS_OF):
 *  - kube-proxy, coredns: EKS user guide "latest version" tables, managing-kube-proxy.md and
 *    managing-coredns.md (https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html,
 *    .../managing-coredns.html, the snapshot that lists 1.35 → v1.35.3-eksbuild.2).
 *  - vpc-cni: EKS user guide, managing-vpc-cni (one build for every supported minor).
 *  - eks-pod-identity-agent: the EKS user guide publishes no per-minor table; taken from
 *    cdk-eks-blueprints lib/addons/eks-pod-identity-agent/index.ts (versionMap, which it
 *    fills from `aws eks describe-addon-versions`): v1.3.10-eksbuild.2 for 1.31–1.35.
 *  - amazon-cloudwatch-observability: not published per minor; v6.4.0-eksbuild.1 (facts/eks.ts,
 *    helm-charts RELEASE_NOTES v6.4.0) for every row. NOT confirmed per minor with
 *    describe-addon-versions.
 * Not in the table (not sourced in time): the managed node groups' AMI release version and a
 * pinned Karpenter alias; node groups follow the control plane's minor (EKS picks the latest
 * AMI release for it) and Karpenter's `al2023@latest` resolves for the cluster's minor.
 * Refresh: `aws eks describe-addon-versions --kubernetes-version <minor> --addon-name <name>`
 * (docs/upgrade-command.md, "Before you start").
 */
import { CORE_ADDONS, type CoreAddon, DEFAULT_CLOUDWATCH_ADDON_VERSION, DEFAULT_KUBERNETES_VERSION, EKS_KUBERNETES_CALENDAR } from "./eks";

export const EKS_VERSIONS_AS_OF = "2026-12-02";

/** The EKS-managed add-ons whose build is per minor. */
export const VERSIONED_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "amazon-cloudwatch-observability"] as const;
export type VersionedAddon = (typeof VERSIONED_ADDONS)[number];

export interface EksMinorVersions {
  /** End of standard / extended support (facts/eks.ts calendar). */
  readonly endOfStandardSupport: string;
  readonly endOfExtendedSupport: string;
  readonly addons: Readonly<Record<VersionedAddon, string>>;
}

const CNI = "v1.21.1-eksbuild.7";
const POD_IDENTITY_AGENT = "v1.3.10-eksbuild.2";
const CLOUDWATCH = DEFAULT_CLOUDWATCH_ADDON_VERSION;

const row = (minor: string, kubeProxy: string, coredns: string): EksMinorVersions => ({
  endOfStandardSupport: EKS_KUBERNETES_CALENDAR[minor].endOfStandardSupport,
  endOfExtendedSupport: EKS_KUBERNETES_CALENDAR[minor].endOfExtendedSupport,
  addons: { "vpc-cni": CNI, "kube-proxy": kubeProxy, coredns, "eks-pod-identity-agent": POD_IDENTITY_AGENT, "amazon-cloudwatch-observability": CLOUDWATCH },
});

/** Per minor: the add-on builds published for it. */
export const EKS_VERSIONS: Readonly<Record<string, EksMinorVersions>> = {
  "1.32": row("1.32", "v1.32.13-eksbuild.5", "v1.11.4-eksbuild.33"),
  "1.33": row("1.33", "v1.33.10-eksbuild.2", "v1.13.2-eksbuild.4"),
  "1.34": row("1.34", "v1.34.6-eksbuild.2", "v1.13.2-eksbuild.4"),
  "1.35": row("1.35", "v1.35.3-eksbuild.2", "v1.13.2-eksbuild.4"),
};

/** The core add-ons' builds for the default Kubernetes version. */
export const DEFAULT_ADDON_VERSIONS: Readonly<Record<CoreAddon, string>> = Object.fromEntries(
  CORE_ADDONS.map((name) => [name, EKS_VERSIONS[DEFAULT_KUBERNETES_VERSION].addons[name]]),
) as Record<CoreAddon, string>;
