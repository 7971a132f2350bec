import type { PublicEdgeTls } from "../../../config/schema/edge";

/** The load balancer controller's annotation prefix. */
const ALB = "alb.ingress.kubernetes.io";

export interface EdgeAnnotationInput {
  readonly tls: PublicEdgeTls;
  /** Certificate for the HTTPS listener (a token from the certificate or the configured ARN). */
  readonly certificateArn?: string;
  /** WAF web ACL to associate, when enabled. */
  readonly webAclArn?: string;
  /**
   * The pods' listeners accept TLS only (mesh TLS): the ALB must speak HTTPS to its targets.
   * The ALB does not verify target certificates, so the mesh's private CA needs no trust here.
   */
  readonly targetsRequireTls: boolean;
}

/**
 * Annotations the AWS Load Balancer Controller reads from every public Ingress of the
 * shared group (they must agree across the group, so all public services get the same):
 * HTTPS on 443 with the certificate and TLS policy, 80 redirected to 443, HSTS as a
 * listener attribute (the ALB adds the header to every HTTPS response), and the WAF.
 */
export function edgeIngressAnnotations(input: EdgeAnnotationInput): Record<string, string> {
  const out: Record<string, string> = {};
  const { tls } = input;
  if (tls.mode === "https") {
    if (!input.certificateArn) throw new Error("edgeIngressAnnotations: an HTTPS edge needs its certificate ARN");
    out[`${ALB}/listen-ports`] = JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]);
    // Port 80 answers every request with a 301 to https:// and serves nothing else.
    out[`${ALB}/ssl-redirect`] = "443";
    out[`${ALB}/certificate-arn`] = input.certificateArn;
    out[`${ALB}/ssl-policy`] = tls.tlsPolicy;
    if (tls.hstsHeader) {
      // A stringMap annotation (key=value pairs split on ","): the header value holds no comma.
      out[`${ALB}/listener-attributes.HTTPS-443`] = `routing.http.response.strict_transport_security.header_value=${tls.hstsHeader}`;
    }
  } else {
    // The explicit opt-out: plain HTTP only, said in the annotation as well as in the synth warning.
    out[`${ALB}/listen-ports`] = JSON.stringify([{ HTTP: 80 }]);
  }
  if (input.webAclArn) out[`${ALB}/wafv2-acl-arn`] = input.webAclArn;
  if (input.targetsRequireTls) {
    out[`${ALB}/backend-protocol`] = "HTTPS";
    out[`${ALB}/healthcheck-protocol`] = "HTTPS";
  }
  return out;
}
