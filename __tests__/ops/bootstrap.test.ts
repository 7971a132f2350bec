import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { formatFindings, scanStacks } from "../../scripts/security-scan";
import { BOOTSTRAP_STATE_PATH, BootstrapStack, type BootstrapStackProps } from "../../stacks/bootstrap/stack";

const PROPS: BootstrapStackProps = {
  region: "eu-west-1",
  bucketName: "acme-platform-tfstate",
  tags: { project: "eks-mesh-platform", owner: "platform-team" },
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(props: BootstrapStackProps = PROPS): Json {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new BootstrapStack(app, "bootstrap", props))) as Json;
}

/** The cdk.tf.json cdktf writes to disk, with its "//" comments (Testing.synth strips them). */
function synthToDisk(): { dir: string; json: Json; text: string } {
  const app = Testing.app();
  const stack = new BootstrapStack(app, "bootstrap", PROPS);
  const outdir = Testing.fullSynth(stack);
  const text = readFileSync(join(outdir, "stacks", "bootstrap", "cdk.tf.json"), "utf8");
  return { dir: outdir, json: JSON.parse(text) as Json, text };
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [...(k === "//" ? [] : [k]), ...strings(v)]); // "//" is Terraform JSON's comment key
  return [];
}

describe("BootstrapStack", () => {
  const tf = synth();
  const resource = tf.resource as Json;

  it("keeps its own state locally, at a path relative to the stack's working directory", () => {
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../state/bootstrap.tfstate" } });
    // Terraform runs in cdktf.out/stacks/bootstrap/, so the state lands at <project>/state/bootstrap.tfstate.
    expect(resolve("/project/cdktf.out/stacks/bootstrap", BOOTSTRAP_STATE_PATH)).toBe("/project/state/bootstrap.tfstate");
  });

  it("writes no absolute path anywhere, so the synthesized code works on any machine", () => {
    const { text, json } = synthToDisk();
    expect(text).not.toContain(process.cwd());
    // "//" also appears as a value: cdktf's metadata lists the overrides made, and skipCheck makes one.
    const absolute = strings(json).filter((s) => s !== "//" && (s.startsWith("/") || /^[A-Za-z]:\\/.test(s)));
    expect(absolute).toEqual([]);
  });

  it("creates a versioned bucket that cannot be destroyed by accident", () => {
    expect(resource.aws_s3_bucket.tfstate_bucket).toEqual({
      bucket: "acme-platform-tfstate",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(resource.aws_s3_bucket_versioning.tfstate_bucket_versioning).toEqual({
      bucket: "${aws_s3_bucket.tfstate_bucket.id}",
      versioning_configuration: { status: "Enabled" },
    });
  });

  it("encrypts with a rotating customer key that cannot be destroyed by accident", () => {
    expect(resource.aws_s3_bucket_server_side_encryption_configuration.tfstate_bucket_encryption).toEqual({
      bucket: "${aws_s3_bucket.tfstate_bucket.id}",
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.tfstate_key.arn}" },
          bucket_key_enabled: true,
        },
      ],
    });
    const key = resource.aws_kms_key.tfstate_key;
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(JSON.parse(key.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKeyThroughIam",
          Effect: "Allow",
          Principal: { AWS: "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" },
          Action: "kms:*",
          Resource: "*",
        },
      ],
    });
    expect(resource.aws_kms_alias["tfstate_key-alias"]).toEqual({
      name: "alias/acme-platform-tfstate",
      target_key_id: "${aws_kms_key.tfstate_key.key_id}",
    });
  });

  it("blocks all public access and ACLs", () => {
    expect(resource.aws_s3_bucket_public_access_block.tfstate_bucket_public_access).toEqual({
      bucket: "${aws_s3_bucket.tfstate_bucket.id}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resource.aws_s3_bucket_ownership_controls.tfstate_bucket_ownership.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  it("denies every request not made over TLS", () => {
    expect(resource.aws_s3_bucket_policy.tfstate_bucket_policy).toEqual({
      bucket: "${aws_s3_bucket.tfstate_bucket.id}",
      policy: "${data.aws_iam_policy_document.tfstate_bucket_tls_only.json}",
      depends_on: ["aws_s3_bucket_public_access_block.tfstate_bucket_public_access"],
    });
    expect(tf.data.aws_iam_policy_document.tfstate_bucket_tls_only.statement).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: ["${aws_s3_bucket.tfstate_bucket.arn}", "${aws_s3_bucket.tfstate_bucket.arn}/*"],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  it("expires old state versions", () => {
    expect(resource.aws_s3_bucket_lifecycle_configuration.tfstate_bucket_lifecycle.rule).toEqual([
      {
        id: "expire-noncurrent-state-versions",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
  });

  it("creates no DynamoDB lock table: Terraform ≥ 1.10 locks with an S3 lockfile", () => {
    expect(resource.aws_dynamodb_table).toBeUndefined();
  });

  it("tags everything through the provider and outputs the bucket and key", () => {
    expect(tf.provider.aws).toEqual([{ region: "eu-west-1", default_tags: [{ tags: PROPS.tags }] }]);
    expect(tf.output.state_bucket.value).toBe("${aws_s3_bucket.tfstate_bucket.bucket}");
    expect(tf.output.state_kms_key_arn.value).toBe("${aws_kms_key.tfstate_key.arn}");
  });

  it("passes Checkov, but for the checks skipped next to the bucket with a reason", () => {
    const { dir } = synthToDisk();
    const report = scanStacks(join(dir, "stacks"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    expect(report.skipped.map((f) => `${f.checkId} ${f.resource}`).sort()).toEqual([
      "CKV2_AWS_62 aws_s3_bucket.tfstate_bucket",
      "CKV_AWS_144 aws_s3_bucket.tfstate_bucket",
      "CKV_AWS_18 aws_s3_bucket.tfstate_bucket",
    ]);
    // The scan really looked at the key and the bucket's settings.
    expect(report.passedChecks.map((p) => p.checkId)).toEqual(
      expect.arrayContaining(["CKV_AWS_7", "CKV_AWS_21", "CKV_AWS_145", "CKV2_AWS_6", "CKV2_AWS_61", "CKV2_AWS_64"]),
    );
  });

  it("takes a custom key alias", () => {
    const custom = synth({ ...PROPS, kmsKeyAlias: "alias/platform/tfstate" });
    expect(custom.resource.aws_kms_alias["tfstate_key-alias"].name).toBe("alias/platform/tfstate");
  });

  it("refuses an invalid bucket name, saying what a valid one is", () => {
    expect(() => synth({ ...PROPS, bucketName: "Acme_State" })).toThrow(
      'bootstrap: bucketName "Acme_State" is not a valid S3 bucket name: use 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit',
    );
  });

  it("refuses a key alias outside alias/ or in AWS's reserved alias/aws/", () => {
    expect(() => synth({ ...PROPS, kmsKeyAlias: "tfstate" })).toThrow(
      'bootstrap: kmsKeyAlias "tfstate" must start with "alias/" and not "alias/aws/" (reserved for AWS managed keys)',
    );
    expect(() => synth({ ...PROPS, kmsKeyAlias: "alias/aws/s3" })).toThrow('bootstrap: kmsKeyAlias "alias/aws/s3" must start with');
  });

  it("refuses an empty region", () => {
    expect(() => synth({ ...PROPS, region: " " })).toThrow("bootstrap: region is empty; set the AWS region of the state bucket");
  });
});
