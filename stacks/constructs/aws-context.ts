import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";

/** Account and partition of the credentials in use, for ARNs built in policies. */
export class AwsContext extends Construct {
  readonly accountId: string;
  readonly partition: string;

  constructor(scope: Construct, id: string, readonly region: string) {
    super(scope, id);
    const caller = new DataAwsCallerIdentity(this, "caller");
    const partition = new DataAwsPartition(this, "partition");
    // Readable addresses instead of cdktf's hashed nested IDs.
    caller.overrideLogicalId("current");
    partition.overrideLogicalId("current");
    this.accountId = caller.accountId;
    this.partition = partition.partition;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` for this account and region. */
  arn(service: string, resource: string, region: string = this.region): string {
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }
}
