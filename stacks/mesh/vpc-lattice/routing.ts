import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { DataKubernetesResource } from "@cdktf/provider-kubernetes/lib/data-kubernetes-resource";
import type { DeploymentV1SpecTemplateSpecContainer } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { ResolvedService } from "../../../apps/catalog";
import { SIGV4_PROXY_IMAGE } from "../../../facts/charts";
import { carriedByLattice, clusterHostname, latticePorts, latticeWarnings, signingProxyPorts } from "../../../config/schema/lattice";
import { LATTICE_GATEWAY_CLASS } from "./installer";
import type { MeshRouting } from "../routing";
import { warnOnce } from "../../synth/warnings";

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
export const LATTICE_API_VERSION = "application-networking.k8s.aws/v1alpha1";
/** Annotations the controller sets on a route (in one patch) once its Lattice service exists: the name Lattice assigned, and the service's ARN. */
export const LATTICE_DOMAIN_ANNOTATION = "application-networking.k8s.aws/lattice-assigned-domain-name";
export const LATTICE_SERVICE_ARN_ANNOTATION = "application-networking.k8s.aws/lattice-service-arn";

/** Pod-template annotation naming the mesh the pod was made for. */
export const MESH_ANNOTATION = "eks-mesh-platform/mesh";

/** The signing proxies listen inside the pod only, one port per signed dependency (config/schema/lattice.ts). */
export const SIGNING_PROXY = { namePrefix: "sigv4-", address: "127.0.0.1", user: 65532 } as const;

/**
 * Whether callers reach Lattice services over TLS (mesh.tls.mode "strict"): every route then
 * attaches to an HTTPS listener, which Lattice terminates with the certificate it manages for
 * the service's generated name. No listener is left in plain HTTP, so plain text is refused.
 */
export type LatticeTls = "off" | "strict";

/**
 * The Gateway listener a service's route attaches to: HTTPS under TLS, and always for gRPC
 * (Lattice serves gRPC only on HTTPS). An HTTPS listener with no `tls` block gets the
 * certificate Lattice manages for each service's own generated name (no ACM certificate,
 * no custom domain).
 */
export function listenerName(service: Pick<ResolvedService, "protocol" | "port">, tls: LatticeTls = "off"): string {
  return `${service.protocol === "grpc" || tls === "strict" ? "https" : "http"}-${service.port}`;
}

/** Everything that the IAM auth policy of a service admits: the roles of its callers, or nobody. */
export function latticeAuthPolicy(callerRoleArns: readonly string[]): object {
  const statement = callerRoleArns.length
    ? { Sid: "CatalogCallers", Effect: "Allow", Principal: { AWS: [...callerRoleArns] }, Action: "vpc-lattice-svcs:Invoke", Resource: "*" }
    : // Nobody in the catalog calls it: an auth policy must say something, so it refuses everyone.
      { Sid: "NoCatalogCallers", Effect: "Deny", Principal: "*", Action: "vpc-lattice-svcs:Invoke", Resource: "*" };
  return { Version: "2012-10-17", Statement: [statement] };
}

/** The Gateway API and Lattice custom resources of the platform (plain objects: what kubernetes_manifest receives). */
export function latticeGatewayManifests(meshName: string, gatewayNamespace: string, services: readonly ResolvedService[], tls: LatticeTls = "off"): { gatewayClass: object; gateway: object } {
  const carried = services.filter(carriedByLattice);
  const listeners = latticePorts(carried).flatMap((port) => {
    const onPort = carried.filter((s) => s.port === port);
    const kinds = [...new Set(onPort.map((s) => listenerName(s, tls)))];
    return kinds.map((name) => ({ name, protocol: name.startsWith("https") ? "HTTPS" : "HTTP", port, allowedRoutes: { namespaces: { from: "All" } } }));
  });
  return {
    gatewayClass: {
      apiVersion: GATEWAY_API_VERSION,
      kind: "GatewayClass",
      metadata: { name: LATTICE_GATEWAY_CLASS.name },
      spec: { controllerName: LATTICE_GATEWAY_CLASS.controllerName },
    },
    gateway: {
      apiVersion: GATEWAY_API_VERSION,
      kind: "Gateway",
      // The controller maps a Gateway to the service network of the same name (created by the mesh stack).
      metadata: { name: meshName, namespace: gatewayNamespace },
      spec: { gatewayClassName: LATTICE_GATEWAY_CLASS.name, listeners },
    },
  };
}

