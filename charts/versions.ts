/**
 * Every Helm chart the platform installs, pinned in one place. A config may override a
 * version (`mesh.controller.chartVersion`, `mesh.addons.*.chartVersion`); these are the
 * defaults, chosen and checked together with the values files next to this one.
 *
 * `crdSource` records where the chart's CRDs come from, for reviewers. The CRDs are applied
 * by Terraform from the chart package itself (see stacks/constructs/helm-addon.ts), so they
 * always match the version installed.
 */
export interface ChartPin {
  /** Helm repository URL. */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Version of the software the chart deploys at `version` (informational). */
  readonly appVersion: string;
  /** Folder under charts/ holding our values file. */
  readonly valuesDir: string;
  /** The chart's CRD folder at the git ref that published `version`, if it has CRDs. */
  readonly crdSource?: string;
}

export const EKS_CHARTS_REPOSITORY = "https://aws.github.io/eks-charts";

export const CHARTS = {
  /**
   * The last release of the App Mesh controller (App Mesh itself stopped operating on
   * 2026-09-30). eks-charts tags the whole repository, not charts: 1.13.3 was published
   * by commit f8c200d, tagged v0.0.215.
   */
  appmeshController: {
    repository: EKS_CHARTS_REPOSITORY,
    chart: "appmesh-controller",
    version: "1.13.3",
    appVersion: "1.13.3",
    valuesDir: "appmesh-controller",
    crdSource: "https://github.com/aws/eks-charts/tree/v0.0.215/stable/appmesh-controller/crds",
  },
  /** AWS Load Balancer Controller v3.5.0 (eks-charts commit 5239609, 2026-08-03). */
  loadBalancerController: {
    repository: EKS_CHARTS_REPOSITORY,
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    appVersion: "v3.5.0",
    valuesDir: "aws-load-balancer-controller",
    crdSource: "https://github.com/aws/eks-charts/tree/5239609/stable/aws-load-balancer-controller/crds",
  },
  /** metrics-server chart 3.13.1 (tag metrics-server-helm-chart-3.13.1). Has no CRDs. */
  metricsServer: {
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    chart: "metrics-server",
    version: "3.13.1",
    appVersion: "0.8.1",
    valuesDir: "metrics-server",
  },
  /**
   * Karpenter v1.14.1 (aws/karpenter-provider-aws, tag v1.14.1), an OCI chart. Its crds/
   * hold NodePool, NodeClaim, EC2NodeClass, NodeOverlay and CapacityBuffer. Installed only
   * with cluster.autoscaling "karpenter"; cluster.karpenter.chartVersion overrides it.
   */
  karpenter: {
    repository: "oci://public.ecr.aws/karpenter",
    chart: "karpenter",
    version: "1.14.1",
    appVersion: "1.14.1",
    valuesDir: "karpenter",
    crdSource: "https://github.com/aws/karpenter-provider-aws/tree/v1.14.1/charts/karpenter/crds",
  },
  /**
   * Fairwinds' vpa chart 5.0.0 (VPA 1.7.1, FairwindsOps/charts commit 5f478fc, 2026-08-11):
   * the long-kept VPA chart (Goldilocks builds on it), with each component switchable, so
   * only the recommender is installed. Installed only with cluster.verticalPodAutoscaler.
   */
  verticalPodAutoscaler: {
    repository: "https://charts.fairwinds.com/stable",
    chart: "vpa",
    version: "5.0.0",
    appVersion: "1.7.1",
    valuesDir: "vpa",
    crdSource: "https://github.com/FairwindsOps/charts/tree/5f478fc/stable/vpa/crds",
  },
} as const satisfies Record<string, ChartPin>;

export type ChartKey = keyof typeof CHARTS;

/**
 * The Envoy sidecar image the App Mesh controller 1.13.3 injects (its chart default). Set
 * explicitly so the mesh stack can publish it and the workloads can run gateways on the
 * same Envoy.
 */
export const APPMESH_ENVOY_IMAGE = {
  repository: "840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy",
  tag: "v1.29.12.3-prod",
} as const;
