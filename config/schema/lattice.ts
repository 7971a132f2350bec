import type { z } from "zod";
import { type CatalogOrigin, catalogLocation, type ResolvedCatalog, type ResolvedService } from "../../apps/catalog";
import { clusterHostname, SIGNING_PROXY } from "../../facts/mesh";

/**
 * What Amazon VPC Lattice can carry of the catalog, decided once here so the mesh stack
 * (security-group ports), the workloads' routing and the config checks agree.
 *
 * - http, http2 and grpc services become Lattice services (HTTPRoute / GRPCRoute) with the
 *   catalog's version weights.
 * - tcp services are not carried: Lattice serves TCP only as TLS passthrough (TLSRoute, an
 *   experimental Gateway API kind), which redis and postgres clients do not speak. They keep
 *   working over their plain Kubernetes Service, which the warning says.
 */
export function carriedByLattice(service: Pick<ResolvedService, "protocol">): boolean {
  return service.protocol !== "tcp";
}

/** The dependencies of a caller that Lattice carries, in `dependsOn` order, each once. */
function latticeDependencies(service: Pick<ResolvedService, "dependsOn">, services: readonly ResolvedService[]): ResolvedService[] {
  return [...new Set(service.dependsOn)].flatMap((d) => services.filter((o) => o.name === d && carriedByLattice(o)));
}

/** Whether any env value of a caller names the dependency by its cluster DNS name. */
function envNames(service: Pick<ResolvedService, "env">, dep: ResolvedService): boolean {
  return Object.values(service.env).some((v) => v.includes(clusterHostname(dep)));
}

/**
 * The Lattice dependencies of a caller that its env names by cluster DNS name, in
 * `dependsOn` order: each gets its own signing proxy, which the env is pointed at.
 */
export function signedDependencies(service: Pick<ResolvedService, "dependsOn" | "env">, services: readonly ResolvedService[]): string[] {
  return latticeDependencies(service, services)
    .filter((dep) => envNames(service, dep))
    .map((dep) => dep.name);
}

/** The local port of each signed dependency's proxy. */
export function signingProxyPorts(service: Pick<ResolvedService, "dependsOn" | "env">, services: readonly ResolvedService[]): Map<string, number> {
  return new Map(signedDependencies(service, services).map((d, i) => [d, SIGNING_PROXY.basePort + i]));
}

/** The Lattice dependency an env value names with an https:// URL, if any. */
function httpsDependency(service: Pick<ResolvedService, "dependsOn">, services: readonly ResolvedService[], value: string): string | undefined {
  return latticeDependencies(service, services).find((dep) => dep.protocol !== "grpc" && value.includes(`https://${clusterHostname(dep)}`))?.name;
}

/** Ports the Lattice data plane must reach pods on: one per distinct port of the carried services. */
export function latticePorts(services: readonly Pick<ResolvedService, "protocol" | "port">[]): number[] {
  return [...new Set(services.filter(carriedByLattice).map((s) => s.port))].sort((a, b) => a - b);
}

/**
 * Catalog features Lattice cannot express, refused where the result would be wrong: a tcp
 * service with several weighted versions would be split by pod count over its plain
 * Service, not by the catalog's weights. Messages name the catalog, the service and the field.
 */
export function latticeRefusals(services: readonly ResolvedService[], origin: CatalogOrigin, auth: "iam" | "none" = "iam", tls: "off" | "strict" = "strict"): string[] {
  const out: string[] = [];
  for (const s of services) {
    if (tls === "off") {
      // With TLS off every Lattice listener is plain HTTP: an https:// URL would fail its handshake, or (signed) be carried in clear.
      for (const [key, value] of Object.entries(s.env)) {
        const dep = httpsDependency(s, services, value);
        if (dep) {
          out.push(
            `${catalogLocation(origin, ["services", s.name])}.env.${key}: "${value}" asks for HTTPS to ${dep}, but with mesh.tls.mode "off" its VPC Lattice listener is plain HTTP; set mesh.tls.mode "strict" (the default with vpc-lattice, no extra cost) or use http://`,
          );
        }
      }
    }
    const proxyPorts = [...signingProxyPorts(s, services).values()];
    if (auth === "iam" && proxyPorts.includes(s.port)) {
      const range = proxyPorts.length > 1 ? `ports ${proxyPorts[0]}-${proxyPorts[proxyPorts.length - 1]}` : `port ${proxyPorts[0]}`;
      out.push(
        `${catalogLocation(origin, ["services", s.name])}.port: ${s.port} is taken in its pods by a SigV4 signing proxy (${range}, one per Lattice dependency its env names), so the service could not start; use another port, or mesh.lattice.auth "none"`,
      );
    }
    if (!carriedByLattice(s) && s.versions.length > 1) {
      out.push(
        `${catalogLocation(origin, ["services", s.name])}.versions: mesh.implementation "vpc-lattice" cannot split protocol "${s.protocol}" traffic by weight (Lattice carries TCP only as TLS passthrough), so the weights ${s.versions.map((v) => `${v.name}=${v.weight}`).join(", ")} would be ignored; keep one version of this service or use mesh.implementation "appmesh"`,
      );
    }
  }
  return out;
}

