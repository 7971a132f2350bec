import { z } from "zod";

// Shared field types. Each message says what is wrong and what is allowed,
// because the loader prints it next to the field's path and nothing else.

export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

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

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

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
