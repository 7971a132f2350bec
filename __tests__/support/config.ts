import { expect } from "vitest";
import devConfig from "../../config/environments/dev";
import { ConfigError, parseConfig } from "../../config/load";
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

/** The whole message a refused config prints (a config that is accepted fails the test). */
export function refusal(input: unknown, label = "test config"): string {
  try {
    parseConfig(input, label);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("config was accepted but should have been refused");
}
