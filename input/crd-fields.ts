import { z } from "zod";
import type { CrdProperty } from "../facts/upstream/karpenter";

const quote = (v: unknown) => JSON.stringify(v);

/**
 * A string field whose rules are a CRD property's (pattern, maxLength, enum), so the config
 * accepts exactly what the API server will. `what` names the field's kind in messages and
 * `example` shows a valid value; `source` names the CRD ("the Karpenter v1.14.1 NodePool CRD").
 */
export function crdString(property: CrdProperty, what: string, example: string, source: string) {
  // Kubernetes patterns are ECMA-262 compatible (the API server's are RE2, a subset).
  const pattern = property.pattern !== undefined ? new RegExp(property.pattern) : undefined;
  // An enumeration stays one in the JSON Schema, so editors complete its values.
  if (property.enum) {
    const values = property.enum as [string, ...string[]];
    return z.enum(values, { error: (i) => `${quote(i.input)} is not ${what}; ${source} allows ${values.map(quote).join(", ")}` });
  }
  return z.string().superRefine((v, ctx) => {
    const refuse = (message: string) => ctx.addIssue({ code: "custom", input: v, message });
    if (property.maxLength !== undefined && v.length > property.maxLength) refuse(`${quote(v)} is ${v.length} characters; ${source} allows at most ${property.maxLength} for ${what}`);
    else if (pattern && !pattern.test(v)) refuse(`${quote(v)} is not ${what} as ${source} accepts it (pattern ${property.pattern}); write it like ${quote(example)}`);
  });
}

/** An integer field bounded by a CRD property's minimum and maximum. */
export function crdInteger(property: CrdProperty, what: string, source: string) {
  return z.number({ error: (i) => `${quote(i.input)} is not a number` }).int({ error: (i) => `${quote(i.input)} is not a whole number` }).superRefine((v, ctx) => {
    if ((property.minimum !== undefined && v < property.minimum) || (property.maximum !== undefined && v > property.maximum)) {
      ctx.addIssue({ code: "custom", input: v, message: `${v} is outside ${property.minimum ?? "-∞"}–${property.maximum ?? "∞"}, what ${source} allows for ${what}` });
    }
  });
}