/**
 * Catalog features Lattice carries only more weakly: warned once per synth, never dropped
 * silently. Each line names the service and the field.
 */
export function latticeWarnings(services: readonly ResolvedService[], tls: "off" | "strict" = "strict"): string[] {
  const out: string[] = [];
  if (tls === "off" && services.some((s) => carriedByLattice(s) && s.protocol !== "grpc")) {
    out.push(
      'mesh.tls.mode: "off" leaves calls between services in plain HTTP from caller to Lattice; "strict" (the default with vpc-lattice) puts every service on an HTTPS listener with a certificate Lattice manages, at no extra cost.',
    );
  }
  for (const s of services) {
    if (!carriedByLattice(s)) {
      const callers = services.filter((c) => c.dependsOn.includes(s.name)).map((c) => c.name);
      out.push(
        `${s.namespace}/${s.name}.protocol: "${s.protocol}" is not carried by VPC Lattice; it keeps working over its plain Kubernetes Service ${s.name}.${s.namespace}.svc.cluster.local:${s.port}` +
          (callers.length ? ` (callers: ${callers.join(", ")}), without IAM auth between services` : "") +
          ".",
      );
    }
    const unnamed = latticeDependencies(s, services).filter((dep) => !envNames(s, dep));
    if (unnamed.length) {
      out.push(
        `${s.namespace}/${s.name}.dependsOn: no env value of ${s.name} names ${unnamed.map(clusterHostname).join(", ")}, so the platform cannot hand it the Lattice name; calls the app makes to the cluster name bypass VPC Lattice (no weights, no IAM auth). Put the URL in the service's env (it is rewritten to the Lattice name) or read it from the route's ${"application-networking.k8s.aws/lattice-assigned-domain-name"} annotation.`,
      );
    }
    if (s.retryPolicy) {
      const r = s.retryPolicy;
      out.push(
        `${s.namespace}/${s.name}.retryPolicy: VPC Lattice has no route retries or per-try timeout, so ${r.maxRetries} retries of ${r.perRetryTimeoutMs} ms on ${r.httpRetryEvents.join(", ")} are not applied; each request is tried once (Lattice's own request timeout applies), so callers should retry.`,
      );
    }
    if (s.protocol === "grpc") {
      out.push(
        `${s.namespace}/${s.name}.healthCheckPath: VPC Lattice health checks are HTTP only, so gRPC targets are not health-checked by Lattice; Kubernetes readiness still removes unready pods from the target group. Its callers reach it over HTTPS (Lattice serves gRPC only there), which the signing proxies (HTTP/1.1) do not carry: they must sign with the AWS SDK.`,
      );
    }
  }
  return out;
}

/** Adds the refusals to the config's issues when the mesh is "vpc-lattice" (wired in config/schema/index.ts). */
export function checkLattice(
  config: {
    readonly mesh: { readonly implementation: string; readonly lattice: { readonly auth: "iam" | "none" }; readonly tls?: { readonly mode?: "off" | "strict"; readonly certificateAuthorityArn?: string } };
    readonly workloads: { readonly origin: CatalogOrigin; readonly app: ResolvedCatalog };
  },
  ctx: z.RefinementCtx,
): void {
  if (config.mesh.implementation !== "vpc-lattice") return;
  if (config.mesh.tls?.certificateAuthorityArn !== undefined) {
    // The Private CA issues App Mesh's Envoy certificates; Lattice's HTTPS listeners use certificates Lattice manages.
    ctx.addIssue({
      code: "custom",
      path: ["mesh", "tls", "certificateAuthorityArn"],
      message:
        'names the AWS Private CA that issues App Mesh\'s Envoy certificates; with mesh.implementation "vpc-lattice", TLS uses the certificates Lattice manages for its HTTPS listeners and needs no CA; remove it (docs/encryption.md, section 3)',
    });
  }
  for (const message of latticeRefusals(config.workloads.app.services, config.workloads.origin, config.mesh.lattice.auth, config.mesh.tls?.mode)) ctx.addIssue({ code: "custom", path: ["workloads", "catalog"], message });
}
