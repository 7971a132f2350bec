import type { AppMeshSettings } from "../../../config/schema/mesh";
import { APPMESH_OUTPUTS } from "../../contracts";
import type { MeshRegistration } from "../implementation";
import { installAppMesh } from "./installer";
import { appMeshNamespaceLabels, renderAppMeshRouting } from "./routing";
import { MeshCertificates } from "./tls";
import { appMeshTracing } from "./tracing";

/**
 * AWS App Mesh (discontinued on 2026-09-30; every synth says so): the controller in the mesh
 * stack; virtual nodes, routers and services per catalog service in the workloads stack,
 * with TLS between Envoy sidecars from an AWS Private CA when mesh.tls.mode is "strict".
 */
export const appMesh: MeshRegistration<AppMeshSettings> = {
  outputs: APPMESH_OUTPUTS,
  create: (settings, config) => ({
    outputs: APPMESH_OUTPUTS,
    install: (ctx) => installAppMesh(ctx, settings),
    namespaceLabels: appMeshNamespaceLabels,
    render(scope, props) {
      // Encryption in transit between sidecars (docs/encryption.md): a CA and a certificate per service version.
      const tls = settings.tls.mode === "strict" ? new MeshCertificates(scope, "mesh-tls", { tls: settings.tls, services: props.services, caCommonName: `${props.naming.prefix} mesh` }) : undefined;
      return renderAppMeshRouting(scope, props, tls);
    },
    tracing: appMeshTracing(settings, config.observability.traces.enabled),
    // Under mesh TLS every listener accepts TLS only: the kubelet's plain HTTP probe would reach Envoy, not the app (app-mesh-controller #664).
    podPort: settings.tls.mode === "strict" ? "tls" : "plain",
    tlsOutput: settings.tls.mode === "off" ? "off" : "appmesh-envoy-tls",
  }),
};