/** One carried service's route and target-group policies. */
export function latticeServiceManifests(service: ResolvedService, meshName: string, gatewayNamespace: string, tls: LatticeTls = "off"): { route: object; targetGroupPolicies: Record<string, object> } {
  const grpc = service.protocol === "grpc";
  const ns = service.namespace;
  const route = {
    apiVersion: GATEWAY_API_VERSION,
    kind: grpc ? "GRPCRoute" : "HTTPRoute",
    metadata: { name: service.name, namespace: ns },
    spec: {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: meshName, namespace: gatewayNamespace, sectionName: listenerName(service, tls) }],
      // One rule without matches: every path (or gRPC method), split by the catalog's weights.
      rules: [{ backendRefs: service.versions.map((v) => ({ group: "", kind: "Service", name: `${service.name}-${v.name}`, port: service.port, weight: v.weight })) }],
    },
  };
  const protocolVersion = service.protocol === "http" ? "HTTP1" : "HTTP2";
  const healthCheck = grpc
    ? { enabled: false }
    : {
        enabled: true,
        path: service.healthCheckPath,
        port: service.port,
        protocol: "HTTP",
        protocolVersion,
        intervalSeconds: 10,
        timeoutSeconds: 5,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        statusMatch: "200-399",
      };
  const targetGroupPolicies: Record<string, object> = {};
  for (const v of service.versions) {
    targetGroupPolicies[v.name] = {
      apiVersion: LATTICE_API_VERSION,
      kind: "TargetGroupPolicy",
      metadata: { name: `${service.name}-${v.name}`, namespace: ns },
      spec: {
        // Each version's own Service is a backend, so each is its own Lattice target group.
        // HTTP to the pods even under mesh TLS: they serve no TLS (docs/encryption.md, section 3).
        targetRef: { group: "", kind: "Service", name: `${service.name}-${v.name}` },
        protocol: "HTTP",
        protocolVersion,
        healthCheck,
      },
    };
  }
  return { route, targetGroupPolicies };
}

/** The IAMAuthPolicy of one carried service: only its catalog callers' roles may invoke it. */
export function latticeIamAuthPolicyManifest(service: ResolvedService, callerRoleArns: readonly string[]): object {
  return {
    apiVersion: LATTICE_API_VERSION,
    kind: "IAMAuthPolicy",
    metadata: { name: service.name, namespace: service.namespace },
    spec: {
      targetRef: { group: "gateway.networking.k8s.io", kind: service.protocol === "grpc" ? "GRPCRoute" : "HTTPRoute", name: service.name },
      policy: JSON.stringify(latticeAuthPolicy(callerRoleArns)),
    },
  };
}

/**
 * One signing proxy sidecar: listens on 127.0.0.1:<listenPort>, forwards every request to one
 * Lattice service (`upstream`, its assigned name and port), signed with the pod's IAM role
 * for vpc-lattice-svcs. Under mesh TLS it connects with HTTPS and verifies Lattice's
 * certificate against the CA bundle in its image (no `--no-verify-ssl`); the app's hop to it
 * stays on the pod's loopback. SigV4 takes the Authorization header, so the caller's own (a
 * user's bearer token, say) is passed on as X-Original-Authorization.
 */
