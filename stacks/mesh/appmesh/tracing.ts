import type { AppMeshSettings } from "../../../config/schema/mesh";
import type { MeshTracing } from "../implementation";

/** The X-Ray daemon's writes (the AWSXRayDaemonWriteAccess managed policy's actions). */
export const XRAY_DAEMON_ACTIONS = ["xray:GetSamplingRules", "xray:GetSamplingStatisticSummaries", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"];

/**
 * Traces through App Mesh, behind `observability.traces.enabled` (which the config resolves
 * mesh.controller.tracing.enabled from): the controller configures Envoy's tracer and, for
 * X-Ray, injects an X-Ray daemon container next to it; the daemon sends segments as the
 * pod's own IRSA role, which therefore needs the X-Ray write actions (they have no
 * resource-level permissions).
 */
export function appMeshTracing(settings: AppMeshSettings, tracesOn: boolean): MeshTracing {
  const xray = tracesOn && settings.controller.tracing.provider === "x-ray";
  return {
    podStatements: () => (xray ? [{ sid: "XRayDaemonSendsTraces", actions: XRAY_DAEMON_ACTIONS, resources: ["*"] }] : []),
    // The injected daemon listens in the pod; the X-Ray SDKs (and the ADOT SDK's X-Ray
    // exporter) read this variable, so application spans join Envoy's traces.
    podEnv: (): Record<string, string> => (xray ? { AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${settings.controller.tracing.port}` } : {}),
  };
}
