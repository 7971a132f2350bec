import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { compile } from "../bin/compile.cjs";
import type { z } from "zod";
import { type PlatformConfig, type PlatformConfigInput, platformConfigSchema } from "./schema";

/** A configuration the platform refuses. Its message is complete: print it and exit non-zero. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ConfigSource {
  /** The file read, relative to the project root when it is inside it. */
  readonly file: string;
  readonly config: PlatformConfig;
}

const PROJECT_ROOT = path.resolve(__dirname, "..");
const ENVIRONMENTS = path.join(PROJECT_ROOT, "config", "environments");
const EXTENSIONS = [".ts", ".json"];

/** Environment files shipped under config/environments, by name. */
export function availableEnvironments(): string[] {
  return fs
    .readdirSync(ENVIRONMENTS)
    .filter((f) => EXTENSIONS.includes(path.extname(f)))
    .map((f) => path.basename(f, path.extname(f)))
    .sort();
}

/**
 * Picks the config file from the environment: PLATFORM_CONFIG (a path to a .ts or .json
 * file) wins, else PLATFORM_ENV names a file in config/environments (default "dev").
 */
export function resolveConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLATFORM_CONFIG) {
    const file = path.resolve(env.PLATFORM_CONFIG);
    if (!fs.existsSync(file)) throw new ConfigError(`PLATFORM_CONFIG points at ${env.PLATFORM_CONFIG}, which does not exist; give the path of a .ts or .json config file`);
    if (!EXTENSIONS.includes(path.extname(file))) throw new ConfigError(`PLATFORM_CONFIG must be a .ts or .json file, got ${env.PLATFORM_CONFIG}`);
    return file;
  }
  const name = env.PLATFORM_ENV || "dev";
  const known = availableEnvironments();
  if (!/^[a-z0-9-]+$/.test(name) || !known.includes(name)) {
    throw new ConfigError(`PLATFORM_ENV=${name} names no environment; use one of ${known.join(", ")} (files in config/environments/), or set PLATFORM_CONFIG to a config file`);
  }
  const ext = EXTENSIONS.find((e) => fs.existsSync(path.join(ENVIRONMENTS, name + e)))!;
  return path.join(ENVIRONMENTS, name + ext);
}

function readInput(file: string): unknown {
  if (file.endsWith(".json")) {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new ConfigError(`${displayPath(file)} is not valid JSON: ${(e as Error).message}`);
    }
  }
  // Compiled ahead of time into .build/ (rebuilt when it or anything it imports changes), so
  // synth needs no TypeScript loader; the same path under `cdktf synth` and vitest.
  let compiled: string;
  try {
    compiled = compile(file);
  } catch (e) {
    throw new ConfigError((e as Error).message.replace(path.relative(PROJECT_ROOT, file) || file, displayPath(file)));
  }
  const mod = createRequire(compiled)(compiled) as { default?: unknown };
  return mod.default ?? mod;
}

export function displayPath(file: string): string {
  const rel = path.relative(PROJECT_ROOT, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.basename(file) : rel;
}

/** Validates a config object; throws ConfigError listing every bad field. */
export function parseConfig(input: unknown, origin = "config"): PlatformConfig {
  const result = platformConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue)}`);
  throw new ConfigError(
    [`Invalid configuration in ${origin}:`, ...lines, "Nothing was synthesized; fix the fields above and run synth again."].join("\n"),
  );
}

/** Loads, validates and resolves the configuration selected by the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConfigSource {
  const file = resolveConfigFile(env);
  const input = readInput(file);
  return { file: displayPath(file), config: parseConfig(input, displayPath(file)) };
}

export type { PlatformConfig, PlatformConfigInput };

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(issue.path);
    const keys = issue.keys.map((k) => formatPath([...issue.path, k]));
    const hint = allowed.length ? `; allowed keys here: ${allowed.join(", ")}` : "";
    return `${keys.join(", ")}: unknown key${hint}`;
  }
  if (issue.code === "invalid_key" && issue.issues.length > 0) {
    // A record key's own message is the useful one ("tag key ... uses the reserved prefix").
    return `${where}: ${issue.issues[0].message}`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `${where}: is required`;
  }
  return `${where}: ${issue.message}`;
}

function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return "(top level)";
  return p.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), "");
}

/** Walks the schema to list the keys an object accepts, for unknown-key messages. */
function allowedKeysAt(p: readonly PropertyKey[]): string[] {
  let node: unknown = platformConfigSchema;
  const unwrap = (s: unknown): unknown => {
    for (let i = 0; i < 10; i++) {
      const def = (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      if (!def) return s;
      if (def.type === "pipe") s = def.in;
      else if (["default", "prefault", "optional", "nullable", "readonly", "catch"].includes(def.type as string)) s = def.innerType;
      else return s;
    }
    return s;
  };
  for (const key of p) {
    node = unwrap(node);
    const def = (node as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === "object") node = (def.shape as Record<string, unknown>)[key as string];
    else if (def.type === "array") node = def.element;
    else if (def.type === "record") node = def.valueType;
    else return [];
    if (!node) return [];
  }
  const def = (unwrap(node) as { _zod: { def: Record<string, unknown> } })._zod.def;
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}
