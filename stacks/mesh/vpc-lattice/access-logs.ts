import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { VpclatticeAccessLogSubscription } from "@cdktf/provider-aws/lib/vpclattice-access-log-subscription";
import type { Naming } from "../../../facts/naming";
import type { AwsContext } from "../../constructs/aws-context";
import { skipCheck } from "../../synth/checkov";
import { cloudWatchLogsGrant, PlatformKmsKey } from "../../constructs/kms-key";

export interface LatticeAccessLogsProps {
  readonly context: AwsContext;
  readonly naming: Naming;
  /** The service network whose requests are logged. */
  readonly serviceNetworkId: string;
  /** Days the log group keeps entries (observability.logs.lattice.retentionDays). */
  readonly retentionDays: number;
}

/**
 * VPC Lattice access logs for the whole service network: one entry per request to any of
 * its services (source VPC and IAM principal, target, status, timings), delivered to a
 * CloudWatch log group encrypted with its own rotating key. Subscribed with Terraform on
 * the service network, not through the controller's AccessLogPolicy, so the controller
 * keeps no log-delivery permissions (stacks/mesh/vpc-lattice.ts).
 */
export class LatticeAccessLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly subscription: VpclatticeAccessLogSubscription;

  constructor(scope: Construct, id: string, props: LatticeAccessLogsProps) {
    super(scope, id);
    const { context, naming } = props;
    const name = naming.vendedLogGroup("lattice-access");
    const key = new PlatformKmsKey(this, `${id}-key`, {
      context,
      description: `Encrypts the VPC Lattice access log of ${naming.prefix}`,
      alias: naming.kmsAlias("lattice-access-logs"),
      serviceGrants: [cloudWatchLogsGrant(context.region, [context.arn("logs", `log-group:${name}`)])],
    });
    this.logGroup = new CloudwatchLogGroup(this, "log-group", { name, retentionInDays: props.retentionDays, kmsKeyId: key.key.arn });
    this.logGroup.overrideLogicalId(`${id}-log-group`);
    if (props.retentionDays < 365) {
      skipCheck(this.logGroup, "CKV_AWS_338", `kept ${props.retentionDays} days by observability.logs.lattice.retentionDays, a choice made in the environment's config (the default is 365)`);
    }
    this.subscription = new VpclatticeAccessLogSubscription(this, "subscription", {
      resourceIdentifier: props.serviceNetworkId,
      destinationArn: this.logGroup.arn,
      // Requests to the network's services (RESOURCE would log resource configurations, which the platform has none of).
      serviceNetworkLogType: "SERVICE",
    });
    this.subscription.overrideLogicalId(`${id}-subscription`);
  }
}
