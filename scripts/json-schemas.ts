/**
 * Generates the JSON Schemas editors use to complete and check environment files and
 * catalog files, from the zod schemas themselves (never written by hand):
 *
 *   npm run schemas            writes schemas/*.schema.json and the reference pages of
 *                              docs/reference/ (scripts/reference-docs.ts), from the same source
 *   npm run schemas -- --check exits 1 when a committed file is stale (the test does the same)
 *
 * Descriptions come from the doc comments on the schema fields (config/**, apps/**): each
 * object literal's doc comments are matched to the JSON Schema object with exactly the
 * same keys, so a section or field someone adds is documented here without any list.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { z } from "zod";
import { catalogSchema } from "../apps/catalog/types";
import { platformConfigSchema } from "../config/schema";
import { generateReferenceDocs } from "./reference-docs";

const ROOT = path.resolve(__dirname, "..");
export const SCHEMA_DIR = "schemas";
export const REGENERATE_COMMAND = "npm run schemas";

type JsonSchema = { [key: string]: unknown };

/** The generated files, by project-relative path, as the exact text to commit. */
export function generateJsonSchemas(): Record<string, string> {
  const docs = collectDocComments(["config", "apps"].map((d) => path.join(ROOT, d)));
  const build = (schema: z.ZodType, title: string, description: string): string => {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-7" }) as JsonSchema;
    describe(json, docs);
    const properties = (json.properties ?? {}) as Record<string, unknown>;
    // Files may name their schema (`"$schema": "..."`); the loaders drop the key before validating.
    json.properties = { $schema: { type: "string", description: "Path or URL of this JSON Schema (for editors); ignored by synth." }, ...properties };
    return `${JSON.stringify({ $schema: json.$schema, title, description, ...json }, null, 2)}\n`;
  };
  return {
    [`${SCHEMA_DIR}/platform-config.schema.json`]: build(
      platformConfigSchema,
      "eks-mesh-platform environment config",
      `An environment file (PLATFORM_CONFIG). Generated from config/schema by \`${REGENERATE_COMMAND}\`; synth checks more than this schema can say.`,
    ),
    [`${SCHEMA_DIR}/catalog.schema.json`]: build(
      catalogSchema,
      "eks-mesh-platform service catalog",
      `A service catalog (workloads.catalog). Generated from apps/catalog/types.ts by \`${REGENERATE_COMMAND}\`; synth checks more than this schema can say.`,
    ),
  };
}

/** Doc comments of object-literal properties, keyed by the literal's sorted key list. */
function collectDocComments(dirs: string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const byVariable = new Map<string, { keys: string; docs: Record<string, string> }>();
  const aliases: [property: string, variable: string][] = [];
  const files = dirs.flatMap((d) => listTs(d));
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const docs: Record<string, string> = {};
        const keys: string[] = [];
        for (const p of node.properties) {
          if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
          keys.push(p.name.text);
          const text = docText(p);
          if (text) docs[p.name.text] = text;
        }
        if (keys.length > 0 && Object.keys(docs).length > 0) {
          out.set(keyOf(keys), { ...out.get(keyOf(keys)), ...docs });
          // Two sections can share a key set ({ enabled, retentionDays }); the property that
          // holds the literal tells them apart.
          const parent = holderName(node);
          if (parent) out.set(`${parent}\u0001${keyOf(keys)}`, docs);
          if (parent) byVariable.set(parent, { keys: keyOf(keys), docs });
        }
      }
      // `fargate: fargateLogs` (or `fargateLogs.default(...)`): the property takes the variable's docs.
      if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
        let e: ts.Expression = node.initializer;
        while (ts.isCallExpression(e) || ts.isPropertyAccessExpression(e)) e = ts.isCallExpression(e) ? e.expression : e.expression;
        if (ts.isIdentifier(e)) aliases.push([node.name.text, e.text]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const [property, variable] of aliases) {
    const v = byVariable.get(variable);
    if (v) out.set(`${property}\u0001${v.keys}`, v.docs);
  }
  return out;
}

function listTs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listTs(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []))
    .sort();
}

function docText(node: ts.Node): string {
  const parts: string[] = [];
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(doc)) continue;
    const comment = ts.getTextOfJSDocComment(doc.comment);
    if (comment) parts.push(comment.replace(/\s+/g, " ").trim());
    for (const tag of doc.tags ?? []) {
      if (tag.tagName.text === "default") parts.push(`Default: ${(ts.getTextOfJSDocComment(tag.comment) ?? "").replace(/\s+/g, " ").trim()}`);
    }
  }
  return parts.join(" ").trim();
}

const keyOf = (keys: readonly string[]) => [...keys].sort().join("\u0000");

/** The name of the property whose value (through z.strictObject(...).default(...) calls) is this literal. */
function holderName(literal: ts.Node): string | undefined {
  for (let n = literal.parent; n && !ts.isObjectLiteralExpression(n) && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))) return n.name.text;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) return n.name.text;
  }
  return undefined;
}

/** Adds descriptions to every object's properties whose key set matches a documented literal. */
function describe(node: unknown, docs: Map<string, Record<string, string>>, holder?: string): void {
  if (Array.isArray(node)) {
    for (const n of node) describe(n, docs, holder);
    return;
  }
  if (!node || typeof node !== "object") return;
  const obj = node as JsonSchema;
  const props = obj.properties as Record<string, JsonSchema> | undefined;
  if (props && typeof props === "object") {
    const found = (holder !== undefined ? docs.get(`${holder}\u0001${keyOf(Object.keys(props))}`) : undefined) ?? docs.get(keyOf(Object.keys(props)));
    if (found) {
      for (const [k, text] of Object.entries(found)) {
        if (props[k] && typeof props[k] === "object" && props[k].description === undefined) props[k] = { description: text, ...props[k] };
      }
    }
  }
  for (const [k, v] of Object.entries(obj)) {
    // A property's schema is held by that property's name; anyOf/items/default keep the holder.
    const next = obj.properties === v ? undefined : props && Object.values(props).includes(v as JsonSchema) ? undefined : holder;
    if (k === "properties" && v && typeof v === "object") {
      for (const [name, child] of Object.entries(v as Record<string, unknown>)) describe(child, docs, name);
    } else describe(v, docs, next);
  }
}

/** Every generated file: the JSON Schemas and the reference pages made from them. */
export function generatedFiles(): Record<string, string> {
  const schemas = generateJsonSchemas();
  return { ...schemas, ...generateReferenceDocs(schemas) };
}

/** Files whose committed text differs from what the zod schemas generate now. */
export function staleJsonSchemas(root = ROOT): string[] {
  return Object.entries(generatedFiles())
    .filter(([file, text]) => {
      const full = path.join(root, file);
      return !fs.existsSync(full) || fs.readFileSync(full, "utf8") !== text;
    })
    .map(([file]) => file);
}

function main(argv: readonly string[]): number {
  if (argv.includes("--check")) {
    const stale = staleJsonSchemas();
    if (stale.length > 0) {
      process.stderr.write(`${stale.join(", ")} ${stale.length === 1 ? "is" : "are"} out of date with the zod schemas; run \`${REGENERATE_COMMAND}\` and commit the result\n`);
      return 1;
    }
    return 0;
  }
  for (const [file, text] of Object.entries(generatedFiles())) {
    fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, file), text);
    process.stdout.write(`wrote ${file}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
