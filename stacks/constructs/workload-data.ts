import type { Construct } from "constructs";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import type { PlatformConfig } from "../../config/schema";
import type { Naming } from "../../facts/naming";
import { workloadTableName } from "../../facts/observability";
import type { AwsContext } from "./aws-context";
import { WorkloadTable } from "./dynamodb-table";
import { WorkloadRepository } from "./ecr-repository";
import { PlatformKmsKey } from "./kms-key";

/** The catalog's tables and image repositories, with the keys that encrypt them. */
export interface WorkloadData {
  readonly tables: Map<string, DynamodbTable>;
  /** The tables' key; undefined when the catalog has no table. */
  readonly tableKey?: PlatformKmsKey;
  readonly repositories: Map<string, EcrRepository>;
}

/**
 * Creates, directly in `stack`, what the services store and run from: one customer key for
 * every table (roles may use it only through DynamoDB), the tables, one key for the images
 * and one ECR repository per distinct `{ ecr }` name across services and versions. The EKS
 * workloads stack and the ECS services stack both call it, so the two orchestrators create
 * the same resources under the same IDs and names (a switch keeps the data's addresses).
 */
export function addWorkloadData(stack: Construct, props: { readonly config: PlatformConfig; readonly naming: Naming; readonly context: AwsContext }): WorkloadData {
  const { config, naming, context } = props;
  const catalog = config.workloads.app;

  const tableNames = Object.keys(catalog.tables);
  const tableKey = tableNames.length
    ? new PlatformKmsKey(stack, "tables-key", { context, description: `Encrypts the ${naming.prefix} workload DynamoDB tables`, alias: naming.kmsAlias("workload-tables") })
    : undefined;
  const tables = new Map(
    tableNames.map((name) => [
      name,
      new WorkloadTable(stack, `table-${name}`, {
        name: workloadTableName(naming, name),
        table: catalog.tables[name],
        kmsKeyArn: tableKey!.key.arn,
        allowDestroy: config.workloads.tables[name]?.allowDestroy ?? false,
      }).table,
    ]),
  );

  const repoNames = [...new Set(catalog.services.flatMap((s) => [s.image, ...s.versions.map((v) => v.image ?? s.image)]).flatMap((i) => ("ecr" in i ? [i.ecr] : [])))];
  const ecrKey = repoNames.length
    ? new PlatformKmsKey(stack, "images-key", { context, description: `Encrypts the ${naming.prefix} workload images`, alias: naming.kmsAlias("workload-images") })
    : undefined;
  const repositories = new Map(
    repoNames.map((name) => [name, new WorkloadRepository(stack, `repository-${name}`, { name: `${naming.prefix}/${name}`, kmsKeyArn: ecrKey!.key.arn, keepImages: config.workloads.ecr.keepImages }).repository]),
  );
  return { tables, tableKey, repositories };
}
