/**
 * The service meshes the platform can install and the sidecars, ports, images and API
 * versions that come with them. The mesh stack installs, the workloads stack renders,
 * the config checks and the cost model size the same things because they read them here.
 */

/**
 * Mesh implementations: "appmesh" (AWS App Mesh, discontinued on 2026-09-30) and
 * "vpc-lattice" (Amazon VPC Lattice through the AWS Gateway API Controller). Each is a
 * folder under stacks/mesh/; a third is one more folder and one more value here.
 */
export const MESH_IMPLEMENTATIONS = ["appmesh", "vpc-lattice"] as const;
export type MeshImplementationId = (typeof MESH_IMPLEMENTATIONS)[number];

// ---------------------------------------------------------------------------------------
// App Mesh
// ---------------------------------------------------------------------------------------

export const APPMESH_API_VERSION = "appmesh.k8s.aws/v1beta2";

/** The Envoy sidecar in every App Mesh pod: its ports, its group, and what the cost model reserves for it. */
export const ENVOY = {
  /** Ports Envoy listens on inside the pod (ingress, egress, admin); a service may not use them. */
  ports: [15000, 15001, 9901],
  /** Its admin port serves the Prometheus stats. */
  stats: { container: "envoy", port: 9901, path: "/stats/prometheus" },
  /** Group ID of Envoy (uid/gid 1337): the pod's fsGroup, so it can read the IRSA token (app-mesh-controller #123). */
  fsGroup: 1337,
  /** Requests of the injected container, as the controller's chart sets them. */
  request: { cpuMillicores: 10, memoryMiB: 32 },
} as const;

/** App Mesh routes take at most 10 weighted targets (the Route CRD's maxItems). */
export const APPMESH_MAX_ROUTE_TARGETS = 10;

// ---------------------------------------------------------------------------------------
// VPC Lattice (Gateway API)
// ---------------------------------------------------------------------------------------

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
export const LATTICE_API_VERSION = "application-networking.k8s.aws/v1alpha1";

/** The GatewayClass the AWS Gateway API Controller serves (upstream files/controller-installation/gatewayclass.yaml). */
export const LATTICE_GATEWAY_CLASS = { name: "amazon-vpc-lattice", controllerName: "application-networking.k8s.aws/gateway-api-controller" } as const;

/** Annotations the controller sets on a route (in one patch) once its Lattice service exists: the name Lattice assigned, and the service's ARN. */
export const LATTICE_DOMAIN_ANNOTATION = "application-networking.k8s.aws/lattice-assigned-domain-name";
export const LATTICE_SERVICE_ARN_ANNOTATION = "application-networking.k8s.aws/lattice-service-arn";

/** Name of the AWS-managed prefix list of the VPC Lattice data plane in a region. */
export function latticePrefixListName(region: string): string {
  return `com.amazonaws.${region}.vpc-lattice`;
}

/** The signing proxies: one per signed dependency, listening inside the pod only, from `basePort` up. */
export const SIGNING_PROXY = {
  namePrefix: "sigv4-",
  address: "127.0.0.1",
  basePort: 8005,
  user: 65532,
  request: { cpuMillicores: 25, memoryMiB: 32 },
  limit: { cpuMillicores: 100, memoryMiB: 64 },
} as const;

/** A service's cluster DNS name: what callers use today, and what Lattice replaces in their env. */
export function clusterHostname(service: { readonly name: string; readonly namespace: string }): string {
  return `${service.name}.${service.namespace}.svc.cluster.local`;
}
