import type { Contract, ContractValues } from "./index";

/** What the cluster stack hands the mesh and workloads stacks. */
export const CLUSTER_OUTPUTS = {
  clusterName: { name: "cluster_name", kind: "string", description: "EKS cluster name" },
  clusterEndpoint: { name: "cluster_endpoint", kind: "string", description: "Kubernetes API server endpoint" },
  clusterCertificateAuthorityData: { name: "cluster_certificate_authority_data", kind: "string", description: "Base64 CA bundle of the API server (public data, not a secret)" },
  clusterVersion: { name: "cluster_version", kind: "string", description: "Kubernetes version of the control plane" },
  oidcProviderArn: { name: "oidc_provider_arn", kind: "string", description: "IAM OIDC provider ARN for IRSA trust policies" },
  oidcIssuerUrl: { name: "oidc_issuer_url", kind: "string", description: "OIDC issuer URL of the cluster (https://...)" },
  clusterSecurityGroupId: { name: "cluster_security_group_id", kind: "string", description: "Security group EKS attaches to the control plane, nodes and Fargate pods" },
  nodeRoleArn: { name: "node_role_arn", kind: "string", description: "IAM role of the managed node group's instances" },
  podExecutionRoleArn: { name: "fargate_pod_execution_role_arn", kind: "string", description: "IAM role Fargate uses to pull images and write logs" },
  secretsKmsKeyArn: { name: "secrets_kms_key_arn", kind: "string", description: "KMS key that envelope-encrypts Kubernetes secrets" },
  clusterArn: { name: "cluster_arn", kind: "string", description: "ARN of the EKS cluster" },
  nodeGroupNames: { name: "node_group_names", kind: "list", description: "Names of the managed EC2 node groups (node label eks-mesh-platform/node-group)" },
  fargateProfileNames: { name: "fargate_profile_names", kind: "list", description: "Names of the Fargate profiles, in creation order" },
} as const satisfies Contract;

export type ClusterOutputs = ContractValues<typeof CLUSTER_OUTPUTS>;
