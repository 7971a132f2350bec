import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { AwsContext } from "./aws-context";

export interface ServiceKeyGrant {
  /** Service principal, e.g. `logs.us-east-1.amazonaws.com`. */
  readonly service: string;
  readonly actions: string[];
  /** Conditions that tie the grant to this platform's own resources (encryption context, source account). */
  readonly conditions: { test: string; variable: string; values: string[] }[];
}

/**
 * What CloudWatch Logs needs of a key that encrypts log groups: the key's use, only in the
 * encryption context of those groups (ARNs; any `*` makes them patterns, matched with ArnLike).
 */
export function cloudWatchLogsGrant(region: string, logGroupArns: string[]): ServiceKeyGrant {
  return {
    service: `logs.${region}.amazonaws.com`,
    actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
    conditions: [{ test: logGroupArns.some((a) => a.includes("*")) ? "ArnLike" : "ArnEquals", variable: "kms:EncryptionContext:aws:logs:arn", values: logGroupArns }],
  };
}

export interface PlatformKmsKeyProps {
  readonly context: AwsContext;
  readonly description: string;
  /** `alias/...` name. */
  readonly alias: string;
  /** AWS services allowed to use the key, each scoped by conditions. @default none */
  readonly serviceGrants?: ServiceKeyGrant[];
  /** @default 30 (the longest AWS allows, to recover from a mistaken delete) */
  readonly deletionWindowInDays?: number;
}

/**
 * A customer-managed key that rotates yearly, whose policy gives the account's IAM
 * administration and only the named services the use they need.
 */
export class PlatformKmsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: PlatformKmsKeyProps) {
    super(scope, id);
    const { context } = props;
    // The key policy is written inline on the key: in a key policy "Resource": "*" means
    // "this key", which IAM-policy scanners would misread on a separate policy document.
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountAdministersKeyThroughIam",
          Effect: "Allow",
          Principal: { AWS: `arn:${context.partition}:iam::${context.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        ...(props.serviceGrants ?? []).map((grant, i) => ({
          Sid: `ServiceUse${i}`,
          Effect: "Allow",
          Principal: { Service: grant.service },
          Action: grant.actions,
          Resource: "*",
          Condition: conditionBlock(grant.conditions),
        })),
      ],
    };
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: JSON.stringify(policy),
    });
    // Readable, stable addresses (`aws_kms_key.<id>`) instead of cdktf's hashed nested IDs.
    this.key.overrideLogicalId(id);
    new KmsAlias(this, "alias", { name: props.alias, targetKeyId: this.key.keyId }).overrideLogicalId(`${id}-alias`);
  }
}

/** IAM's condition block: operators as keys, several variables may share one operator. */
function conditionBlock(conditions: ServiceKeyGrant["conditions"]): Record<string, Record<string, string[]>> {
  const block: Record<string, Record<string, string[]>> = {};
  for (const c of conditions) (block[c.test] ??= {})[c.variable] = c.values;
  return block;
}
