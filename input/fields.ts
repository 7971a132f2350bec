import { z } from "zod";
import { LOG_RETENTION_DAYS, REGION_PATTERN } from "../facts/aws";
import { isDns1123Label, isKubernetesOwnedNamespace, isLabelKey, isLabelValue } from "../facts/kubernetes";

/**
 * The field types environment files and catalogs are checked with. Each message says what
 * is wrong and what is allowed, because the loader prints it next to the field's path and
 * nothing else; the rules themselves are facts (facts/aws.ts, facts/kubernetes.ts).
 */

export const region = z
  .string()
  .regex(REGION_PATTERN, { error: (i) => `${JSON.stringify(i.input)} is not an AWS region name; use one like "us-east-1" or "eu-west-1"` });

/** Lower-case DNS-style label: usable in IAM, EKS, S3, KMS alias and log group names alike. */
export function dnsLabel(what: string, maxLength: number) {
  return z
    .string()
    .max(maxLength, { error: (i) => `${JSON.stringify(i.input)} is longer than ${maxLength} characters; ${what} must be 1-${maxLength} characters so derived AWS names stay within their limits` })
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      error: (i) => `${JSON.stringify(i.input)} is not a valid ${what}; use lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (AWS rejects other characters in IAM, EKS and S3 names)`,
    });
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const tags = z
  .record(
    z
      .string()
      .min(1, { error: "tag keys cannot be empty" })
      .max(128, { error: (i) => `tag key ${JSON.stringify(i.input)} is longer than 128 characters (the AWS limit)` })
      .regex(TAG_CHARS, { error: (i) => `tag key ${JSON.stringify(i.input)} has characters AWS rejects; use letters, digits, spaces and _ . : / = + - @` })
      .refine((k) => !k.toLowerCase().startsWith("aws:"), { error: (i) => `tag key ${JSON.stringify(i.input)} uses the reserved "aws:" prefix; choose another key` }),
    z
      .string()
      .max(256, { error: "tag values must be at most 256 characters (the AWS limit)" })
      .regex(TAG_CHARS, { error: (i) => `tag value ${JSON.stringify(i.input)} has characters AWS rejects; use letters, digits, spaces and _ . : / = + - @` }),
  )
  .refine((t) => Object.keys(t).length <= 40, {
    error: "at most 40 tags: AWS allows 50 per resource and the platform adds its own",
  });

export const logRetentionDays = z
  .number()
  .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
    error: (i) => `${JSON.stringify(i.input)} is not a retention CloudWatch Logs accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
  });

export const iamArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:(iam|sts)::\d{12}:(role|user|assumed-role)\/[\w+=,.@\/-]+$/, {
    error: (i) => `${JSON.stringify(i.input)} is not an IAM principal ARN; use arn:aws:iam::<12-digit account>:role/<name> or :user/<name>`,
  });

export const kmsKeyArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w\/-]+$/, {
    error: (i) => `${JSON.stringify(i.input)} is not a KMS key or alias ARN; use arn:aws:kms:<region>:<account>:key/<id>`,
  });

/** Positive integer with a bounded range and a message that states the range. */
export function intInRange(what: string, min: number, max: number) {
  return z
    .number({ error: (i) => `${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(i.input)}` })
    .int({ error: (i) => `${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(i.input)}` })
    .min(min, { error: (i) => `${JSON.stringify(i.input)} is too small; ${what} must be from ${min} to ${max}` })
    .max(max, { error: (i) => `${JSON.stringify(i.input)} is too large; ${what} must be from ${min} to ${max}` });
}

const quote = (v: unknown) => JSON.stringify(v);

/** A Kubernetes label key (facts/kubernetes.ts). */
export const labelKey = z.string().refine(isLabelKey, {
  error: (i) => `${quote(i.input)} is not a valid Kubernetes label key; use [prefix/]name, the name 1-63 letters, digits, "-", "_" or "." starting and ending with a letter or digit`,
});

/** A Kubernetes label value; `nonEmpty` where the API that takes it refuses "" (EKS node group labels and taints, Karpenter). */
export function labelValue(options: { readonly nonEmpty?: boolean } = {}) {
  return z.string().refine((v) => isLabelValue(v) && !(options.nonEmpty && v === ""), {
    error: (i) => `${quote(i.input)} is not a valid label value here; use ${options.nonEmpty ? "1-63" : "at most 63"} letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
  });
}

/** A namespace name (a DNS label), which Kubernetes itself does not own. */
export const namespaceName = z.string().refine(isDns1123Label, {
  error: (i) => `${quote(i.input)} is not a valid Kubernetes namespace name; use 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit`,
});

export { isKubernetesOwnedNamespace };
