import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { ResolvedService } from "../../../apps/catalog";
import { type MeshTlsMaterial, meshTlsStatements } from "./tls";
import type { MeshRouting } from "../routing";

export const APPMESH_API_VERSION = "appmesh.k8s.aws/v1beta2";

/** AWS name of a version's VirtualNode (the controller's `<name>_<namespace>` form, written explicitly). */
export function virtualNodeAwsName(service: Pick<ResolvedService, "name" | "namespace">, version: string): string {
  return `${service.name}-${version}_${service.namespace}`;
}

/** The name services call: the Kubernetes Service's cluster DNS name, which is also the VirtualService's AWS name. */
export function virtualServiceHostname(service: Pick<ResolvedService, "name" | "namespace">): string {
  return `${service.name}.${service.namespace}.svc.cluster.local`;
}

const ROUTE_KEY = { http: "httpRoute", http2: "http2Route", grpc: "grpcRoute", tcp: "tcpRoute" } as const;

/** The App Mesh custom resources of one service (plain objects: what kubernetes_manifest receives). */
export function appMeshServiceManifests(service: ResolvedService, byName: ReadonlyMap<string, ResolvedService>, tls?: MeshTlsMaterial): { virtualNodes: Record<string, object>; virtualRouter: object; virtualService: object } {
  const ns = service.namespace;
  const portMapping = { port: service.port, protocol: service.protocol };
  const healthCheck = {
    protocol: service.protocol,
    port: service.port,
    ...(service.protocol === "http" || service.protocol === "http2" ? { path: service.healthCheckPath } : {}),
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    intervalMillis: 10_000,
    timeoutMillis: 5_000,
  };
  const backends = [...new Set(service.dependsOn)].map((dep) => ({ virtualService: { virtualServiceRef: { name: dep, namespace: byName.get(dep)!.namespace } } }));
  const virtualNodes: Record<string, object> = {};
  for (const v of service.versions) {
    virtualNodes[v.name] = {
      apiVersion: APPMESH_API_VERSION,
      kind: "VirtualNode",
      metadata: { name: `${service.name}-${v.name}`, namespace: ns },
      spec: {
        awsName: virtualNodeAwsName(service, v.name),
        podSelector: { matchLabels: { app: service.name, version: v.name } },
        listeners: [{ portMapping, healthCheck, ...(tls ? { tls: appMeshListenerTls(tls.certificateArn(service.name, v.name)) } : {}) }],
        // Each version has its own Kubernetes Service, so DNS resolves to that version's pods only.
        serviceDiscovery: { dns: { hostname: `${service.name}-${v.name}.${ns}.svc.cluster.local` } },
        ...(backends.length ? { backends } : {}),
        ...(tls ? { backendDefaults: appMeshBackendDefaults(tls.certificateAuthorityArn) } : {}),
      },
    };
  }
  const weightedTargets = service.versions.map((v) => ({ virtualNodeRef: { name: `${service.name}-${v.name}`, namespace: ns }, weight: v.weight }));
  const retry = service.retryPolicy;
  const retryPolicy = retry && {
    maxRetries: retry.maxRetries,
    perRetryTimeout: { unit: "ms", value: retry.perRetryTimeoutMs },
    ...(service.protocol === "grpc" ? {} : { httpRetryEvents: retry.httpRetryEvents }),
    ...(retry.tcpRetryEvents ? { tcpRetryEvents: retry.tcpRetryEvents } : {}),
  };
  const route =
    service.protocol === "tcp"
      ? { action: { weightedTargets } }
      : // An empty gRPC match matches every gRPC service and method; HTTP matches every path.
        { match: service.protocol === "grpc" ? {} : { prefix: "/" }, action: { weightedTargets }, ...(retryPolicy ? { retryPolicy } : {}) };
  return {
    virtualNodes,
    virtualRouter: {
      apiVersion: APPMESH_API_VERSION,
      kind: "VirtualRouter",
      metadata: { name: service.name, namespace: ns },
      spec: {
        awsName: `${service.name}_${ns}`,
        listeners: [{ portMapping }],
        routes: [{ name: `${service.name}-route`, [ROUTE_KEY[service.protocol]]: route }],
      },
    },
    virtualService: {
      apiVersion: APPMESH_API_VERSION,
      kind: "VirtualService",
      metadata: { name: service.name, namespace: ns },
      spec: {
        awsName: virtualServiceHostname(service),
        provider: { virtualRouter: { virtualRouterRef: { name: service.name, namespace: ns } } },
      },
    },
  };
}

