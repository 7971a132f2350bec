import type { z } from "zod";

/**
 * Rules that span config sections (e.g. every Fargate service's namespace is covered by
 * a Fargate profile). Called once on the parsed config; add issues with their full path.
 */
export function checkAcrossSections(_config: unknown, _ctx: z.RefinementCtx): void {}
