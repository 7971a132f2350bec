import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The project's import graph and the layer rules of docs/architecture.md, read from the
 * tables in that page, so the rules exist once: there.
 */

export const ROOT = path.resolve(__dirname, "..", "..");

/** One layer: its floor and the folders (or files) it names, and what else on its floor it may import. */
export interface Layer {
  readonly floor: number;
  readonly folders: readonly string[];
  readonly sameFloor: readonly string[];
}

/** An import of one project file by another. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** The rows of the table after `<!-- <marker>: ...` in docs/architecture.md. */
export function readLayers(marker: string, doc = fs.readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8")): Layer[] {
  const at = doc.indexOf(`<!-- ${marker}:`);
  if (at < 0) throw new Error(`docs/architecture.md has no "<!-- ${marker}:" table`);
  const rows = doc.slice(at).split("\n").slice(1);
  const layers: Layer[] = [];
  for (const row of rows.slice(2)) {
    if (!row.startsWith("|")) break;
    const cells = row.split("|").slice(1, -1).map((c) => c.trim());
    const names = (cell: string | undefined) => [...(cell ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    layers.push({ floor: Number(cells[0]), folders: names(cells[1]), sameFloor: names(cells[3]) });
  }
  if (layers.length === 0 || layers.some((l) => !Number.isInteger(l.floor) || l.folders.length === 0)) throw new Error(`the "${marker}" table of docs/architecture.md has a row without a floor or a folder`);
  return layers;
}

const SOURCE = /\.(ts|cts|mts|cjs|mjs)$/;
const SKIP = new Set(["node_modules", "__tests__", ".build", "cdktf.out", ".git", ".venv", ".tools", ".scratch", ".vitest", ".artifacts", "state"]);

/** Every source file of the project (tests, builds and installed packages excluded), project-relative. */
export function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.name.startsWith("cdktf.out")) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE.test(e.name) && !e.name.endsWith(".config.mts")) out.push(path.relative(ROOT, full).split(path.sep).join("/"));
  }
  return out.sort();
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;

/** The relative imports of each file (type-only ones too: they tie the layers as much), resolved to project files. */
export function importGraph(files: readonly string[] = sourceFiles()): ImportEdge[] {
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const m of text.matchAll(SPECIFIER)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!));
      const to = [base, `${base}.ts`, `${base}.cts`, `${base}/index.ts`].find((c) => known.has(c));
      if (to) edges.push({ from: file, to });
    }
  }
  return edges;
}

/** The folder (or file) of the table a file belongs to: the longest name that holds it. */
export function layerOf(file: string, layers: readonly Layer[]): { layer: Layer; folder: string } | undefined {
  let best: { layer: Layer; folder: string } | undefined;
  for (const layer of layers) {
    for (const folder of layer.folders) {
      const holds = folder.endsWith("/") ? file.startsWith(folder) : file === folder;
      if (holds && (!best || folder.length > best.folder.length)) best = { layer, folder };
    }
  }
  return best;
}

/** Imports that go up a floor, or sideways to a folder the row does not name. */
export function layerViolations(edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = layerOf(from, layers);
    const b = layerOf(to, layers);
    if (!a || !b || a.folder === b.folder) continue;
    const sideways = a.layer.floor === b.layer.floor && a.layer.sameFloor.includes(b.folder);
    if (b.layer.floor > a.layer.floor || (b.layer.floor === a.layer.floor && !sideways)) {
      out.push(`${from} (floor ${a.layer.floor}, ${a.folder}) imports ${to} (floor ${b.layer.floor}, ${b.folder})`);
    }
  }
  return out;
}

/** Folder pairs that import each other both ways. */
export function mutualFolders(edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const pairs = new Set<string>();
  for (const { from, to } of edges) {
    const a = layerOf(from, layers)?.folder;
    const b = layerOf(to, layers)?.folder;
    if (a && b && a !== b) pairs.add(`${a} -> ${b}`);
  }
  return [...pairs].filter((p) => {
    const [a, b] = p.split(" -> ");
    return a! < b! && pairs.has(`${b} -> ${a}`);
  }).map((p) => p.replace(" -> ", " <-> "));
}

/** Every file must belong to a row: a new top-level folder has to be placed in the table first. */
export function unplaced(files: readonly string[], layers: readonly Layer[]): string[] {
  return files.filter((f) => !layerOf(f, layers));
}
