import type { Catalog, ResolvedPlacement, Service } from "./types";

/** Constraints that pin a service to EC2 nodes, with the reason used in messages. */
export const EC2_CONSTRAINTS = ["needsNode", "privileged", "gpu"] as const;

/** The placement a service's constraints force, or undefined when they leave the choice open. */
export function forcedPlacement(service: Service): ResolvedPlacement | undefined {
  if (service.constraints.isolation) return "fargate";
  if (EC2_CONSTRAINTS.some((c) => service.constraints[c])) return "ec2";
  // A node selector only means something on EC2 nodes.
  if (Object.keys(service.nodeSelector).length > 0) return "ec2";
  return undefined;
}

/**
 * Decides where every service runs. Explicit placements and constraints win; `auto`
 * resolves to Fargate for now. This is the ONE function the cost optimizer (issue 6,
 * cost/optimizer.ts) replaces: it returns a placement per service name and nothing else
 * depends on how it was chosen. The catalog has already passed checkCatalog, so
 * placements never contradict constraints here.
 */
export function resolvePlacement(catalog: Catalog): Record<string, ResolvedPlacement> {
  const out: Record<string, ResolvedPlacement> = {};
  for (const service of catalog.services) {
    out[service.name] = service.placement !== "auto" ? service.placement : (forcedPlacement(service) ?? "fargate");
  }
  return out;
}
