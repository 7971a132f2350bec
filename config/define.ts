import type { PlatformConfigInput } from "./schema";

/** Identity function that gives an environment file editor completion and type errors. */
export function defineConfig(config: PlatformConfigInput): PlatformConfigInput {
  return config;
}
