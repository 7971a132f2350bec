import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { Table } from "../../apps/catalog";

export interface WorkloadTableProps {
  /** AWS table name (`<prefix>-<name>`). */
  readonly name: string;
  readonly table: Table;
  /** Customer-managed key for server-side encryption. */
  readonly kmsKeyArn: string;
  /**
   * Lift deletion protection and Terraform's prevent_destroy (config
   * `workloads.tables.<name>.allowDestroy`). @default false
   */
  readonly allowDestroy: boolean;
}

/**
 * A catalog table that outlives its services: point-in-time recovery, SSE with a customer
 * key, deletion protection in AWS, and `prevent_destroy` in Terraform, so neither a destroy
 * nor a replacement (a key change) can delete it or its data until `allowDestroy` is set
 * and applied (see docs/workloads.md, "Deleting a table").
 */
export class WorkloadTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: WorkloadTableProps) {
    super(scope, id);
    const { table } = props;
    const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
    const provisioned = table.billing === "provisioned";
    this.table = new DynamodbTable(this, "table", {
      name: props.name,
      billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
      ...(provisioned ? { readCapacity: table.readCapacity, writeCapacity: table.writeCapacity } : {}),
      hashKey: table.partitionKey.name,
      ...(table.sortKey ? { rangeKey: table.sortKey.name } : {}),
      attribute: keys.map((k) => ({ name: k.name, type: k.type })),
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: !props.allowDestroy,
      lifecycle: { preventDestroy: !props.allowDestroy },
    });
    this.table.overrideLogicalId(id);
  }
}
