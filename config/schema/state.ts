import { z } from "zod";
import { kmsKeyArn, region } from "../../input/fields";

const relativeDirectory = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes(".."), {
    error: (i) => `${JSON.stringify(i.input)} must be a path inside the project (relative, without ".."), so state never points at one machine's absolute path`,
  });

const S3_BUCKET = /^(?!xn--)(?!sthree-)(?!.*-s3alias$)(?!.*--ol-s3$)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const localStateSchema = z.strictObject({
  backend: z.literal("local"),
  /**
   * Folder, relative to the project root, that holds `<environment>/<stack>.tfstate`.
   * @default "state"
   */
  directory: relativeDirectory.default("state"),
});

export const s3StateSchema = z.strictObject({
  backend: z.literal("s3"),
  /** State bucket (create it once with the `bootstrap` stack). */
  bucket: z.string().regex(S3_BUCKET, {
    error: (i) => `${JSON.stringify(i.input)} is not a valid S3 bucket name; use 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit`,
  }).refine((b) => !b.includes(".."), { error: "S3 bucket names cannot contain \"..\"" }),
  /** Region of the bucket. @default platform.region */
  region: region.optional(),
  /** Key prefix; state lives at `<keyPrefix>/<environment>/<stack>.tfstate`. @default "eks-mesh-platform" */
  keyPrefix: z.string().regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, {
    error: (i) => `${JSON.stringify(i.input)} is not a valid key prefix; use path segments of letters, digits and !_.*'()- separated by "/", without leading or trailing "/"`,
  }).default("eks-mesh-platform"),
  /**
   * KMS key (or alias) ARN that encrypts the state objects: the bootstrap stack's
   * `state_kms_key_arn` output. Required: with `encrypt = true` and no key, Terraform asks
   * S3 for AES256 on every write, which overrides the bucket's KMS default.
   */
  kmsKeyArn: z.custom<string>((v) => v !== undefined, {
    error: "is required with the s3 backend: without it Terraform writes state with AES256 and ignores the bucket's KMS key; use the bootstrap stack's state_kms_key_arn output",
  }).pipe(kmsKeyArn),
  /** Optional legacy DynamoDB lock table; S3 native locking (`use_lockfile`, Terraform >= 1.10) is always on. */
  dynamodbTable: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "DynamoDB table names are 3-255 characters of letters, digits, _ . -" }).optional(),
});

export const stateSchema = z
  .discriminatedUnion("backend", [localStateSchema, s3StateSchema], {
    error: (i) => `unknown backend ${JSON.stringify((i.input as { backend?: unknown })?.backend)}; use "local" (default) or "s3"`,
  })
  .prefault({ backend: "local" });
