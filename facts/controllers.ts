/**
 * Every controller the platform installs in the cluster: the namespace it runs in, the
 * service account its AWS identity trusts, its Helm release, and the image its chart runs
 * at the pinned version (facts/charts.ts). The stacks install them from here and the
 * config checks (a catalog namespace the platform owns, images a cluster without NAT
 * cannot pull) read the same objects.
 */

export interface ControllerFacts {
  readonly namespace: string;
  /** The service account an IRSA trust or Pod Identity association names. */
  readonly serviceAccount?: string;
  readonly releaseName?: string;
  /** Repository of the controller's image (its chart's default). */
  readonly image?: string;
  /** The IngressClass a load-balancer controller serves. */
  readonly ingressClass?: string;
}

/** The App Mesh controller (mesh.implementation "appmesh"); its namespace is created by the mesh stack. */
export const APPMESH_CONTROLLER = {
  namespace: "appmesh-system",
  serviceAccount: "appmesh-controller",
  releaseName: "appmesh-controller",
  image: "840364872350.dkr.ecr.us-west-2.amazonaws.com/amazon/appmesh-controller",
} as const satisfies ControllerFacts;

/** The AWS Gateway API Controller for VPC Lattice (the upstream defaults); its namespace is created by the mesh stack. */
export const GATEWAY_CONTROLLER = {
  namespace: "aws-application-networking-system",
  serviceAccount: "gateway-api-controller",
  releaseName: "gateway-api-controller",
  image: "public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller",
} as const satisfies ControllerFacts;

/** The AWS Load Balancer Controller, in kube-system like every EKS guide installs it; it serves the `alb` IngressClass. */
export const LOAD_BALANCER_CONTROLLER = {
  namespace: "kube-system",
  serviceAccount: "aws-load-balancer-controller",
  releaseName: "aws-load-balancer-controller",
  image: "public.ecr.aws/eks/aws-load-balancer-controller",
  ingressClass: "alb",
} as const satisfies ControllerFacts;

export const METRICS_SERVER = {
  namespace: "kube-system",
  releaseName: "metrics-server",
  image: "registry.k8s.io/metrics-server/metrics-server",
} as const satisfies ControllerFacts;

/** Karpenter (cluster.autoscaling "karpenter"); its IRSA trust (cluster stack) names this pair, its release (mesh stack) creates them. */
export const KARPENTER_CONTROLLER = {
  namespace: "karpenter",
  serviceAccount: "karpenter",
  releaseName: "karpenter",
  image: "public.ecr.aws/karpenter/controller",
} as const satisfies ControllerFacts;

/** The VPA recommender's release (Fairwinds' chart names its objects after it). */
export const VPA_RECOMMENDER = {
  namespace: "kube-system",
  releaseName: "vpa",
  image: "registry.k8s.io/autoscaling/vpa-recommender",
} as const satisfies ControllerFacts;

/** The amazon-cloudwatch-observability EKS add-on: where it runs, and as whom (its Fluent Bit DaemonSet uses the same service account). */
export const CLOUDWATCH_AGENT = { addonName: "amazon-cloudwatch-observability", namespace: "amazon-cloudwatch", serviceAccount: "cloudwatch-agent" } as const;

/** The vpc-cni add-on's DaemonSet (aws-node) and its service account. */
export const VPC_CNI = { namespace: "kube-system", serviceAccount: "aws-node" } as const;

/**
 * The namespaces the platform creates, with what creates them: a catalog may not use them.
 * The two for logs are refused whether or not those logs are on, so turning them on later
 * cannot collide with a service.
 */
export function platformNamespaces(c: { readonly implementation: string; readonly karpenter: boolean }): { readonly namespace: string; readonly owner: string }[] {
  return [
    c.implementation === "vpc-lattice"
      ? { namespace: GATEWAY_CONTROLLER.namespace, owner: "the mesh stack, for the AWS Gateway API Controller" }
      : { namespace: APPMESH_CONTROLLER.namespace, owner: "the mesh stack, for the App Mesh controller" },
    ...(c.karpenter ? [{ namespace: KARPENTER_CONTROLLER.namespace, owner: "the mesh stack, for Karpenter" }] : []),
    { namespace: "aws-observability", owner: "the mesh stack, for the ConfigMap Fargate's log router reads (observability.logs.fargate)" },
    { namespace: CLOUDWATCH_AGENT.namespace, owner: "the cluster stack's CloudWatch Observability add-on (observability.logs.ec2)" },
  ];
}
