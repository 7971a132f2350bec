import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ResolvedService } from "../../apps/catalog";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import type { EcsSettings } from "../../config/schema/ecs";
import { INSECURE_OPT_OUT } from "../../config/schema/edge";
import { skipCheck } from "../synth/checkov";

/** How the ALB serves the public services, from the shared `edge` section (config/schema/edge.ts). */
export type EcsEdge =
  | {
      readonly mode: "https";
      /** Host the listener rules answer for (requests for other names get the 404). */
      readonly domainName: string;
      readonly certificateArn: string;
      readonly tlsPolicy: string;
      /** Strict-Transport-Security value, or undefined when off. */
      readonly hstsHeader: string | undefined;
      readonly webAclArn: string | undefined;
    }
  | { readonly mode: "insecure-plain-http"; readonly webAclArn: string | undefined };

export interface PublicLoadBalancerProps {
  /** ALB name, at most 32 characters. */
  readonly name: string;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly settings: EcsSettings["loadBalancer"];
  readonly edge: EcsEdge;
}

/** ALB path patterns for a Kubernetes `Prefix` path: the path itself and everything under it. */
export function pathPatterns(prefix: string): string[] {
  const trimmed = prefix.replace(/\/+$/, "");
  return trimmed === "" ? ["/*"] : [trimmed, `${trimmed}/*`];
}

/**
 * The one internet-facing ALB of the public services (as the EKS ingress group shares
 * one): in the public subnets, invalid headers dropped, and served as the `edge` section
 * says: HTTPS on 443 with its certificate, TLS policy and HSTS, 80 redirecting to it, and
 * the WAF web ACL when configured; plain HTTP on 80 only under the edge's insecure opt-out.
 * Unknown hosts and paths get a 404; each public service gets a listener rule for its path.
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
    const edge = props.edge;
    this.edge = edge;
    const https = edge.mode === "https";
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
      if (port === 80) skipCheck(rule, "CKV_AWS_260", https ? "the internet-facing ALB listens on port 80 only to redirect to HTTPS (edge.domainName)" : `plain HTTP on port 80 is asked for explicitly by edge.${INSECURE_OPT_OUT} (a throwaway environment; synth warns)`);
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
    if (edge.webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, "waf", { resourceArn: this.alb.arn, webAclArn: edge.webAclArn }).overrideLogicalId("public-alb-web-acl");
      skipCheck(this.alb, "CKV2_AWS_76", "the edge web ACL carries AWSManagedRulesKnownBadInputsRuleSet, the Log4j rule group (CKV_AWS_192 passes on it); this check also demands AWSManagedRulesAnonymousIpList, which the edge's rule set (stacks/constructs/edge/web-acl.ts) does not include: it would block VPN and hosting-provider clients");
    } else {
      skipCheck(this.alb, "CKV2_AWS_28", "edge.waf.enabled is false (the default, as for the EKS ingress); turning it on associates the edge's web ACL with this ALB");
    }
    if (!props.settings.deletionProtection) skipCheck(this.alb, "CKV_AWS_150", "deletion protection is off by config (ecs.loadBalancer.deletionProtection): the ALB holds no data, a recreate only changes its hostname");

    const notFound = { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" } };
    if (edge.mode === "https") {
      this.listener = new LbListener(this, "https", {
        loadBalancerArn: this.alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: edge.tlsPolicy,
        certificateArn: edge.certificateArn,
        ...(edge.hstsHeader !== undefined ? { routingHttpResponseStrictTransportSecurityHeaderValue: edge.hstsHeader } : {}),
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
      const why = `plain HTTP is asked for explicitly by edge.${INSECURE_OPT_OUT} (a throwaway environment without a domain; synth warns)`;
      skipCheck(this.listener, "CKV_AWS_2", why);
      skipCheck(this.alb, "CKV2_AWS_20", `${why}; with edge.domainName, port 80 redirects to HTTPS`);
      skipCheck(this.listener, "CKV_AWS_103", `${why}; there is no TLS listener to set a policy on`);
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
      condition: [
        { pathPattern: { values: pathPatterns(s.public!.path) } },
        // Only the edge's domain, as the EKS Ingress rules carry its host.
        ...(this.edge.mode === "https" ? [{ hostHeader: { values: [this.edge.domainName] } }] : []),
      ],
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
  private readonly edge: EcsEdge;
}
