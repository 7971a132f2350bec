import type { EdgeCertificateRef } from "./public-edge";

/** The AWS Gateway API Controller's listener option that names the ACM certificate of an HTTPS listener. */
export const LATTICE_CERTIFICATE_OPTION = "application-networking.k8s.aws/certificate-arn";

/** A Gateway API listener (gateway.networking.k8s.io/v1 `spec.listeners[]`), as far as TLS needs it. */
export interface GatewayHttpsListener {
  readonly name: string;
  readonly protocol: "HTTPS";
  readonly port: number;
  readonly tls: { readonly mode: "Terminate"; readonly options: Record<string, string> };
}

/**
 * The HTTPS listener of a VPC Lattice Gateway that presents the edge's certificate: VPC
 * Lattice terminates TLS with it for the routes whose `hostnames` match its domain (the
 * controller reads the ARN from `tls.options`; Gateway API v1.5 accepts options instead of
 * certificateRefs). Not used yet: the Lattice routing (stacks/routing/vpc-lattice.ts) serves
 * plain-HTTP listeners between services and refuses mesh.tls; this is the listener that
 * wiring TLS for Lattice would put on its Gateway (docs/encryption.md, section 3).
 */
export function latticeHttpsListener(certificate: EdgeCertificateRef, name = "https"): GatewayHttpsListener {
  return { name, protocol: "HTTPS", port: 443, tls: { mode: "Terminate", options: { [LATTICE_CERTIFICATE_OPTION]: certificate.arn } } };
}
