import { Fn, type TerraformStack } from "cdktf";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { ClusterOutputs } from "../contracts";
import { qualifyProviderSource } from "../synth/provider-source";

export interface KubernetesProvidersProps {
  /** The cluster stack's outputs, read from its state. */
  readonly cluster: Pick<ClusterOutputs, "clusterName" | "clusterEndpoint" | "clusterCertificateAuthorityData">;
  readonly region: string;
  /** Also configure the Helm provider. @default false */
  readonly helm?: boolean;
}

/**
 * Kubernetes (and Helm) providers for a stack that talks to the cluster. They
 * authenticate with a short-lived token from `aws eks get-token` at plan/apply time, so
 * no credential is written to cdk.tf.json or to state; the caller needs the AWS CLI and
 * an access entry on the cluster. The cluster is created by another stack, never this
 * one ("Kubernetes cluster unreachable", terraform-aws-eks #1234).
 */
export function configureKubernetesProviders(stack: TerraformStack, props: KubernetesProvidersProps): { kubernetes: KubernetesProvider; helm?: HelmProvider } {
  const { cluster, region } = props;
  const exec = {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "aws",
    args: ["eks", "get-token", "--cluster-name", cluster.clusterName, "--region", region, "--output", "json"],
  };
  const host = cluster.clusterEndpoint;
  const clusterCaCertificate = Fn.base64decode(cluster.clusterCertificateAuthorityData);

  const kubernetes = new KubernetesProvider(stack, "kubernetes", { host, clusterCaCertificate, exec: [exec] });
  qualifyProviderSource(stack, "kubernetes");
  if (!props.helm) return { kubernetes };

  // Helm provider v3: `kubernetes` is a nested attribute object and `exec` inside it an
  // object (not the v2 blocks), which the cdktf binding writes as `kubernetes.exec = {...}`.
  const helm = new HelmProvider(stack, "helm", { kubernetes: { host, clusterCaCertificate, exec } });
  qualifyProviderSource(stack, "helm");
  return { kubernetes, helm };
}
