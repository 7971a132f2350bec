/**
 * File-by-file comparison of two synthesized outputs (cdktf.out folders): the regular
 * synthesis on CDKTF and the same project synthesized on CDK Terrain. Pure functions over
 * file contents, so the verdicts are unit-tested without synthesizing anything.
 *
 * A file is, in order of preference:
 *   identical        byte for byte;
 *   same-json        the same JSON (same keys, same key order, same values) once the
 *                    library's version stamps are set aside; `text` says what else differs
 *                    in the bytes: nothing, how empty arrays and objects are laid out,
 *                    other whitespace, or other formatting (number or string escapes);
 *   differs          different JSON values (or not JSON and different bytes), with the
 *                    first differences by JSON Pointer;
 *   only-reference / only-fork   present on one side.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A version stamp the library writes into its output: where, and the value on each side. */
export interface Stamp {
  /** JSON Pointer (RFC 6901) into the file. */
  readonly pointer: string;
  readonly reference: string;
  readonly fork: string;
}

export interface ValueDifference {
  readonly pointer: string;
  readonly kind: "changed" | "only-reference" | "only-fork" | "key-order";
  /** A short rendering of each side's value (absent for a missing side). */
  readonly reference?: string;
  readonly fork?: string;
}

export type TextDifference = "stamps-only" | "empty-containers" | "whitespace" | "other-formatting";

export type FileVerdict =
  | { readonly kind: "identical" }
  | { readonly kind: "same-json"; readonly stamps: readonly Stamp[]; readonly text: TextDifference; readonly example?: LineExample }
  | { readonly kind: "differs"; readonly differences: readonly ValueDifference[]; readonly total: number; readonly stamps: readonly Stamp[] }
  | { readonly kind: "only-reference" }
  | { readonly kind: "only-fork" };

/** The first line where two texts differ, for a reader to see what "whitespace" means. */
export interface LineExample {
  readonly line: number;
  readonly reference: string;
  readonly fork: string;
}

export interface FileComparison {
  /** Path relative to the output folder, with "/" separators. */
  readonly file: string;
  readonly verdict: FileVerdict;
}

/** How many value differences a verdict lists (the total is always counted). */
export const MAX_LISTED_DIFFERENCES = 20;

/**
 * Where the library stamps its own version: `version` at the top of manifest.json, and
 * `//.metadata.version` in every stack's cdk.tf.json. Found by content for stack files (any
 * file whose `//` block has metadata.version), so the layout of the output is not assumed.
 */
export function stampPointers(file: string, json: Json): string[] {
  const pointers: string[] = [];
  if (isObject(json)) {
    if (baseName(file) === "manifest.json" && typeof json.version === "string") pointers.push("/version");
    const comment = json["//"];
    if (isObject(comment) && isObject(comment.metadata) && typeof comment.metadata.version === "string") pointers.push("/~1~1/metadata/version");
  }
  return pointers;
}

/** Compares every file of two outputs (path → content), in path order. */
export function compareOutputs(reference: ReadonlyMap<string, Buffer>, fork: ReadonlyMap<string, Buffer>): FileComparison[] {
  const files = [...new Set([...reference.keys(), ...fork.keys()])].sort();
  return files.map((file) => {
    const r = reference.get(file);
    const f = fork.get(file);
    if (r === undefined) return { file, verdict: { kind: "only-fork" } };
    if (f === undefined) return { file, verdict: { kind: "only-reference" } };
    return { file, verdict: compareFile(file, r, f) };
  });
}

/** The verdict for one file present on both sides. */
export function compareFile(file: string, reference: Buffer, fork: Buffer): FileVerdict {
  if (reference.equals(fork)) return { kind: "identical" };
  const refText = reference.toString("utf8");
  const forkText = fork.toString("utf8");
  const refJson = parseJson(refText);
  const forkJson = parseJson(forkText);
  if (refJson === undefined || forkJson === undefined) {
    return { kind: "differs", differences: [{ pointer: "", kind: "changed", reference: `${reference.length} bytes`, fork: `${fork.length} bytes` }], total: 1, stamps: [] };
  }

  // Set the stamps aside where both sides have one, then compare values.
  const stamps: Stamp[] = [];
  const refPointers = new Set(stampPointers(file, refJson));
  for (const pointer of stampPointers(file, forkJson)) {
    if (!refPointers.has(pointer)) continue;
    const r = get(refJson, pointer) as string;
    const f = get(forkJson, pointer) as string;
    if (r !== f) stamps.push({ pointer, reference: r, fork: f });
  }
  const stampSet = new Set(stamps.map((s) => s.pointer));
  const differences: ValueDifference[] = [];
  let total = 0;
  diffValues(refJson, forkJson, "", stampSet, (d) => {
    total++;
    if (differences.length < MAX_LISTED_DIFFERENCES) differences.push(d);
  });
  if (total > 0) return { kind: "differs", differences, total, stamps };

  // Same values: say what the bytes differ in besides the stamps.
  const values = [...new Set(stamps.flatMap((s) => [s.reference, s.fork]))];
  const r = maskStamps(refText, values);
  const f = maskStamps(forkText, values);
  if (r === f) return { kind: "same-json", stamps, text: "stamps-only" };
  const example = firstDifferentLine(r, f);
  if (collapseEmptyContainers(r) === collapseEmptyContainers(f)) return { kind: "same-json", stamps, text: "empty-containers", example };
  if (withoutInsignificantWhitespace(r) === withoutInsignificantWhitespace(f)) return { kind: "same-json", stamps, text: "whitespace", example };
  return { kind: "same-json", stamps, text: "other-formatting", example };
}

