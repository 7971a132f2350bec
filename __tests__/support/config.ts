import devConfig from "../../config/environments/dev";
import type { PlatformConfigInput } from "../../config/schema";

/** Deep-merges a partial config over the shipped dev environment, so tests state only what they change. */
export function withDev(overrides: PlatformConfigInput = {}): PlatformConfigInput {
  return merge(devConfig as Record<string, unknown>, overrides as Record<string, unknown>) as PlatformConfigInput;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
