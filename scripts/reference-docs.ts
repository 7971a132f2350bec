/**
 * The reference pages of docs/reference/, generated from the same sources as the JSON Schemas
 * (the zod schemas with their doc comments) and from the apply rules, so the tables a user
 * reads cannot drift from what synth accepts. `npm run schemas` writes them with the schemas;
 * `npm run schemas -- --check` (and the test) fails when a committed page is stale.
 */
import { APPLY_RULES } from "../config/schema/apply-checks";
import { AWS_SHAPE_RULES, BOTOCORE, DOCUMENTED_RULES } from "../config/schema/aws-shapes";
import { EKS_CALENDAR_AS_OF } from "../facts/eks";
import { KARPENTER_CRD_VERSION } from "../facts/upstream/karpenter";

type Schema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};

interface Row {
  readonly field: string;
  readonly type: string;
  readonly meaning: string;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const literal = (v: unknown) => `\`${JSON.stringify(v)}\``;

/** A short type: what values the field takes, with the bounds the schema states. */
function typeOf(s: Schema): string {
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return variants.map(typeOf).join(" or ");
  if (s.enum) return s.enum.map(literal).join(", ");
  if (s.const !== undefined) return literal(s.const);
  const type = Array.isArray(s.type) ? s.type.join(" or ") : s.type ?? "any";
  const bounds = (lo?: number, hi?: number, unit = "") =>
    lo !== undefined && hi !== undefined ? ` ${lo}–${hi}${unit}` : lo !== undefined ? ` ≥ ${lo}${unit}` : hi !== undefined ? ` ≤ ${hi}${unit}` : "";
  if (type === "integer" || type === "number") return `${type}${bounds(s.minimum, s.maximum)}`;
  if (type === "string") return `string${bounds(s.minLength, s.maxLength, " chars")}`;
  if (type === "array") return `list${bounds(s.minItems, s.maxItems, " items")} of ${s.items ? typeOf(s.items) : "any"}`;
  if (type === "object" && !s.properties && typeof s.additionalProperties === "object") return `map of ${typeOf(s.additionalProperties)}`;
  return type;
}

/** The variant's discriminating value: the one property every variant has as a single literal. */
function discriminator(variants: Schema[]): string | undefined {
  const keys = Object.keys(variants[0]?.properties ?? {});
  return keys.find((k) => variants.every((v) => {
    const p = v.properties?.[k];
    return p && (p.const !== undefined || p.enum?.length === 1);
  }));
}

function rows(s: Schema, at: string, qualifier = ""): Row[] {
  const variants = s.oneOf ?? s.anyOf;
  const objects = variants?.filter((v) => v.properties);
  if (objects && objects.length > 1) {
    const key = discriminator(objects);
    return objects.flatMap((v) => {
      const p = key ? v.properties![key]! : undefined;
      const value = p ? (p.const ?? p.enum![0]) : undefined;
      // Without a discriminator, a variant is named by the field only it requires.
      const own = v.required?.find((r) => objects.every((o) => o === v || !o.required?.includes(r)));
      return rows({ ...v, description: v.description ?? s.description }, at, key ? ` (${key}: ${JSON.stringify(value)})` : own ? ` (with ${own})` : qualifier);
    });
  }
  if (s.properties && Object.keys(s.properties).length > 0) {
    const required = new Set(s.required ?? []);
    return Object.entries(s.properties)
      .filter(([k]) => k !== "$schema")
      .flatMap(([k, child]) => {
        const field = at ? `${at}.${k}` : k;
        // A list of objects or a map of objects documents its element's fields under `field[]` or `field.<name>`.
        const element = child.type === "array" && child.items?.properties ? { schema: child.items, at: `${field}[]` }
          : child.type === "object" && !child.properties && typeof child.additionalProperties === "object" && child.additionalProperties.properties ? { schema: child.additionalProperties, at: `${field}.<name>` }
          : undefined;
        if (element) {
          const meaning = [child.description ?? "", required.has(k) ? "Required." : ""].filter(Boolean).join(" ");
          return [{ field: `\`${field}\`${qualifier}`, type: typeOf(child), meaning }, ...rows(element.schema, element.at, qualifier)];
        }
        const nested = child.properties && Object.keys(child.properties).length > 0 && !child.enum;
        const head: Row[] = nested && child.description ? [{ field: `\`${field}\`${qualifier}`, type: "object", meaning: child.description }] : [];
        if (nested || (child.oneOf ?? child.anyOf)?.some((v) => v.properties)) return [...head, ...rows(child, field, qualifier)];
        const meaning = [child.description ?? "", required.has(k) ? "Required." : ""].filter(Boolean).join(" ");
        return [{ field: `\`${field}\`${qualifier}`, type: typeOf(child), meaning }];
      });
  }
  return [{ field: `\`${at}\`${qualifier}`, type: typeOf(s), meaning: s.description ?? "" }];
}

function table(list: readonly Row[]): string {
  return ["| field | takes | meaning and default |", "|---|---|---|", ...list.map((r) => `| ${r.field} | ${cell(r.type)} | ${cell(r.meaning)} |`)].join("\n");
}

const HEADER = (source: string) =>
  `<!-- Generated by \`npm run schemas\` from ${source}; edit those, not this page (a test fails when it is stale). -->\n`;

/** docs/reference/configuration.md: one table per section of the environment config. */
function configurationPage(schema: Schema): string {
  const sections = Object.entries(schema.properties ?? {}).filter(([k]) => k !== "$schema");
  const parts = [
    HEADER("config/schema (the zod schemas and their doc comments)"),
    "# Configuration reference",
    "",
    "Every field of an environment file (`config/environments/<name>.ts`, or a YAML or JSON file named by",
    "`PLATFORM_CONFIG`), with what it takes and its default. Synth checks more than a field's type: the",
    "cross-section rules and what AWS or Kubernetes would refuse at apply ([checks.md](checks.md)).",
    "Editors complete and check the same fields from `schemas/platform-config.schema.json`.",
    "",
    "Sections: " + sections.map(([k]) => `[\`${k}\`](#${k})`).join(", "),
    "",
  ];
  for (const [name, section] of sections) {
    parts.push(`## ${name}`, "");
    if (section.description) parts.push(section.description, "");
    parts.push(table(rows(section, name)), "");
  }
  return parts.join("\n");
}

/** docs/reference/catalog.md: the fields of a service catalog. */
function catalogPage(schema: Schema): string {
  return [
    HEADER("apps/catalog/types.ts (the zod schema and its doc comments)"),
    "# Service catalog reference",
    "",
    "Every field of a service catalog (`workloads.catalog`: a shipped catalog's name, or a YAML, JSON or",
    "TypeScript file), with what it takes and its default. Editors complete and check the same fields",
    "from `schemas/catalog.schema.json`; the shipped catalogs are `apps/reference.ts` and `apps/yelb.ts`.",
    "",
    table(rows(schema, "")),
    "",
  ].join("\n");
}

/** docs/reference/checks.md: the rules synth applies for what AWS or Kubernetes would refuse at apply. */
function checksPage(): string {
  return [
    HEADER("config/schema/apply-checks.ts (APPLY_RULES)"),
    "# Refused at synth: what AWS or Kubernetes would refuse at apply",
    "",
    "Besides each field's own type (see [configuration.md](configuration.md)), synth refuses these,",
    "each with one line naming the field and the fix. One test per rule, with its exact message, is in",
    "`__tests__/apply-checks.test.ts`.",
    "",
    "| rule | refused at synth | otherwise refused by |",
    "|---|---|---|",
    ...APPLY_RULES.map((r) => `| \`${r.id}\` | ${cell(r.checks)} | ${cell(r.refusedBy)} |`),
    "",
    "## Values checked against the AWS API models",
    "",
    `Each value below (or the name the platform builds from it) is checked against the shape of the API member it is sent in, from the AWS API models of botocore ${BOTOCORE.botocore} (\`facts/upstream/botocore/\`, extracted by \`scripts/regenerate-aws-shapes.ts\`; the table is \`AWS_SHAPE_RULES\` in \`config/schema/aws-shapes.ts\`).`,
    "",
    "| field | model shape | sent in |",
    "|---|---|---|",
    ...AWS_SHAPE_RULES.map((r) => `| \`${r.field}\`${r.keys ? " (keys)" : ""}${r.derive ? " (the name built from it)" : ""} | \`${r.shape}\`${r.also?.length ? ` and ${r.also.map((a) => `\`${a.id}\``).join(", ")}` : ""} | ${cell(r.sentTo)} |`),
    "",
    "Rules the models state only in words, written once with their source:",
    "",
    "| rule | source |",
    "|---|---|",
    ...DOCUMENTED_RULES.map((r) => `| \`${r.id}\` | ${cell([r.source.member ? `model member ${r.source.member}` : "", r.source.url ?? "", r.source.note ?? ""].filter(Boolean).join("; "))} |`),
    "",
    "## From other sources",
    "",
    `- Karpenter's fields (\`cluster.karpenter.nodePools.*\`: consolidation, budgets, expiry, weight, taints, label values) take their enumerations, patterns and bounds from the pinned NodePool CRD of Karpenter ${KARPENTER_CRD_VERSION} (\`facts/upstream/karpenter-${KARPENTER_CRD_VERSION}/\`), so the config accepts exactly what the API server will.`,
    `- \`cluster.kubernetesVersion\`: minors past EKS's extended support are refused, from the EKS release calendar as of ${EKS_CALENDAR_AS_OF} (\`facts/eks.ts\`).`,
    "- EC2 instance types the placement engine must size and price come from `facts/upstream/ec2-instances/` (its `provenance.json` names the sources and dates).",
    "",
  ].join("\n");
}

/** The pages, by project-relative path, from the generated JSON Schemas' text. */
export function generateReferenceDocs(schemas: Record<string, string>): Record<string, string> {
  const read = (file: string) => JSON.parse(schemas[file]!) as Schema;
  return {
    "docs/reference/configuration.md": configurationPage(read("schemas/platform-config.schema.json")),
    "docs/reference/catalog.md": catalogPage(read("schemas/catalog.schema.json")),
    "docs/reference/checks.md": checksPage(),
  };
}
