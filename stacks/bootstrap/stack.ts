/**
 * The state backend's own infrastructure: the S3 bucket (and its KMS key) that
 * every other stack keeps its state in when a team uses the S3 backend.
 *
 * It cannot keep its own state in the bucket it creates, so it uses LOCAL state
 * at `state/bootstrap.tfstate` in the project; commit nothing of it, but keep it
 * (it is small and holds no secrets) or re-import the two resources if lost.
 *
 * Locking needs no DynamoDB table: Terraform ≥ 1.10 locks S3 state with a
 * lockfile object next to it (`use_lockfile = true`, `<key>.tflock`), which is
 * why this stack creates none.
 */
import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack, Token } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { AwsContext } from "../constructs/aws-context";
import { skipCheck } from "../synth/checkov";
import { PlatformKmsKey } from "../constructs/kms-key";
import { qualifyProviderSource } from "../synth/provider-source";
import { STACK_DIR_TO_PROJECT_ROOT } from "../constructs/state-backend";

export interface BootstrapStackProps {
  /** AWS region of the bucket; the S3 backend config of every stack must name the same. */
  readonly region: string;
  /** Globally unique S3 bucket name for the state. */
  readonly bucketName: string;
  /**
   * Alias of the customer-managed KMS key that encrypts the state, `alias/...`.
   * @default `alias/<bucketName>`
   */
  readonly kmsKeyAlias?: string;
  /** Tags for every resource, applied through the provider's default_tags. */
  readonly tags: Record<string, string>;
}

/**
 * Local state path, relative to where Terraform runs for this stack
 * (`cdktf.out/stacks/bootstrap/`), so it lands at `<project>/state/bootstrap.tfstate`
 * on any machine. cdktf's default would be an absolute path of the machine that synthesized.
 */
export const BOOTSTRAP_STATE_PATH = `${STACK_DIR_TO_PROJECT_ROOT}/state/bootstrap.tfstate`;

/** Old state versions kept this long after being superseded: enough to roll back a bad apply. */
export const NONCURRENT_VERSION_DAYS = 90;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class BootstrapStack extends TerraformStack {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const kmsKeyAlias = props.kmsKeyAlias ?? `alias/${props.bucketName}`;
    validate(props, kmsKeyAlias);

    new LocalBackend(this, { path: BOOTSTRAP_STATE_PATH });
    new AwsProvider(this, "aws", { region: props.region, defaultTags: [{ tags: props.tags }] });
    qualifyProviderSource(this, "aws");

    const context = new AwsContext(this, "aws-context", props.region);
    this.key = new PlatformKmsKey(this, "tfstate_key", {
      context,
      description: `Encrypts the Terraform state in s3://${props.bucketName}`,
      alias: kmsKeyAlias,
    }).key;
    // Losing the key makes every stack's state unreadable.
    this.key.lifecycle = { preventDestroy: true };

    this.bucket = new S3Bucket(this, "tfstate_bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    skipCheck(this.bucket, "CKV_AWS_18", "state bucket: server access logs need a second bucket with its own bootstrap; use CloudTrail S3 data events for object-level audit");
    skipCheck(this.bucket, "CKV_AWS_144", "state bucket: versioning covers recovery from bad writes; replication needs a second region's bucket, out of scope here");
    skipCheck(this.bucket, "CKV2_AWS_62", "state bucket: no consumer for object event notifications");

    new S3BucketVersioningA(this, "tfstate_bucket_versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "tfstate_bucket_encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
          // One data key per bucket instead of a KMS call per object: cheaper, same protection.
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "tfstate_bucket_public_access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "tfstate_bucket_ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    const tlsOnly = new DataAwsIamPolicyDocument(this, "tfstate_bucket_tls_only", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "tfstate_bucket_policy", {
      bucket: this.bucket.id,
      policy: tlsOnly.json,
      // S3 rejects a policy write that races the public access block change on the same bucket.
      dependsOn: [publicAccess],
    });

    new S3BucketLifecycleConfiguration(this, "tfstate_bucket_lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-noncurrent-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_VERSION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    new TerraformOutput(this, "state_bucket", {
      value: this.bucket.bucket,
      description: "Bucket for the S3 backend: the `bucket` of every stack's backend config",
    });
    new TerraformOutput(this, "state_kms_key_arn", {
      value: this.key.arn,
      // With encrypt = true and no kms_key_id the S3 backend asks for SSE-S3 (AES256) on
      // every write, overriding the bucket's KMS default: backends must name this key.
      description: "KMS key for the state: set it as the config's state.kmsKeyArn (the S3 backend's kms_key_id)",
    });
  }
}

function validate(props: BootstrapStackProps, kmsKeyAlias: string): void {
  if (!Token.isUnresolved(props.region) && props.region.trim() === "") {
    throw new Error("bootstrap: region is empty; set the AWS region of the state bucket");
  }
  if (!Token.isUnresolved(props.bucketName) && (!BUCKET_NAME.test(props.bucketName) || props.bucketName.includes(".."))) {
    throw new Error(
      `bootstrap: bucketName "${props.bucketName}" is not a valid S3 bucket name: use 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit`,
    );
  }
  if (!Token.isUnresolved(kmsKeyAlias) && (!kmsKeyAlias.startsWith("alias/") || kmsKeyAlias.startsWith("alias/aws/"))) {
    throw new Error(`bootstrap: kmsKeyAlias "${kmsKeyAlias}" must start with "alias/" and not "alias/aws/" (reserved for AWS managed keys)`);
  }
}
