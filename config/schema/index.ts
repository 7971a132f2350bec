import { z } from "zod";
import { Naming } from "../../facts/naming";
import { checkApplyRefusals } from "./apply-checks";
import { checkAwsShapes } from "./aws-shapes";
import { clusterSchema } from "./cluster";
import { resolveAcrossSections } from "./cross-checks";
import { ecsSchema } from "./ecs";
import { checkEcs } from "./ecs-checks";
import { edgeSchema, resolveEdge } from "./edge";
import { checkLattice } from "./lattice";
import { meshSchema, resolveMesh } from "./mesh";
import { resolveMeshTls } from "./mesh-tls";
import { networkSchema } from "./network";
import { observabilitySchema, resolveTracing } from "./observability";
import { platformSchema } from "./platform";
import { stateSchema } from "./state";
import { workloadsSchema } from "./workloads";

/**
 * The whole platform's configuration. Every field has a default that suits a small dev
 * environment; the one thing without a default is the public domain (edge), which a
 * catalog with public services needs. An environment file overrides what it needs.
 */
export const platformConfigSchema = z
  .strictObject({
    platform: platformSchema,
    state: stateSchema,
    network: networkSchema,
    cluster: clusterSchema,
    mesh: meshSchema,
    workloads: workloadsSchema,
    edge: edgeSchema,
    ecs: ecsSchema,
    observability: observabilitySchema,
  })
  .transform((parsed, ctx) => {
    const across = resolveAcrossSections(parsed, ctx);
    // The TLS mode's default depends on the mesh and the orchestrator (config/schema/mesh-tls.ts).
    const tls = resolveMeshTls(across.mesh.tls, { orchestrator: across.platform.orchestrator, implementation: across.mesh.implementation });
    const c = { ...across, mesh: { ...across.mesh, tls } };
    if (c.platform.orchestrator === "ecs") checkEcs(c, ctx);
    const { mesh, observability } = resolveTracing(c, ctx);
    if (c.platform.orchestrator !== "ecs") checkLattice(c, ctx);
    // Resolved here so stacks never re-default anything.
    const resolved = {
      ...c,
      state: c.state.backend === "s3" ? { ...c.state, region: c.state.region ?? c.platform.region } : c.state,
      mesh: resolveMesh(mesh, new Naming(c.platform).prefix),
      edge: resolveEdge(c, ctx),
      observability,
    };
    // What AWS, EKS or Kubernetes would refuse at apply, refused now (config/schema/apply-checks.ts).
    checkApplyRefusals(resolved, ctx);
    // Values AWS would refuse by its API models' shapes (config/schema/aws-shapes.ts).
    checkAwsShapes(resolved, ctx);
    return resolved;
  });

/** What an environment file writes: every field optional, checked by the schema. */
export type PlatformConfigInput = z.input<typeof platformConfigSchema>;
/** The validated, fully resolved configuration the stacks receive. */
export type PlatformConfig = z.output<typeof platformConfigSchema>;
export type StateSettings = PlatformConfig["state"];
