/** AWS facts that hold across services: region names, partitions, ARNs, CloudWatch Logs retention, instance architectures. */

/** A region name ("us-east-1", "us-gov-west-1", "eu-isoe-west-1"). */
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The AWS partition a region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  return "aws";
}

/** [partition, region] of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export function arnParts(arn: string): { partition: string; service: string; region: string; account: string } {
  const [, partition = "", service = "", region = "", account = ""] = arn.split(":");
  return { partition, service, region, account };
}

/** Graviton instance families (a1, and <family><generation>g…: t4g, m7g, c6gn, x2gd, im4gn, is4gen, g5g). */
export function isArmInstanceType(type: string): boolean {
  return /^(a1|[a-z]+\d+g[a-z0-9-]*)\./.test(type);
}
