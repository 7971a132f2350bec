import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { DeploymentV1SpecTemplateSpecContainer } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { ResolvedService } from "../../apps/catalog";
import type { PlatformConfig } from "../../config/schema";
import type { MeshSettings } from "../../config/schema/mesh";
import type { Naming } from "../../facts/naming";
import type { AddonContext } from "../addons/addon";
import type { Contract, MeshOutputs } from "../contracts";
import type { AwsContext } from "../constructs/aws-context";

/**
 * A mesh implementation: a folder under stacks/mesh/ that the mesh stack installs and the
 * workloads stack renders routing for, from one object (stacks/mesh/implementations.ts).
 * The catalog (versions and weights, dependencies, health checks) is rendered to the
 * implementation's traffic policy; the Kubernetes objects the workloads stack renders never
 * change with it. A third implementation is one more folder, one more registration.
 */
export interface MeshImplementation {
  /** Its own outputs (stacks/contracts/mesh.ts), published by the mesh stack. */
  readonly outputs: Contract;
  /** Its control plane, in the mesh stack. */
  install(ctx: AddonContext): InstalledMesh;
  /** Labels a namespace needs to join the mesh; they may also set its Pod Security level. */
  namespaceLabels(meshName: string): Record<string, string>;
  /** Its routing for the catalog, in the workloads stack. */
  render(scope: Construct, props: MeshRoutingProps): RenderedMeshRouting;
  /** What traces need on every service's pods (observability.traces). */
  readonly tracing: MeshTracing;
  /**
   * How the pods' own port answers: "tls" when the sidecar's listener accepts TLS only, so
   * the kubelet must probe TCP and the load balancer must speak HTTPS to the targets.
   */
  readonly podPort: "plain" | "tls";
  /** What protects calls between services, for the workloads stack's `mesh_tls` output. */
  readonly tlsOutput: string;
}

/** What installing yields. */
export interface InstalledMesh {
  readonly controllerNamespace: string;
  /** Values of the implementation's own outputs. */
  readonly outputs: Readonly<Record<string, string>>;
}

export interface MeshRoutingProps {
  /** The mesh stack's outputs (mesh name, controller namespace, service network, ...). */
  readonly mesh: MeshOutputs;
  /** Every service of the catalog (backends may live in other namespaces). */
  readonly services: readonly ResolvedService[];
  readonly context: AwsContext;
  readonly naming: Naming;
  /** Namespace objects the mesh objects need first. */
  readonly dependsOn: ITerraformDependable[];
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

/** Traces through the mesh: what every service's pods need while observability.traces is on. */
export interface MeshTracing {
  /** Extra statements on every service's pod role. */
  podStatements(): DataAwsIamPolicyDocumentStatement[];
  /** Environment for the application container, so an app's own SDK finds the trace sink. */
  podEnv(): Record<string, string>;
}

/** How an implementation registers: its outputs, and how it is made for one configuration. */
export interface MeshRegistration<S extends MeshSettings> {
  readonly outputs: Contract;
  create(settings: S, config: PlatformConfig): MeshImplementation;
}
