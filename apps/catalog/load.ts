import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../facts/paths";
import { compile } from "../../input/compile.cjs";
import { isStructuredFile, readStructuredFile, stripSchemaKey } from "../../input/source-file";
import type { CatalogInput } from "./types";
import { formatCatalogPath } from "./validate";

/** The catalogs shipped with the platform (apps/index.ts), by name: what `workloads.catalog` may name instead of a file. */
export interface ShippedCatalogs {
  readonly catalogs: Readonly<Record<string, CatalogInput>>;
  /** Where each is written, for messages. */
  readonly files: Readonly<Record<string, string>>;
}

/** File types `workloads.catalog` may name instead of a shipped catalog. */
export const CATALOG_FILE_EXTENSIONS = [".yaml", ".yml", ".json", ".ts"] as const;
export const CATALOG_FILE_PATTERN = /\.(ya?ml|json|ts)$/;


/**
 * Where a catalog came from, as plain data (it travels inside the resolved config): the
 * label messages start with, and the line of each service entry when the file is YAML or JSON.
 */
export interface CatalogOrigin {
  /** `catalog "reference" (apps/reference.ts)` or `catalog teams/shop.yaml`. */
  readonly label: string;
  /** The file, project-relative when inside the project. */
  readonly file: string;
  /** 1-based line of each service's entry, by service name (YAML and JSON files only). */
  readonly serviceLines: Readonly<Record<string, number>>;
}

export interface LoadedCatalog {
  readonly input: unknown;
  readonly origin: CatalogOrigin;
  /** The line of a field (path relative to the catalog), when the format keeps positions. */
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}


function displayPath(file: string): string {
  const rel = path.relative(PROJECT_ROOT, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.basename(file) : rel.split(path.sep).join("/");
}

/**
 * Loads `workloads.catalog`: a shipped catalog by name, or a .yaml/.yml/.json file, or a .ts
 * file whose default export (or `catalog` export) is the catalog. Returns a message (without
 * the field name) when the file cannot be read; the catalog's own content is checked later
 * by resolveCatalog, like a shipped one.
 */
export function loadCatalog(ref: string, shipped: ShippedCatalogs): LoadedCatalog | { error: string } {
  if (Object.hasOwn(shipped.catalogs, ref)) {
    const file = shipped.files[ref];
    return { input: shipped.catalogs[ref], origin: { label: `catalog "${ref}" (${file})`, file, serviceLines: {} }, lineOf: () => undefined };
  }
  const file = path.resolve(PROJECT_ROOT, ref);
  const shown = displayPath(file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return { error: `the catalog file ${ref} does not exist (in an environment file a relative path starts at that file's folder); give the path of a .yaml, .yml, .json or .ts catalog, or a shipped catalog: ${Object.keys(shipped.catalogs).join(", ")}` };
  }
  const label = `catalog ${shown}`;
  if (isStructuredFile(file)) {
    const read = readStructuredFile(file);
    if (!read.ok) return { error: `${label} ${read.reason}` };
    const services = (read.file.data as { services?: unknown })?.services;
    const serviceLines: Record<string, number> = {};
    if (Array.isArray(services)) {
      for (const s of services) {
        const name = (s as { name?: unknown })?.name;
        const line = typeof name === "string" ? read.file.lineOf(["services", name]) : undefined;
        if (typeof name === "string" && line !== undefined && !(name in serviceLines)) serviceLines[name] = line;
      }
    }
    return { input: read.file.data, origin: { label, file: shown, serviceLines }, lineOf: (p) => read.file.lineOf(p) };
  }
  let mod: { default?: unknown; catalog?: unknown };
  try {
    // Compiled ahead of time like environment files (input/compile.cjs), rebuilt when it or anything it imports changes.
    const compiled = compile(file);
    mod = createRequire(compiled)(compiled) as typeof mod;
  } catch (e) {
    const lines = (e as Error).message.split("\n");
    return { error: `${label} could not be loaded: ${lines[0].endsWith("does not compile:") ? lines.slice(1).join("; ") : lines[0]}` };
  }
  const input = mod.default ?? mod.catalog;
  if (input === undefined) return { error: `${label} exports no catalog; export it as the default export (export default defineCatalog({...})) or as \`catalog\`` };
  return { input: stripSchemaKey(input), origin: { label, file: shown, serviceLines: {} }, lineOf: () => undefined };
}

/**
 * Where a catalog message points: `catalog teams/shop.yaml:12 services.api.port` (with the
 * line when known), `catalog "reference" (apps/reference.ts) services.api.port` otherwise.
 */
export function catalogLocation(origin: CatalogOrigin, fieldPath: readonly (string | number)[], line?: number): string {
  const at = line ?? (fieldPath[0] === "services" && typeof fieldPath[1] === "string" ? origin.serviceLines[fieldPath[1]] : undefined);
  const head = at !== undefined ? `catalog ${origin.file}:${at}` : origin.label;
  const field = formatCatalogPath(fieldPath);
  return field ? `${head} ${field}` : head;
}
