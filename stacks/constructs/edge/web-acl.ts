import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import type { AwsContext } from "../aws-context";
import { cloudWatchLogsGrant, PlatformKmsKey } from "../kms-key";

/**
 * The AWS managed rule groups a public web application normally starts from, in the order
 * WAF evaluates them (after the rate limit, so a flood is cut before the costlier rules).
 * None of them costs extra beyond the per-rule fee.
 */
export const MANAGED_RULE_GROUPS = [
  // OWASP-style protections: XSS, path traversal, oversized bodies (blocks bodies > 8 KB: see docs/encryption.md).
  { name: "AWSManagedRulesCommonRuleSet", priority: 10 },
  // Request patterns known to exploit vulnerabilities, Log4j's JNDI lookups among them (CKV_AWS_192).
  { name: "AWSManagedRulesKnownBadInputsRuleSet", priority: 20 },
  // Addresses Amazon threat intelligence has seen in bots and attacks.
  { name: "AWSManagedRulesAmazonIpReputationList", priority: 30 },
] as const;

/** Name of the rate-based rule. */
export const RATE_LIMIT_RULE = "RateLimitPerIp";

/** Request headers kept out of the WAF log: they carry credentials and session cookies. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface EdgeWebAclProps {
  readonly context: AwsContext;
  /** Web ACL and metric name. */
  readonly name: string;
  /** Log group name; WAF accepts only names that start with "aws-waf-logs-". */
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  /** KMS alias of the log group's key. */
  readonly keyAlias: string;
  /** Requests per client IP in 5 minutes before it is blocked. */
  readonly rateLimitPer5Minutes: number;
}

/**
 * A regional AWS WAF web ACL for the public load balancer: a per-IP rate limit and the AWS
 * managed rule groups, with every request logged (credentials redacted) to a log group
 * encrypted with its own rotating KMS key. It is associated with the ALB through the
 * load balancer controller's `wafv2-acl-arn` Ingress annotation, because the ALB is the
 * controller's, not Terraform's.
 */
export class EdgeWebAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const { context } = props;
    const groupArn = context.arn("logs", `log-group:${props.logGroupName}`);
    const key = new PlatformKmsKey(this, `${id}-logs-key`, {
      context,
      description: `Encrypts the WAF request log of ${props.name}`,
      alias: props.keyAlias,
      serviceGrants: [cloudWatchLogsGrant(context.region, [groupArn])],
    });
    this.logGroup = new CloudwatchLogGroup(this, "log-group", { name: props.logGroupName, retentionInDays: props.logRetentionDays, kmsKeyId: key.key.arn });
    this.logGroup.overrideLogicalId(`${id}-log-group`);

    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const rules: Wafv2WebAclRule[] = [
      {
        name: RATE_LIMIT_RULE,
        priority: 0,
        action: { block: {} },
        // `statement` is untyped in the bindings: Terraform's own (snake_case) names.
        statement: { rate_based_statement: { limit: props.rateLimitPer5Minutes, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
        visibilityConfig: visibility(RATE_LIMIT_RULE),
      },
      ...MANAGED_RULE_GROUPS.map((group) => ({
        name: group.name,
        priority: group.priority,
        // "none" keeps the group's own block actions (a "count" override would only watch).
        overrideAction: { none: {} },
        statement: { managed_rule_group_statement: { name: group.name, vendor_name: "AWS" } },
        visibilityConfig: visibility(group.name),
      })),
    ];
    this.acl = new Wafv2WebAcl(this, "acl", {
      name: props.name,
      description: "Public edge of the platform: rate limit and AWS managed rule groups",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    this.acl.overrideLogicalId(id);

    // WAF adds the log group's resource policy for its delivery service itself on first use.
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    }).overrideLogicalId(`${id}-logging`);
  }
}
