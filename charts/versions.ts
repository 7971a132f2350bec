/**
 * Every Helm chart the platform installs, pinned in one place. A config may override a
 * version (`mesh.controller.chartVersion`, `mesh.addons.*.chartVersion`); these are the
 * defaults, chosen and checked together with the values files next to this one.
 *
 * `crdSource` records where the chart's CRDs come from, for reviewers. The CRDs are applied
 * by Terraform from the chart package itself (see stacks/addons/helm-addon.ts), so they
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
  /**
   * AWS Gateway API Controller for Amazon VPC Lattice v2.1.3 (aws/aws-application-networking-k8s,
   * tag v2.1.3), published as an OCI chart whose version carries the "v". Only used with
   * mesh.implementation "vpc-lattice". Its chart ships the controller's own CRDs, not the
   * Gateway API ones (see GATEWAY_API below).
   */
  gatewayController: {
    repository: "oci://public.ecr.aws/aws-application-networking-k8s",
    chart: "aws-gateway-controller-chart",
    version: "v2.1.3",
    appVersion: "v2.1.3",
    valuesDir: "aws-gateway-controller",
    crdSource: "https://github.com/aws/aws-application-networking-k8s/tree/v2.1.3/helm/crds",
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

/**
 * The Kubernetes Gateway API CRDs (standard channel) the AWS Gateway API Controller v2.1.3
 * is built against. Upstream distributes them only as release files, not in a chart (the
 * controller's deploy guide says to install them first), so Terraform downloads each file
 * at the pinned tag and refuses it unless its SHA-256 is the one pinned here; changing
 * `version` and the digests upgrades the CRDs in the next plan. The digests are those of
 * config/crd/standard/gateway.networking.k8s.io_<plural>.yaml at the tag (a test checks
 * them against the same files in the pinned Go module sigs.k8s.io/gateway-api, ops/kubernetes/pins.json).
 * Only the five kinds the controller uses are installed; the standard channel's other
 * kinds (BackendTLSPolicy, ListenerSet, TLSRoute) are not used here.
 */
export const GATEWAY_API = {
  version: "v1.5.0",
  channel: "standard",
  baseUrl: "https://raw.githubusercontent.com/kubernetes-sigs/gateway-api",
  crds: {
    gatewayclasses: "7b84226d27349bf2a15101242197aa7071962d4721714c1c7aabba57c57f81d1",
    gateways: "2377a440b259c47d0fe5c052b5cc0fb7d2a497718392b1043a985b4bdb5a3d9f",
    httproutes: "b53571cb0ebec76f61e42ef634f10dd53988982ecbc23f137f61ae560978fb60",
    grpcroutes: "62c22830b25e30ef5fd725f95d04d1f38e037a947d557115df83fa41dac20a79",
    referencegrants: "b777920af820b1a61e0cf9f141f14c09f61338d848abfed177ade3629481c4fe",
  },
} as const;

/** Download URL of one Gateway API CRD file at the pinned tag. */
export function gatewayApiCrdUrl(plural: keyof typeof GATEWAY_API.crds): string {
  return `${GATEWAY_API.baseUrl}/${GATEWAY_API.version}/config/crd/${GATEWAY_API.channel}/gateway.networking.k8s.io_${plural}.yaml`;
}

/**
 * AWS SigV4 signing proxy (awslabs/aws-sigv4-proxy, release 1.11): the sidecar that signs
 * a caller's requests to VPC Lattice services with the pod's own IAM role, so Lattice IAM
 * auth policies can name the caller. Pinned by tag (the release's image tag).
 */
export const SIGV4_PROXY_IMAGE = { repository: "public.ecr.aws/aws-observability/aws-sigv4-proxy", tag: "1.11" } as const;
