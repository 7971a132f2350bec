import type { VpcLatticeSettings } from "../../../config/schema/mesh";
import { podSecurityLabels } from "../../../facts/labels";
import { LATTICE_OUTPUTS } from "../../contracts";
import type { MeshRegistration } from "../implementation";
import { installVpcLattice } from "./installer";
import { renderLatticeRouting } from "./routing";

/**
 * Amazon VPC Lattice through the AWS Gateway API Controller: the controller, the service
 * network and its VPC association in the mesh stack; a Gateway, and per catalog service a
 * route, target-group policies and (auth "iam") an IAM auth policy in the workloads stack.
 *
 * Tracing: Lattice emits no spans. It forwards requests with their headers, so an
 * application that propagates the X-Ray or W3C trace header keeps its trace across the
 * hop; what Lattice offers is access logs (observability.logs.lattice, docs/observability.md).
 */
export const vpcLattice: MeshRegistration<VpcLatticeSettings> = {
  outputs: LATTICE_OUTPUTS,
  create: (settings) => ({
    outputs: LATTICE_OUTPUTS,
    install: (ctx) => installVpcLattice(ctx, settings),
    // Nothing is injected that needs root or NET_ADMIN (App Mesh's proxyinit did), so the
    // catalog's namespaces enforce "restricted": the app containers and the signing proxy meet it.
    namespaceLabels: () => podSecurityLabels({ enforce: "restricted" }),
    render: (scope, props) => renderLatticeRouting(scope, props, settings),
    tracing: { podStatements: () => [], podEnv: () => ({}) },
    // Lattice forwards to the pods in plain HTTP inside the VPC, also under TLS (docs/encryption.md, section 3).
    podPort: "plain",
    tlsOutput: settings.tls.mode === "off" ? "off" : "lattice-https",
  }),
};
