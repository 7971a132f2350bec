import type { z } from "zod";

const quote = (v: unknown) => JSON.stringify(v);

/**
 * The message of a zod issue as a refusal line says it: the value quoted and what is allowed.
 * The schemas give their own messages; this covers what zod would otherwise word itself
 * ("Invalid option: expected one of ..."). Needs the issue's input: parse with
 * `reportInput: true`.
 */
export function issueText(issue: z.core.$ZodIssue): string {
  // A missing field says so, whatever the field's own message for a wrong value.
  if (issue.code === "invalid_type" && issue.input === undefined) return "is required";
  const own = !/^(Invalid (option|input|string|value)|Too (big|small))\b/.test(issue.message);
  if (own) return issue.message;
  const value = quote(issue.input);
  switch (issue.code) {
    case "invalid_value":
      return `${value} is not allowed here; use one of ${issue.values.map(quote).join(", ")}`;
    case "invalid_type":
      return issue.input === undefined ? "is required" : `${value} is not ${article(issue.expected)}`;
    case "too_big":
    case "too_small": {
      const bound = issue.code === "too_big" ? issue.maximum : issue.minimum;
      const most = issue.code === "too_big" ? "at most" : "at least";
      if (issue.origin === "string") return `${value} is ${String(issue.input ?? "").length} characters; ${most} ${bound} are allowed`;
      if (issue.origin === "array" || issue.origin === "set") return `has ${(issue.input as unknown[] | undefined)?.length ?? "?"} items; ${most} ${bound} are allowed`;
      return `${value} is ${issue.code === "too_big" ? "more" : "less"} than allowed; use ${most} ${bound}`;
    }
    case "invalid_format":
      return `${value} is not in the form expected here${"pattern" in issue && issue.pattern ? ` (${issue.pattern})` : ""}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
