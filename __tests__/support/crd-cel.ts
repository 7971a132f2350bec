import { run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";

/**
 * Evaluates a CRD's CEL validation rules (`x-kubernetes-validations`) on a custom resource,
 * as the API server would on create: every rule at every schema node the resource has,
 * with `self` bound to the value there. Transition rules (`oldSelf`) only apply to
 * updates and are skipped. JSON Schema validation (crd-schema.ts) does not cover these
 * rules, and the Gateway API CRDs carry most of their constraints in them. Schema defaults
 * are applied first, as the API server does (an HTTPRoute rule without matches gets "/").
 */
export interface CelReport {
  /** Rules that evaluated to false: `<path>: <message>`. */
  readonly failed: string[];
  /** Rules the evaluator could not run (an unsupported function): `<path>: <rule> (<error>)`. */
  readonly unevaluated: string[];
  /** How many rules were evaluated to true. */
  readonly passed: number;
}

interface SchemaNode {
  type?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  "x-kubernetes-validations"?: Array<{ rule: string; message?: string }>;
}

/** JSON values as CEL sees them: schema integers become CEL ints (bigint). */
function toCel(value: unknown, schema: SchemaNode | undefined): unknown {
  if (schema?.type === "integer" && typeof value === "number") return BigInt(value);
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (value && typeof value === "object") {
    return new Map(
      Object.entries(value).map(([k, v]) => [k, toCel(v, schema?.properties?.[k] ?? (typeof schema?.additionalProperties === "object" ? schema.additionalProperties : undefined))]),
    );
  }
  return value;
}

/** The object with the schema's defaults filled in, as the API server does before validating. */
export function withDefaults(schema: object, value: unknown): unknown {
  const node = schema as SchemaNode;
  if (Array.isArray(value)) return node.items ? value.map((v) => withDefaults(node.items!, v)) : value;
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [k, sub] of Object.entries(node.properties ?? {})) {
    if (out[k] === undefined && sub.default !== undefined) out[k] = structuredClone(sub.default);
    if (out[k] !== undefined) out[k] = withDefaults(sub, out[k]);
  }
  return out;
}

export function celReport(schema: object, resource: unknown): CelReport {
  resource = withDefaults(schema, resource);
  const report = { failed: [] as string[], unevaluated: [] as string[], passed: 0 };
  const visit = (node: SchemaNode | undefined, value: unknown, path: string) => {
    if (!node || value === undefined || value === null) return;
    for (const v of node["x-kubernetes-validations"] ?? []) {
      if (v.rule.includes("oldSelf")) continue;
      try {
        if (run(v.rule, { self: toCel(value, node) } as never, { funcs: strings }) === true) report.passed++;
        else report.failed.push(`${path}: ${v.message ?? v.rule}`);
      } catch (error) {
        report.unevaluated.push(`${path}: ${v.rule} (${(error as Error).message.split("\n")[0]})`);
      }
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(node.items, item, `${path}[${i}]`));
    else if (typeof value === "object") {
      for (const [k, child] of Object.entries(value as Record<string, unknown>)) {
        const sub = node.properties?.[k] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
        visit(sub, child, `${path}.${k}`);
      }
    }
  };
  visit(schema as SchemaNode, resource, "");
  return report;
}
