import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { DeploymentV1SpecTemplateSpecContainer } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { ResolvedService } from "../../apps/catalog";
import type { MeshImplementation, MeshSettings } from "../../config/schema/mesh";
import type { MeshOutputs } from "../contracts";
import type { AwsContext } from "../constructs/aws-context";
import type { MeshTlsMaterial } from "./appmesh/tls";
import { appMeshRouting } from "./appmesh/routing";
import { vpcLatticeRouting } from "./vpc-lattice/routing";

/**
 * Mesh routing behind one interface: the catalog (versions and weights, dependencies,
 * health checks) rendered to one implementation's traffic policy. App Mesh
 * (./appmesh.ts) and VPC Lattice (./vpc-lattice.ts) are two implementations; a third is one
 * more file and one more entry in MESH_ROUTING, never a change to the catalog or to the
 * Kubernetes objects the workloads stack renders.
 */
export interface MeshRoutingProps {
  /** Mesh name (the mesh stack's `mesh_name` output). */
  readonly meshName: string;
  /** The mesh stack's outputs (controller namespace, service network, ...). */
  readonly mesh: MeshOutputs;
  /** The validated mesh settings (implementation-specific switches). */
  readonly settings: MeshSettings;
  /** Every service of the catalog (backends may live in other namespaces). */
  readonly services: readonly ResolvedService[];
  readonly context: AwsContext;
  /** Namespace objects the mesh objects need first. */
  readonly dependsOn: ITerraformDependable[];
  /** TLS between sidecars (config mesh.tls), when on. @default plain text */
  readonly tls?: MeshTlsMaterial;
}

export interface RenderedMeshRouting {
  /** Per service and version: what its pods must wait for (the injector needs a matching VirtualNode). */
  versionDependencies(service: string, version: string): ITerraformDependable[];
  /** IAM statements the service's own role needs for the mesh (its sidecar's configuration, ...). */
  sidecarStatements(service: ResolvedService): DataAwsIamPolicyDocumentStatement[];
  /**
   * Environment the platform sets on the service's pods, over the catalog's own `env`: the
   * addresses of its dependencies as this implementation serves them, a signing proxy's
   * settings.
   */
  podEnvironment(service: ResolvedService): Record<string, string>;
  /**
   * Annotations on the service's pod templates. Switching implementation changes them, so
   * every pod is re-created under the new mesh (no pod keeps a sidecar of the old one).
   */
  podAnnotations(service: ResolvedService): Record<string, string>;
  /** Containers added to each of the service's pods (e.g. a request-signing proxy). */
  sidecars(service: ResolvedService): DeploymentV1SpecTemplateSpecContainer[];
  /** Called once every service's IAM role exists (role ARN by service name): who may call whom. */
  authorize(roles: ReadonlyMap<string, string>): void;
}

export interface MeshRouting {
  /** Labels a namespace needs to join the mesh; they may also set its Pod Security level. */
  namespaceLabels(meshName: string): Record<string, string>;
  render(scope: Construct, props: MeshRoutingProps): RenderedMeshRouting;
}

/** Mesh routing per implementation; add a successor here. */
export const MESH_ROUTING: Record<MeshImplementation, MeshRouting> = {
  appmesh: appMeshRouting,
  "vpc-lattice": vpcLatticeRouting,
};
