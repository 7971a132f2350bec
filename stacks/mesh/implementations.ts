import type { PlatformConfig } from "../../config/schema";
import type { MeshSettings } from "../../config/schema/mesh";
import type { MeshImplementationId } from "../../facts/mesh";
import { appMesh } from "./appmesh";
import type { MeshImplementation, MeshRegistration } from "./implementation";
import { vpcLattice } from "./vpc-lattice";

/** Every mesh implementation, registered once, by `mesh.implementation`. */
export const MESHES: { readonly [K in MeshImplementationId]: MeshRegistration<Extract<MeshSettings, { implementation: K }>> } = {
  appmesh: appMesh,
  "vpc-lattice": vpcLattice,
};

/** The configured mesh, for the mesh stack (its installer) and the workloads stack (its routing). */
export function meshImplementation(config: PlatformConfig): MeshImplementation {
  // The key and the settings' type agree by construction (MESHES is keyed by the union's tag).
  const registration = MESHES[config.mesh.implementation] as MeshRegistration<MeshSettings>;
  return registration.create(config.mesh, config);
}
