import type { Contract, ContractValues } from "./index";

/**
 * What the mesh stack hands the workloads stack: the outputs every configuration has, then
 * each mesh implementation's own (stacks/mesh/<implementation>/). The stack publishes every
 * implementation's outputs, "" for the ones not installed and for switched-off add-ons, so
 * the contract's shape never depends on the config (a switch of implementation never
 * leaves the workloads stack reading an output that does not exist).
 */
export const MESH_COMMON_OUTPUTS = {
  meshName: { name: "mesh_name", kind: "string", description: "Name of the service mesh the workloads join" },
  controllerNamespace: { name: "controller_namespace", kind: "string", description: "Namespace of the mesh controller" },
  meshImplementation: { name: "mesh_implementation", kind: "string", description: "Mesh implementation installed (config mesh.implementation, e.g. \"appmesh\"); workloads render mesh routing for it" },
  loadBalancerControllerChartVersion: { name: "load_balancer_controller_chart_version", kind: "string", description: "aws-load-balancer-controller chart version installed (\"\" when switched off)" },
  metricsServerChartVersion: { name: "metrics_server_chart_version", kind: "string", description: "metrics-server chart version installed (\"\" when switched off)" },
  ingressClass: { name: "ingress_class", kind: "string", description: "IngressClass served by the AWS Load Balancer Controller (\"\" when switched off); its default target type is ip" },
} as const satisfies Contract;

/** AWS App Mesh's outputs (stacks/mesh/appmesh/). */
export const APPMESH_OUTPUTS = {
  appmeshControllerChartVersion: { name: "appmesh_controller_chart_version", kind: "string", description: "appmesh-controller chart version installed (its CRDs are at the same version)" },
  envoyImage: { name: "envoy_image", kind: "string", description: "Envoy image the controller injects as sidecar (repository:tag), for gateways the workloads run" },
  envoyTracing: { name: "envoy_tracing", kind: "string", description: "Envoy tracing provider (\"x-ray\", \"jaeger\", \"datadog\") or \"\" when off; with x-ray, pod roles need xray:PutTraceSegments" },
  sidecarInjectionLabel: { name: "sidecar_injection_label", kind: "string", description: "Namespace label key=value that turns on Envoy sidecar injection" },
} as const satisfies Contract;

/** Amazon VPC Lattice's outputs (stacks/mesh/vpc-lattice/). */
export const LATTICE_OUTPUTS = {
  gatewayControllerChartVersion: { name: "gateway_controller_chart_version", kind: "string", description: "aws-gateway-controller-chart version installed with vpc-lattice (\"\" with appmesh)" },
  serviceNetworkId: { name: "service_network_id", kind: "string", description: "VPC Lattice service network ID, associated with the VPC (\"\" with appmesh)" },
  serviceNetworkArn: { name: "service_network_arn", kind: "string", description: "VPC Lattice service network ARN; the workloads' Gateway of the same name points at it (\"\" with appmesh)" },
  latticeAccessLogGroup: {
    name: "lattice_access_log_group",
    kind: "string",
    description: "CloudWatch log group of the VPC Lattice service network's access logs, one entry per request (\"\" with appmesh or observability.logs.lattice.enabled false)",
  },
} as const satisfies Contract;

export const MESH_OUTPUTS = { ...MESH_COMMON_OUTPUTS, ...APPMESH_OUTPUTS, ...LATTICE_OUTPUTS } as const satisfies Contract;

export type MeshOutputs = ContractValues<typeof MESH_OUTPUTS>;
export type AppMeshOutputs = ContractValues<typeof APPMESH_OUTPUTS>;
export type LatticeOutputs = ContractValues<typeof LATTICE_OUTPUTS>;
