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

// On globalThis, so that two copies of this module (tsx's require and an ESM import) still warn once.
const WARNED = Symbol.for("eks-mesh-platform.mesh-discontinuation-warned");
type Flagged = typeof globalThis & { [WARNED]?: boolean };

/** Prints the discontinuation warning to stderr, the first time it is called in this process. */
export function warnAppMeshDiscontinued(): void {
  const g = globalThis as Flagged;
  if (g[WARNED]) return;
  g[WARNED] = true;
  process.stderr.write(`${MESH_DISCONTINUATION_WARNING}\n`);
}

/** For tests: forget that the warning was printed. */
export function resetMeshDiscontinuationWarning(): void {
  delete (globalThis as Flagged)[WARNED];
}
