import { Construct } from "constructs";
import { DataAwsLbHostedZoneId } from "@cdktf/provider-aws/lib/data-aws-lb-hosted-zone-id";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface EdgeAliasRecordProps {
  readonly domainName: string;
  readonly hostedZoneId: string;
  /**
   * DNS name of the load balancer. The ALB is made by the AWS Load Balancer Controller, not
   * by Terraform, so this is the hostname the controller writes into the Ingress status
   * (the workloads stack waits for it): known only during the first apply.
   */
  readonly loadBalancerHostname: string;
}

/**
 * `domainName` → the public load balancer, as a Route 53 alias A record. An alias works at
 * the zone apex too (a CNAME cannot), costs no queries, and follows the ALB's addresses.
 * Its target zone is the ALB's canonical hosted zone for the region, which AWS publishes
 * as a constant (the data source makes no API call that needs the ALB to exist).
 */
export class EdgeAliasRecord extends Construct {
  readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: EdgeAliasRecordProps) {
    super(scope, id);
    const albZone = new DataAwsLbHostedZoneId(this, "alb-zone", { loadBalancerType: "application" });
    albZone.overrideLogicalId(`${id}-alb-zone`);
    this.record = new Route53Record(this, "record", {
      zoneId: props.hostedZoneId,
      name: props.domainName,
      type: "A",
      alias: { name: props.loadBalancerHostname, zoneId: albZone.id, evaluateTargetHealth: true },
    });
    this.record.overrideLogicalId(id);
  }
}