/** True when a verdict needs no explanation beyond "the library's version and layout". */
export function isEquivalent(verdict: FileVerdict): boolean {
  return verdict.kind === "identical" || verdict.kind === "same-json";
}

/** One line per verdict, for the report. */
export function describeVerdict(verdict: FileVerdict): string {
  const stamps = (list: readonly Stamp[]) => list.map((s) => `${readablePath(s.pointer)} ${s.reference} → ${s.fork}`).join(", ");
  const andStamps = (list: readonly Stamp[]) => (list.length ? ` in version stamps (${stamps(list)}) and` : "");
  switch (verdict.kind) {
    case "identical":
      return "identical";
    case "only-reference":
      return "DIFFERS: missing from the fork's output";
    case "only-fork":
      return "DIFFERS: only in the fork's output";
    case "same-json":
      switch (verdict.text) {
        case "stamps-only":
          return verdict.stamps.length ? `differs only in version stamps (${stamps(verdict.stamps)})` : "same JSON, same bytes";
        case "empty-containers":
          return `same JSON; differs${andStamps(verdict.stamps)} in layout: empty arrays and objects on one line (first at line ${verdict.example?.line})`;
        case "whitespace":
          return `same JSON; differs${andStamps(verdict.stamps)} in whitespace (first at line ${verdict.example?.line})`;
        case "other-formatting":
          return `same JSON values; differs${andStamps(verdict.stamps)} in how values are written (first at line ${verdict.example?.line})`;
      }
      break;
    case "differs": {
      const listed = verdict.differences.map((d) => `${d.pointer ? readablePath(d.pointer) : "(whole file)"}: ${d.kind}${d.reference !== undefined || d.fork !== undefined ? ` ${d.reference ?? "(none)"} → ${d.fork ?? "(none)"}` : ""}`);
      const more = verdict.total > verdict.differences.length ? `; and ${verdict.total - verdict.differences.length} more` : "";
      return `DIFFERS in ${verdict.total} place(s): ${listed.join("; ")}${more}`;
    }
  }
  return "unknown";
}

/** A JSON Pointer as a reader writes the path: `//.metadata.version`, `resource.aws_vpc.main.tags`, `list[2]`. */
export function readablePath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, key) => (/^\d+$/.test(key) ? `${acc}[${key}]` : /^[^.[\]\s]+$/.test(key) ? (acc ? `${acc}.${key}` : key) : `${acc}[${JSON.stringify(key)}]`), "");
}

function diffValues(a: Json, b: Json, pointer: string, skip: ReadonlySet<string>, report: (d: ValueDifference) => void): void {
  if (skip.has(pointer)) return;
  if (isObject(a) && isObject(b)) {
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    const bSet = new Set(bKeys);
    const aSet = new Set(aKeys);
    for (const k of aKeys) if (!bSet.has(k)) report({ pointer: `${pointer}/${escapeKey(k)}`, kind: "only-reference", reference: render(a[k]) });
    for (const k of bKeys) if (!aSet.has(k)) report({ pointer: `${pointer}/${escapeKey(k)}`, kind: "only-fork", fork: render(b[k]) });
    const common = aKeys.filter((k) => bSet.has(k));
    const commonInB = bKeys.filter((k) => aSet.has(k));
    if (common.some((k, i) => commonInB[i] !== k)) report({ pointer, kind: "key-order", reference: common.join(","), fork: commonInB.join(",") });
    for (const k of common) diffValues(a[k], b[k], `${pointer}/${escapeKey(k)}`, skip, report);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= b.length) report({ pointer: `${pointer}/${i}`, kind: "only-reference", reference: render(a[i]) });
      else if (i >= a.length) report({ pointer: `${pointer}/${i}`, kind: "only-fork", fork: render(b[i]) });
      else diffValues(a[i], b[i], `${pointer}/${i}`, skip, report);
    }
    return;
  }
  if (a !== b) report({ pointer, kind: "changed", reference: render(a), fork: render(b) });
}

/** Replaces each stamp value written as `"version": "<value>"` by one placeholder, keeping the spacing. */
function maskStamps(text: string, values: readonly string[]): string {
  if (values.length === 0) return text;
  const alternatives = values.map((v) => JSON.stringify(v).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  return text.replace(new RegExp(`("version"\\s*:\\s*)(?:${alternatives})`, "g"), '$1"<version>"');
}

/** `[ ... ]` and `{ ... }` holding only whitespace, written as `[]` and `{}`. */
function collapseEmptyContainers(text: string): string {
  return text.replace(/\[\s+\]/g, "[]").replace(/\{\s+\}/g, "{}");
}

/** The text without whitespace outside JSON strings. */
export function withoutInsignificantWhitespace(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== " " && c !== "\n" && c !== "\r" && c !== "\t") {
      out += c;
    }
  }
  return out;
}

function firstDifferentLine(a: string, b: string): LineExample {
  const al = a.split("\n");
  const bl = b.split("\n");
  let i = 0;
  while (i < al.length && i < bl.length && al[i] === bl[i]) i++;
  return { line: i + 1, reference: al[i] ?? "(end of file)", fork: bl[i] ?? "(end of file)" };
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function get(json: Json, pointer: string): Json | undefined {
  let node: Json | undefined = json;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (isObject(node)) node = node[key];
    else if (Array.isArray(node)) node = node[Number(key)];
    else return undefined;
  }
  return node;
}

function escapeKey(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function render(value: Json | undefined): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}
