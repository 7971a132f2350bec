import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ResolvedService } from "../../apps";
import type { EcsSettings } from "../../config/schema/ecs";
import { skipCheck } from "../constructs/checkov";

/** TLS policy of the HTTPS listener: TLS 1.3 and 1.2 only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface PublicLoadBalancerProps {
  /** ALB name, at most 32 characters. */
  readonly name: string;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly settings: EcsSettings["loadBalancer"];
}

/** ALB path patterns for a Kubernetes `Prefix` path: the path itself and everything under it. */
export function pathPatterns(prefix: string): string[] {
  const trimmed = prefix.replace(/\/+$/, "");
  return trimmed === "" ? ["/*"] : [trimmed, `${trimmed}/*`];
}

/**
 * The one internet-facing ALB of the public services (as the EKS ingress group shares
 * one): in the public subnets, invalid headers dropped, HTTPS on 443 with a TLS 1.2+
 * policy and 80 redirecting to it when a certificate is configured, else plain HTTP on
 * 80. Unknown paths get a 404; each public service gets a listener rule for its path.
 */
export class PublicLoadBalancer extends Construct {
  readonly alb: Lb;
  readonly securityGroup: SecurityGroup;
  /** The listener the service rules attach to (443 with a certificate, else 80). */
  readonly listener: LbListener;
  private readonly vpcId: string;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    this.vpcId = props.vpcId;
    const https = props.settings.certificateArn !== undefined;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-alb`,
      description: `Internet-facing ALB ${props.name} of the public services`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
    });
    this.securityGroup.overrideLogicalId("alb-security-group");
    for (const port of https ? [80, 443] : [80]) {
      const rule = new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        securityGroupId: this.securityGroup.id,
        description: port === 443 ? "HTTPS from the internet" : https ? "HTTP from the internet, redirected to HTTPS" : "HTTP from the internet",
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
      });
      rule.overrideLogicalId(`alb-ingress-${port}`);
      if (port === 80) skipCheck(rule, "CKV_AWS_260", "the internet-facing ALB of the public services listens on port 80 by design (it redirects to HTTPS when ecs.loadBalancer.certificateArn is set)");
    }

    this.alb = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: false,
      subnets: props.publicSubnetIds,
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.settings.deletionProtection,
    });
    this.alb.overrideLogicalId("public-alb");
    skipCheck(this.alb, "CKV_AWS_91", "access logs need an S3 bucket with an ELB-writable policy the platform does not create yet; ALB request metrics are in CloudWatch");
    skipCheck(this.alb, "CKV2_AWS_28", "no WAF web ACL is configured for the public services (as for the EKS ingress); attach one to the ALB if the services need it");
    if (!props.settings.deletionProtection) skipCheck(this.alb, "CKV_AWS_150", "deletion protection is off by config (ecs.loadBalancer.deletionProtection): the ALB holds no data, a recreate only changes its hostname");

    const notFound = { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" } };
    if (https) {
      this.listener = new LbListener(this, "https", {
        loadBalancerArn: this.alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: props.settings.certificateArn,
        defaultAction: [notFound],
      });
      this.listener.overrideLogicalId("public-https");
      new LbListener(this, "http-redirect", {
        loadBalancerArn: this.alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
      }).overrideLogicalId("public-http-redirect");
    } else {
      this.listener = new LbListener(this, "http", { loadBalancerArn: this.alb.arn, port: 80, protocol: "HTTP", defaultAction: [notFound] });
      this.listener.overrideLogicalId("public-http");
      skipCheck(this.listener, "CKV_AWS_2", "no certificate is configured (ecs.loadBalancer.certificateArn), so the ALB serves HTTP as the EKS ingress does; set one to get HTTPS with a redirect");
      skipCheck(this.alb, "CKV2_AWS_20", "no certificate is configured (ecs.loadBalancer.certificateArn), so there is no HTTPS listener to redirect to; with one, port 80 redirects");
      skipCheck(this.listener, "CKV_AWS_103", "no certificate is configured (ecs.loadBalancer.certificateArn), so there is no TLS listener to set a policy on");
    }
  }

  /**
   * A target group per version and one listener rule that forwards the service's path to
   * them by the catalog's weights (the canary split EKS's mesh does, done by the ALB).
   */
  addService(s: ResolvedService, priority: number): Map<string, LbTargetGroup> {
    const groups = new Map<string, LbTargetGroup>();
    for (const v of s.versions) {
      const tg = new LbTargetGroup(this, `tg-${s.name}-${v.name}`, {
        // No name: Terraform generates a unique one, so a replacement never collides (names are 32 characters at most).
        port: s.port,
        protocol: "HTTP",
        protocolVersion: s.protocol === "http2" ? "HTTP2" : "HTTP1",
        targetType: "ip",
        vpcId: this.vpcId,
        deregistrationDelay: "30",
        healthCheck: { enabled: true, path: s.healthCheckPath, protocol: "HTTP", matcher: "200-399", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
        tags: { Name: `${s.name}-${v.name}` },
        lifecycle: { createBeforeDestroy: true },
      });
      tg.overrideLogicalId(`target-group-${s.name}-${v.name}`);
      skipCheck(tg, "CKV_AWS_378", "TLS ends at the ALB; the ALB reaches the tasks over the VPC in private subnets, admitted only by the task security group");
      groups.set(v.name, tg);
    }
    const rule = new LbListenerRule(this, `rule-${s.name}`, {
      listenerArn: this.listener.arn,
      priority,
      condition: [{ pathPattern: { values: pathPatterns(s.public!.path) } }],
      action: [
        {
          type: "forward",
          forward: { targetGroup: s.versions.map((v) => ({ arn: groups.get(v.name)!.arn, weight: v.weight })) },
        },
      ],
    });
    rule.overrideLogicalId(`listener-rule-${s.name}`);
    this.rules.set(s.name, rule);
    return groups;
  }

  readonly rules = new Map<string, LbListenerRule>();
}
