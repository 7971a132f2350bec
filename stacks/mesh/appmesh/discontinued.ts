import { forgetPrinted, printOnce } from "../../synth/warnings";

/**
 * AWS App Mesh stopped operating on 2026-09-30. The platform still generates it (its
 * controller's last chart is pinned), but every synth says so, once per process.
 */
export const MESH_DISCONTINUATION_WARNING = [
  "WARNING: AWS App Mesh was discontinued on 2026-09-30 and no longer accepts or serves API requests.",
  "  mesh.implementation is \"appmesh\": the App Mesh controller will install, but it cannot create or reconcile",
  "  meshes, virtual nodes or routes, and new pods with Envoy sidecars will not get their configuration.",
  "  The successor is Amazon VPC Lattice, used from Kubernetes through the AWS Gateway API Controller.",
  "  Switch with one line in your environment file:  mesh: { implementation: \"vpc-lattice\" }",
  "  (config/environments/prod.ts already does). See docs/mesh.md for what changes and how to switch a running environment.",
].join("\n");

/** Prints the discontinuation warning to stderr, the first time it is called in this process. */
export function warnAppMeshDiscontinued(): void {
  printOnce("appmesh-discontinued", MESH_DISCONTINUATION_WARNING);
}

/** For tests: forget that the warning was printed. */
export function resetMeshDiscontinuationWarning(): void {
  forgetPrinted("appmesh-discontinued");
}
