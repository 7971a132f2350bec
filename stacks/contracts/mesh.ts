import type { Contract, ContractValues } from "./index";

/** What the mesh stack hands the workloads stack. */
export const MESH_OUTPUTS = {
  meshName: { name: "mesh_name", kind: "string", description: "Name of the service mesh the workloads join" },
  controllerNamespace: { name: "controller_namespace", kind: "string", description: "Namespace of the mesh controller" },
} as const satisfies Contract;

export type MeshOutputs = ContractValues<typeof MESH_OUTPUTS>;
