import type { Contract, ContractValues } from "./index";

/**
 * The workloads stack's outputs (read by operators, not by another stack): the shared
 * public hostname, how traffic between services is encrypted, plus three outputs per
 * catalog service from serviceOutputs().
 */
export const WORKLOADS_OUTPUTS = {
  ingressHostname: { name: "ingress_hostname", kind: "string", description: "DNS name of the internet-facing ALB shared by the public services (\"\" when no service is public)" },
  meshTls: {
    name: "mesh_tls",
    kind: "string",
    description:
      "Encryption between services (mesh.tls): \"off\"; \"appmesh-envoy-tls\" (Envoy to Envoy, ACM private certificates, STRICT); or \"lattice-https\" (callers to VPC Lattice over HTTPS with Lattice's certificates, Lattice to pods over HTTP inside the VPC)",
  },
} as const satisfies Contract;

export type WorkloadsOutputs = ContractValues<typeof WORKLOADS_OUTPUTS>;

/** Terraform output name part for a service: `yelb-ui` → `yelb_ui`. */
export function outputKey(service: string): string {
  return service.replace(/-/g, "_");
}

/** The outputs of one service: `service_<name>_namespace`, `_role_arn`, `_repository_url`. */
export function serviceOutputs(service: string) {
  const key = outputKey(service);
  return {
    namespace: { name: `service_${key}_namespace`, kind: "string", description: `Namespace of ${service}` },
    roleArn: { name: `service_${key}_role_arn`, kind: "string", description: `IAM role of ${service}'s pods (IRSA)` },
    repositoryUrl: { name: `service_${key}_repository_url`, kind: "string", description: `ECR repository ${service}'s images are pushed to ("" when it uses only external images)` },
  } as const satisfies Contract;
}
