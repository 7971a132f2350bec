import type { Contract, ContractValues } from "./index";

/**
 * The public edge as the workloads stack publishes it: where browsers go, whether it is
 * HTTPS, and the certificate and web ACL that later edge paths (VPC Lattice HTTPS
 * listeners, the ECS ALB) reuse instead of making their own.
 */
export const EDGE_OUTPUTS = {
  publicUrl: { name: "public_url", kind: "string", description: "URL of the public services: https://<edge.domainName>, or http://<ALB hostname> under the insecure opt-out (\"\" when no service is public)" },
  publicEdgeTls: { name: "public_edge_tls", kind: "string", description: "How the public edge is served: \"https\", \"INSECURE-PLAIN-HTTP\" (edge.insecurePlainHttpForThrowawayEnvironment) or \"\" when no service is public" },
  edgeCertificateArn: { name: "edge_certificate_arn", kind: "string", description: "ACM certificate of edge.domainName used by the HTTPS listener (\"\" without HTTPS)" },
  edgeWebAclArn: { name: "edge_web_acl_arn", kind: "string", description: "AWS WAF web ACL on the public load balancer (\"\" when edge.waf is off)" },
} as const satisfies Contract;

export type EdgeOutputs = ContractValues<typeof EDGE_OUTPUTS>;
