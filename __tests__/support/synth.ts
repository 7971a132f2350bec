import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { vi } from "vitest";
import { parseConfig } from "../../config/load";
import type { PlatformConfig, PlatformConfigInput } from "../../config/schema";
import { buildPlatform } from "../../stacks/app";
import { withDev } from "./config";

/** A synthesized stack's cdk.tf.json. */
export type StackJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
  terraform: Record<string, any>;
  provider?: Record<string, unknown[]>;
  [key: string]: unknown;
};

export interface Synthesized {
  readonly outdir: string;
  readonly config: PlatformConfig;
  readonly manifest: { stacks: Record<string, { dependencies: string[]; workingDirectory: string; synthesizedStackPath: string }> };
  stack(name: string): StackJson;
  /** Every resource of a type in a stack, by construct ID. */
  resources(stack: string, type: string): Record<string, Record<string, any>>;
  /** One resource by type and construct ID; throws a readable error when absent. */
  resource(stack: string, type: string, id: string): Record<string, any>;
  data(stack: string, type: string): Record<string, Record<string, any>>;
}

// withDev lives in ./config (no cdktf, no stacks) so pure-logic tests can use it without loading synthesis.
export { withDev } from "./config";

/**
 * Synthesizes every stack for a config (default: the dev environment).
 *
 * Without `outdir`, each distinct configuration is synthesized once per test run and shared
 * by every test file that asks for it (the run's cache folder, see global-setup.ts, keyed by
 * the validated config), so the returned folder must be treated as read-only. Pass `outdir`
 * (e.g. `scratchDir()`) when a test needs a synthesis of its own (determinism); a test that
 * spies on process.stdout/stderr or console gets one of its own automatically.
 */
export function synthPlatform(input: PlatformConfigInput = withDev(), outdir?: string): Synthesized {
  const config = parseConfig(input, "test config");
  // A test that spies on the output streams wants to see what synthesis prints: a shared
  // synthesis may already exist and print nothing, so it gets one of its own.
  const observed = [process.stdout.write, process.stderr.write, console.log, console.warn, console.error].some((f) => vi.isMockFunction(f));
  const dir = outdir ? synthesizeInto(config, outdir) : observed ? synthesizeInto(config, scratchDir()) : cachedSynthesis(config);
  return readSynthesized(dir, config);
}

function synthesizeInto(config: PlatformConfig, dir: string): string {
  const app = new App({ outdir: dir });
  buildPlatform(app, config);
  app.synth();
  return dir;
}

const inProcess = new Map<string, string>();

function cachedSynthesis(config: PlatformConfig): string {
  const cacheRoot = process.env.EKS_MESH_TEST_CACHE;
  if (!cacheRoot) return synthesizeInto(config, scratchDir());
  const key = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 24);
  const known = inProcess.get(key);
  if (known) return known;
  const dir = path.join(cacheRoot, "synth", key);
  if (!fs.existsSync(dir)) {
    // Synthesized beside the cache and renamed into place whole: another fork that wants
    // the same config either sees nothing (and synthesizes too) or the complete folder.
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const staging = synthesizeInto(config, fs.mkdtempSync(`${dir}.staging-`));
    try {
      fs.renameSync(staging, dir);
    } catch {
      // Another fork finished first; its output is the same (synthesis is deterministic).
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  inProcess.set(key, dir);
  return dir;
}

function readSynthesized(dir: string, config: PlatformConfig): Synthesized {
  const cache = new Map<string, StackJson>();
  const stack = (name: string): StackJson => {
    if (!cache.has(name)) {
      const file = path.join(dir, "stacks", name, "cdk.tf.json");
      if (!fs.existsSync(file)) throw new Error(`stack "${name}" was not synthesized`);
      cache.set(name, JSON.parse(fs.readFileSync(file, "utf8")));
    }
    return cache.get(name)!;
  };
  return {
    outdir: dir,
    config,
    manifest: JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")),
    stack,
    resources: (s, type) => (stack(s).resource?.[type] ?? {}) as Record<string, Record<string, any>>,
    resource: (s, type, id) => {
      const r = stack(s).resource?.[type]?.[id];
      if (!r) throw new Error(`${s}: no ${type}.${id}; have ${Object.keys(stack(s).resource?.[type] ?? {}).join(", ") || "none"}`);
      return r as Record<string, any>;
    },
    data: (s, type) => (stack(s).data?.[type] ?? {}) as Record<string, Record<string, any>>,
  };
}

/** A new empty folder, for a test that needs a synthesis of its own: `synthPlatform(input, scratchDir())`. */
export function scratchDir(prefix = "eks-mesh-synth-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Parses an IAM policy document written as a JSON string in cdk.tf.json. */
export function policyOf(json: string): { Statement: Array<Record<string, any>> } {
  return JSON.parse(json);
}
