import * as fs from "node:fs";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/**
 * A YAML or JSON file read with its source positions, so a refusal can say on which line
 * the offending field is. JSON is read with the same YAML parser (JSON is YAML 1.2) after
 * JSON.parse has accepted it, so both formats get line numbers from one code path.
 */
export interface SourceFile {
  readonly data: unknown;
  /**
   * The 1-based line of a field, or of its nearest enclosing field when the field itself is
   * absent (a missing required key is reported on its parent's line). A string step into a
   * list picks the entry whose `name` is that string, because catalog messages name
   * services by name (`services.api.port`), not by index.
   */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Key every file may carry to point editors at its JSON Schema; never part of the data. */
export const SCHEMA_KEY = "$schema";

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; reason: string };

export function isStructuredFile(file: string): boolean {
  return /\.(ya?ml|json)$/i.test(file);
}

/** Reads a .yaml, .yml or .json file. `reason` is a full sentence without the file name. */
export function readStructuredFile(file: string): ReadResult {
  const text = fs.readFileSync(file, "utf8");
  if (/\.json$/i.test(file)) {
    try {
      JSON.parse(text);
    } catch (e) {
      // Node words the place as "at position N" (and, from 22, "(line L column C)"): say line and column.
      const message = (e as Error).message;
      const position = /at position (\d+)/.exec(message)?.[1];
      const what = message.replace(/\s*(in JSON )?at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
      if (position === undefined) return { ok: false, reason: `is not valid JSON: ${what}` };
      const before = text.slice(0, Number(position)).split("\n");
      return { ok: false, reason: `is not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}: ${what}` };
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = first.linePos?.[0];
    // The library's first line ends with its own "at line L, column C:"; the place is said once, here.
    const what = first.message.split("\n")[0]!.replace(/\s*at line \d+, column \d+:?\s*$/, "");
    return { ok: false, reason: `is not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}: ${what}` };
  }
  const data = stripSchemaKey(doc.toJS({ maxAliasCount: 100 }) as unknown);
  const lineAt = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  const source: SourceFile = {
    data,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = lineAt(doc.contents as Node | null);
      for (const step of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
          if (!pair) return line;
          line = lineAt(pair.key as Node) ?? line;
          node = pair.value;
        } else if (isSeq(node)) {
          const item =
            typeof step === "number"
              ? node.items[step]
              : node.items.find((i) => isMap(i) && i.items.some((p) => isScalar(p.key) && p.key.value === "name" && isScalar(p.value) && p.value.value === step));
          if (!item) return line;
          line = lineAt(item as Node) ?? line;
          node = item;
        } else {
          return line;
        }
      }
      return line;
    },
  };
  return { ok: true, file: source };
}

/** Drops a top-level `$schema` key (editor hint) so strict schemas do not refuse it. */
export function stripSchemaKey(data: unknown): unknown {
  if (data && typeof data === "object" && !Array.isArray(data) && SCHEMA_KEY in data) {
    const { [SCHEMA_KEY]: _ignored, ...rest } = data as Record<string, unknown>;
    return rest;
  }
  return data;
}
