import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { TableAccess } from "../../apps/catalog";

/** DynamoDB actions per access level: item and query APIs only, never table administration. */
export const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
  write: ["dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem"],
  readwrite: [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
  ],
};

/**
 * A service's statements for its tables: exactly the catalog's access on each table and its
 * indexes, and the tables' KMS key only through DynamoDB (encrypt and data keys only when it
 * writes). One function, so the EKS and ECS roles of a service cannot drift apart.
 */
export function tableStatements(props: {
  readonly tables: Readonly<Record<string, TableAccess>>;
  readonly tableArn: (table: string) => string;
  readonly keyArn: string | undefined;
  readonly region: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const entries = Object.entries(props.tables);
  const statements: DataAwsIamPolicyDocumentStatement[] = entries.map(([name, access]) => {
    const arn = props.tableArn(name);
    return { sid: `Table${pascal(name)}${pascal(access)}`, actions: TABLE_ACTIONS[access], resources: [arn, `${arn}/index/*`] };
  });
  if (entries.length && props.keyArn) {
    const writes = entries.some(([, a]) => a !== "read");
    statements.push({
      sid: "TableKeyThroughDynamoDbOnly",
      actions: ["kms:Decrypt", "kms:DescribeKey", ...(writes ? ["kms:Encrypt", "kms:GenerateDataKey"] : [])],
      resources: [props.keyArn],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`dynamodb.${props.region}.amazonaws.com`] }],
    });
  }
  return statements;
}

function pascal(s: string): string {
  return s.replace(/(^|[-_])([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}
