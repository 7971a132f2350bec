import type { z } from "zod";

/** A refused input file or object; `issues` holds one line per bad field. */
export class CostValidationError extends Error {
  constructor(
    readonly label: string,
    readonly issues: readonly string[],
  ) {
    super(`${label}: ${issues.join("; ")}`);
    this.name = "CostValidationError";
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `a.b[0]["m5.large"].c`: keys with dots are bracketed so the path stays unambiguous. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === "" ? "(root)" : out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Turns zod issues into `path: problem` lines. zod's own wording is kept for
 * rules the schemas word themselves; type errors are reworded so a missing
 * field reads "is required" instead of "expected number, received undefined".
 * Needs the parse to run with `reportInput: true`.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown field`);
      continue;
    }
    const where = formatPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    if ((issue.code === "invalid_type" || issue.code === "invalid_value") && input === undefined) {
      lines.push(`${where}: is required`);
      continue;
    }
    // zod reports a non-integer number as a type error; the schema's own wording is clearer there.
    if (issue.code === "invalid_type" && !(issue.expected === "int" && typeof input === "number")) {
      lines.push(`${where}: expected ${issue.expected}, got ${describe(input)}`);
      continue;
    }
    lines.push(`${where}: ${issue.message}`);
  }
  return lines;
}
