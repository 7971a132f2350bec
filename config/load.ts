import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { PROJECT_ROOT } from "../facts/paths";
import { compile } from "../input/compile.cjs";
import type { z } from "zod";
import { type PlatformConfig, type PlatformConfigInput, platformConfigSchema } from "./schema";
import { allowedKeysAt } from "../input/schema-keys";
import { issueText } from "../input/issues";
import { isStructuredFile, readStructuredFile, stripSchemaKey } from "../input/source-file";
import { SHIPPED_CATALOGS } from "../apps";

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

const ENVIRONMENTS = path.join(PROJECT_ROOT, "config", "environments");
const EXTENSIONS = [".ts", ".json", ".yaml", ".yml"];

/** Environment files shipped under config/environments, by name. */
export function availableEnvironments(): string[] {
  return fs
    .readdirSync(ENVIRONMENTS)
    .filter((f) => EXTENSIONS.includes(path.extname(f)))
    .map((f) => path.basename(f, path.extname(f)))
    .sort();
}

/**
 * Picks the config file from the environment: PLATFORM_CONFIG (a path to a .ts, .json,
 * .yaml or .yml file) wins, else PLATFORM_ENV names a file in config/environments (default "dev").
 */
export function resolveConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLATFORM_CONFIG) {
    const file = path.resolve(env.PLATFORM_CONFIG);
    if (!fs.existsSync(file)) throw new ConfigError(`PLATFORM_CONFIG points at ${env.PLATFORM_CONFIG}, which does not exist; give the path of a .ts, .json, .yaml or .yml config file`);
    if (!EXTENSIONS.includes(path.extname(file))) throw new ConfigError(`PLATFORM_CONFIG must be a .ts, .json, .yaml or .yml file, got ${env.PLATFORM_CONFIG}`);
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

/** The file's data, and for YAML and JSON the line of each field (for messages). */
function readInput(file: string): { data: unknown; lineOf?: LineOf } {
  if (isStructuredFile(file)) {
    const read = readStructuredFile(file);
    if (!read.ok) throw new ConfigError(`${displayPath(file)} ${read.reason}`);
    return { data: read.file.data, lineOf: (p) => read.file.lineOf(p) };
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
  return { data: stripSchemaKey(mod.default ?? mod) };
}

type LineOf = (path: readonly PropertyKey[]) => number | undefined;

export function displayPath(file: string): string {
  const rel = path.relative(PROJECT_ROOT, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.basename(file) : rel;
}

/**
 * Validates a config object; throws ConfigError listing every bad field. `lineOf` (YAML and
 * JSON files) adds the line of each field to its message.
 */
export function parseConfig(input: unknown, origin = "config", lineOf?: LineOf): PlatformConfig {
  const result = platformConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const line = lineOf && issue.path.length > 0 ? lineOf(issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path) : undefined;
    return `  - ${line !== undefined ? `line ${line}, ` : ""}${describeIssue(issue)}`;
  });
  throw new ConfigError(
    [`Invalid configuration in ${origin}:`, ...lines, "Nothing was synthesized; fix the fields above and run synth again."].join("\n"),
  );
}

/** Loads, validates and resolves the configuration selected by the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConfigSource {
  const file = resolveConfigFile(env);
  const input = readInput(file);
  return { file: displayPath(file), config: parseConfig(withCatalogRelativeTo(input.data, path.dirname(file)), displayPath(file), input.lineOf) };
}

/**
 * A catalog path in an environment file starts at that file's folder (as compose, kustomize
 * and eksctl resolve theirs), so an environment and its catalog move together; a shipped
 * catalog's name and an absolute path stay as they are.
 */
export function withCatalogRelativeTo(data: unknown, dir: string): unknown {
  const workloads = (data as { workloads?: { catalog?: unknown } } | undefined)?.workloads;
  const ref = workloads?.catalog;
  if (typeof ref !== "string" || Object.hasOwn(SHIPPED_CATALOGS.catalogs, ref) || path.isAbsolute(ref)) return data;
  const resolved = path.resolve(dir, ref);
  const rel = path.relative(PROJECT_ROOT, resolved);
  const shown = rel.startsWith("..") || path.isAbsolute(rel) ? resolved : rel.split(path.sep).join("/");
  return { ...(data as object), workloads: { ...workloads, catalog: shown } };
}

export type { PlatformConfig, PlatformConfigInput };

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(platformConfigSchema, issue.path);
    const keys = issue.keys.map((k) => formatPath([...issue.path, k]));
    const hint = allowed.length ? `; allowed keys here: ${allowed.join(", ")}` : "";
    return `${keys.join(", ")}: unknown key${hint}`;
  }
  if (issue.code === "invalid_key" && issue.issues.length > 0) {
    // A record key's own message is the useful one ("tag key ... uses the reserved prefix").
    return `${where}: ${issue.issues[0].message}`;
  }
  return `${where}: ${issueText(issue)}`;
}

function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return "(top level)";
  return p.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), "");
}