/** A listener that accepts TLS only, presenting the version's ACM private certificate. */
export function appMeshListenerTls(certificateArn: string): object {
  return { mode: "STRICT", certificate: { acm: { certificateARN: certificateArn } } };
}

/** Every backend: TLS enforced and the server certificate validated against the mesh CA. */
export function appMeshBackendDefaults(certificateAuthorityArn: string): object {
  return { clientPolicy: { tls: { enforce: true, validation: { trust: { acm: { certificateAuthorityARNs: [certificateAuthorityArn] } } } } } };
}

/** The App Mesh Mesh object: selects every namespace labelled `mesh: <meshName>`. */
export function appMeshMeshManifest(meshName: string): object {
  return {
    apiVersion: APPMESH_API_VERSION,
    kind: "Mesh",
    metadata: { name: meshName },
    spec: {
      awsName: meshName,
      namespaceSelector: { matchLabels: { mesh: meshName } },
      // ALLOW_ALL: pods call AWS APIs (DynamoDB) that are not mesh services.
      egressFilter: { type: "ALLOW_ALL" },
    },
  };
}

/**
 * AWS App Mesh through the App Mesh controller's CRDs (appmesh.k8s.aws/v1beta2): a Mesh, and
 * per service a VirtualNode per version, a VirtualRouter with one weighted route (and the
 * service's retry policy), and a VirtualService backed by the router. Every service gets a
 * router, even with one version, so adding a canary only adds a target.
 */
export const appMeshRouting: MeshRouting = {
  namespaceLabels: (meshName) => ({ mesh: meshName, "appmesh.k8s.aws/sidecarInjectorWebhook": "enabled" }),

  render(scope, props) {
    const byName = new Map(props.services.map((s) => [s.name, s] as const));
    const mesh = new Manifest(scope, "mesh", { manifest: appMeshMeshManifest(props.meshName), dependsOn: props.dependsOn });
    mesh.overrideLogicalId("mesh");
    const nodes = new Map<string, Manifest>();
    for (const service of props.services) {
      const m = appMeshServiceManifests(service, byName, props.tls);
      for (const [version, manifest] of Object.entries(m.virtualNodes)) {
        const node = new Manifest(scope, `${service.name}-virtual-node-${version}`, { manifest, dependsOn: [mesh, ...props.dependsOn] });
        node.overrideLogicalId(`${service.name}-virtual-node-${version}`);
        nodes.set(`${service.name}/${version}`, node);
      }
      const router = new Manifest(scope, `${service.name}-virtual-router`, { manifest: m.virtualRouter, dependsOn: [...service.versions.map((v) => nodes.get(`${service.name}/${v.name}`)!)] });
      router.overrideLogicalId(`${service.name}-virtual-router`);
      new Manifest(scope, `${service.name}-virtual-service`, { manifest: m.virtualService, dependsOn: [router] }).overrideLogicalId(`${service.name}-virtual-service`);
    }
    const { context, meshName, tls } = props;
    return {
      versionDependencies: (service, version) => [nodes.get(`${service}/${version}`)!],
      // Envoy fetches its configuration for exactly its own virtual node(s) (eks-charts #477).
      sidecarStatements: (service) => [
        {
          sid: "EnvoyReadsItsOwnMeshConfiguration",
          actions: ["appmesh:StreamAggregatedResources"],
          resources: service.versions.map((v) => context.arn("appmesh", `mesh/${meshName}/virtualNode/${virtualNodeAwsName(service, v.name)}`)),
        },
        ...(tls ? meshTlsStatements(tls, service) : []),
      ],
      // Callers use the Kubernetes Service names the catalog's env already holds; Envoy intercepts.
      podEnvironment: () => ({}),
      podAnnotations: () => ({}),
      sidecars: () => [],
      // App Mesh has no caller identity between services: backends only say where a node may send.
      authorize: () => undefined,
    };
  },
};
