import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { PlatformConfig } from "../../config/schema";
import type { MeshImplementation } from "../../config/schema/mesh";

/**
 * Traces through the mesh in use, behind `observability.traces.enabled` (the config
 * resolves mesh.controller.tracing.enabled from it). Keyed by `mesh.implementation`:
 *
 * - appmesh: the controller configures Envoy's X-Ray tracer and injects an X-Ray daemon
 *   container next to it; the daemon sends segments as the pod's own IRSA role, which
 *   therefore needs the X-Ray write actions below (they have no resource-level permissions).
 * - vpc-lattice (no entry, so NO_MESH_TRACING): VPC Lattice has no tracing. It
 *   forwards requests with their headers, so an application that propagates the X-Ray or
 *   W3C trace header keeps its trace across the hop, but Lattice itself emits no span. What
 *   it offers is access logs, through an AccessLogPolicy on the service network or service
 *   (to CloudWatch Logs, S3 or Firehose). See docs/observability.md.
 */
export interface MeshTracing {
  /** Extra statements on every service's pod role while traces are on. */
  podStatements(config: PlatformConfig): DataAwsIamPolicyDocumentStatement[];
  /** Environment for the application container, so an app's own SDK finds the trace sink. */
  podEnv(config: PlatformConfig): Record<string, string>;
}

/** The X-Ray daemon's writes (the AWSXRayDaemonWriteAccess managed policy's actions). */
export const XRAY_DAEMON_ACTIONS = ["xray:GetSamplingRules", "xray:GetSamplingStatisticSummaries", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"];

/** A mesh that emits no traces (VPC Lattice): nothing on the pods. */
export const NO_MESH_TRACING: MeshTracing = { podStatements: () => [], podEnv: () => ({}) };

/** Tracing per mesh implementation; one without an entry gets NO_MESH_TRACING (the Lattice hook). */
export const MESH_TRACING: Partial<Record<MeshImplementation, MeshTracing>> = {
  appmesh: {
    podStatements: (config) =>
      config.observability.traces.enabled && config.mesh.controller.tracing.provider === "x-ray"
        ? [{ sid: "XRayDaemonSendsTraces", actions: XRAY_DAEMON_ACTIONS, resources: ["*"] }]
        : [],
    // The injected daemon listens in the pod; the X-Ray SDKs (and the ADOT SDK's X-Ray
    // exporter) read this variable, so application spans join Envoy's traces.
    podEnv: (config): Record<string, string> =>
      config.observability.traces.enabled && config.mesh.controller.tracing.provider === "x-ray"
        ? { AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${config.mesh.controller.tracing.port}` }
        : {},
  },
};

/** Environment a service's application container gets for tracing, for the configured mesh. */
export function tracingEnv(config: PlatformConfig): Record<string, string> {
  return (MESH_TRACING[config.mesh.implementation] ?? NO_MESH_TRACING).podEnv(config);
}

/** Statements a service's pod role needs for tracing, for the configured mesh. */
export function tracingStatements(config: PlatformConfig): DataAwsIamPolicyDocumentStatement[] {
  return (MESH_TRACING[config.mesh.implementation] ?? NO_MESH_TRACING).podStatements(config);
}