export function signingProxyContainer(region: string, dependency: string, upstream: string, listenPort: number, tls: LatticeTls = "off"): DeploymentV1SpecTemplateSpecContainer {
  return {
    name: `${SIGNING_PROXY.namePrefix}${dependency}`,
    image: `${SIGV4_PROXY_IMAGE.repository}:${SIGV4_PROXY_IMAGE.tag}`,
    imagePullPolicy: "IfNotPresent",
    args: [
      "--name",
      "vpc-lattice-svcs",
      "--region",
      region,
      "--unsigned-payload",
      "--upstream-url-scheme",
      tls === "strict" ? "https" : "http",
      "--host",
      upstream,
      "--duplicate-headers",
      "Authorization",
      "--port",
      `${SIGNING_PROXY.address}:${listenPort}`,
    ],
    resources: { requests: { cpu: "25m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: String(SIGNING_PROXY.user),
      runAsGroup: String(SIGNING_PROXY.user),
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

/**
 * Amazon VPC Lattice through the Gateway API: the GatewayClass and one Gateway (named after
 * the service network), and per carried service an HTTPRoute (GRPCRoute for grpc) whose
 * backends are the versions' Services with the catalog's weights, a TargetGroupPolicy per
 * version with the catalog's health check, and (auth "iam") an IAMAuthPolicy that admits
 * only the roles of the services whose `dependsOn` names it. Callers get the Lattice name
 * of each dependency in place of its cluster DNS name in their env, and (auth "iam") a
 * signing proxy. What Lattice cannot carry is warned once per synth (config/schema/lattice.ts).
 */
export const vpcLatticeRouting: MeshRouting = {
  // Nothing is injected that needs root or NET_ADMIN (App Mesh's proxyinit did), so the
  // catalog's namespaces enforce "restricted": the app containers and the signing proxy meet it.
  namespaceLabels: () => ({ "pod-security.kubernetes.io/enforce": "restricted" }),

  render(scope, props) {
    const { meshName, services, settings, context } = props;
    const tls: LatticeTls = settings.tls.mode;
    for (const line of latticeWarnings(services, tls)) warnOnce(`WARNING: mesh.implementation "vpc-lattice": ${line}`);
    const iam = settings.lattice.auth === "iam";
    const gatewayNamespace = props.mesh.controllerNamespace;
    const byName = new Map(services.map((s) => [s.name, s] as const));

    const gw = latticeGatewayManifests(meshName, gatewayNamespace, services, tls);
    const gatewayClass = new Manifest(scope, "lattice-gateway-class", { manifest: gw.gatewayClass as Record<string, unknown> });
    gatewayClass.overrideLogicalId("lattice-gateway-class");
    const gateway = new Manifest(scope, "lattice-gateway", { manifest: gw.gateway as Record<string, unknown>, dependsOn: [gatewayClass] });
    gateway.overrideLogicalId("lattice-gateway");

    const routes = new Map<string, Manifest>();
    const domains = new Map<string, string>();
    const arns = new Map<string, string>();
    for (const s of services.filter(carriedByLattice)) {
      const m = latticeServiceManifests(s, meshName, gatewayNamespace, tls);
      const policies = Object.entries(m.targetGroupPolicies).map(([version, manifest]) => {
        const p = new Manifest(scope, `${s.name}-target-group-policy-${version}`, { manifest: manifest as Record<string, unknown>, dependsOn: props.dependsOn });
        p.overrideLogicalId(`${s.name}-target-group-policy-${version}`);
        return p;
      });
      const route = new Manifest(scope, `${s.name}-route`, {
        manifest: m.route as Record<string, unknown>,
        dependsOn: [gateway, ...policies, ...props.dependsOn],
        // Done when the controller has created the Lattice service and annotated its name.
        wait: { fields: { [`metadata.annotations["${LATTICE_DOMAIN_ANNOTATION}"]`]: "^.+$" } },
      });
      route.overrideLogicalId(`${s.name}-route`);
      routes.set(s.name, route);
      // Read back after the wait: the name Lattice assigned, handed to the callers.
      const reread = new DataKubernetesResource(scope, `${s.name}-route-status`, {
        apiVersion: GATEWAY_API_VERSION,
        kind: (m.route as { kind: string }).kind,
        metadata: { name: s.name, namespace: s.namespace },
        dependsOn: [route],
      });
      reread.overrideLogicalId(`${s.name}-route-status`);
      domains.set(s.name, `\${${reread.fqn}.object.metadata.annotations["${LATTICE_DOMAIN_ANNOTATION}"]}`);
      arns.set(s.name, `\${${reread.fqn}.object.metadata.annotations["${LATTICE_SERVICE_ARN_ANNOTATION}"]}`);
    }

    return {
      versionDependencies: () => [],
      // Lattice IAM auth needs an allow on both sides: the callee's auth policy names the
      // caller's role, and the caller's role allows invoking exactly its dependencies' services.
      sidecarStatements: (s) => {
        const deps = [...new Set(s.dependsOn)].filter((d) => arns.has(d));
        if (!iam || deps.length === 0) return [];
        return [{ sid: "InvokeItsLatticeDependencies", actions: ["vpc-lattice-svcs:Invoke"], resources: deps.map((d) => `${arns.get(d)}/*`) }];
      },
      podEnvironment: (s) => {
        const env: Record<string, string> = {};
        const proxies = iam ? signingProxyPorts(s, services) : new Map<string, number>();
        // The catalog's env names dependencies by their cluster DNS name. Under Lattice the
        // same variables point at the dependency's signing proxy in the pod (auth "iam"; the
        // proxy does TLS, the app keeps plain HTTP on loopback), or at the name Lattice
        // assigned (auth "none"; the port stays: listeners use the service's port; under TLS
        // an http:// URL becomes https://).
        for (const [key, value] of Object.entries(s.env)) {
          let rewritten = value;
          for (const dep of s.dependsOn) {
            const domain = domains.get(dep);
            if (!domain) continue;
            const host = clusterHostname(byName.get(dep)!);
            const port = proxies.get(dep);
            if (port !== undefined) {
              // The proxy listens in plain HTTP on the pod's loopback and does the TLS itself, so an
              // https:// URL becomes http:// to it (config/schema/lattice.ts refuses https:// with TLS off).
              rewritten = rewritten.replace(new RegExp(`(https?://)?${escapeRegExp(host)}(:\\d+)?`, "g"), (_m, scheme?: string) => `${scheme ? "http://" : ""}${SIGNING_PROXY.address}:${port}`);
            } else {
              if (tls === "strict") rewritten = rewritten.split(`http://${host}`).join(`https://${host}`);
              rewritten = rewritten.split(host).join(domain);
            }
          }
          if (rewritten !== value) env[key] = rewritten;
        }
        return env;
      },
      // Pods injected with App Mesh's Envoy before a switch must be re-created without it.
      podAnnotations: () => ({ [MESH_ANNOTATION]: "vpc-lattice" }),
      sidecars: (s) =>
        iam ? [...signingProxyPorts(s, services)].map(([dep, port]) => signingProxyContainer(context.region, dep, `${domains.get(dep)}:${byName.get(dep)!.port}`, port, tls)) : [],
      authorize: (roles) => {
        if (!iam) return;
        for (const s of services.filter(carriedByLattice)) {
          const callers = services.filter((c) => c.dependsOn.includes(s.name)).map((c) => roles.get(c.name)!);
          const policy = new Manifest(scope, `${s.name}-iam-auth-policy`, { manifest: latticeIamAuthPolicyManifest(s, callers) as Record<string, unknown>, dependsOn: [routes.get(s.name)!] });
          policy.overrideLogicalId(`${s.name}-iam-auth-policy`);
        }
      },
    };
  },
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
