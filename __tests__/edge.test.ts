import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, parseConfig } from "../config/load";
import prodConfig from "../config/environments/prod";
import { MANAGED_RULE_GROUPS, RATE_LIMIT_RULE } from "../stacks/constructs/edge/web-acl";
import { insecureEdgeWarning, resetInsecureEdgeWarning } from "../stacks/constructs/edge/insecure-edge-warning";
import { type Synthesized, synthPlatform, withDev } from "./support/synth";

const STACK = "workloads";
const ZONE = "Z0123456789ABCDEFGHIJ";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";
/** The dev environment without its insecure opt-out: what a user writes for a real edge. */
const secure = (edge: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  withDev({ ...more, edge: { insecurePlainHttpForThrowawayEnvironment: false, ...edge } } as never);

/** The lines of a refused config's message, between the header and the footer. */
function refusal(input: unknown): string[] {
  try {
    parseConfig(input, "test config");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const lines = (e as Error).message.split("\n");
    expect(lines[0]).toBe("Invalid configuration in test config:");
    expect(lines.at(-1)).toBe("Nothing was synthesized; fix the fields above and run synth again.");
    return lines.slice(1, -1);
  }
  throw new Error("config was accepted but should have been refused");
}

const annotations = (s: Synthesized, service = "frontend") => s.resource(STACK, "kubernetes_ingress_v1", `${service}-ingress`).metadata.annotations as Record<string, string>;

describe("edge config: a public service needs a domain", () => {
  it("refuses a public service without a domain, saying how to give one", () => {
    expect(refusal(secure({}))).toEqual([
      '  - edge: the "reference" catalog has public services (frontend), but no domain is configured, so its load balancer would serve plain HTTP. ' +
        'Give the platform a domain: edge: { domainName: "app.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } (the platform creates and DNS-validates the certificate and the alias record in that Route 53 zone), ' +
        'or edge: { domainName: "app.example.com", certificateArn: "arn:aws:acm:<region>:<account>:certificate/<id>" } (a certificate you already have). ' +
        "For a throwaway environment only: platform: { throwaway: true } with edge: { insecurePlainHttpForThrowawayEnvironment: true }",
    ]);
  });

  it("names every public service of the catalog, and refuses the empty config too", () => {
    expect(refusal(secure({}, { workloads: { catalog: "yelb" } }))[0]).toContain('the "yelb" catalog has public services (yelb-ui)');
    expect(refusal({})[0]).toContain('edge: the "reference" catalog has public services (frontend)');
  });

  it("refuses a domain without a certificate, and a certificate without a domain", () => {
    expect(refusal(secure({ domainName: "shop.example.com" }))).toEqual([
      '  - edge.domainName: "shop.example.com" has no certificate: add edge.hostedZoneId (the platform creates and validates one by DNS) or edge.certificateArn (one you already have)',
    ]);
    expect(refusal(secure({ hostedZoneId: ZONE }))).toEqual(['  - edge.domainName: is required with hostedZoneId: name the domain browsers will use, e.g. "app.example.com"']);
    expect(refusal(secure({ certificateArn: CERT }))).toEqual(['  - edge.domainName: is required with certificateArn: name the domain browsers will use, e.g. "app.example.com"']);
  });

  it("refuses a certificate from another region than the load balancer's", () => {
    expect(refusal(secure({ domainName: "shop.example.com", certificateArn: CERT.replace("us-east-1", "eu-west-1") }))).toEqual([
      `  - edge.certificateArn: "${CERT.replace("us-east-1", "eu-west-1")}" is in eu-west-1, but the load balancer (platform.region) is in us-east-1; an ALB can only use an ACM certificate of its own region. Use one in us-east-1`,
    ]);
  });

  it("refuses malformed names, zones, certificates and old TLS policies with the fix", () => {
    const lines = refusal(secure({ domainName: "https://Shop.example.com/", hostedZoneId: "/hostedzone/Z01", tlsPolicy: "ELBSecurityPolicy-2016-08" }));
    expect(lines).toEqual([
      '  - edge.domainName: "https://Shop.example.com/" is not a domain name; write the lower-case name browsers will use, like "app.example.com" (no scheme, no path, no trailing dot)',
      '  - edge.hostedZoneId: "/hostedzone/Z01" is not a Route 53 hosted zone ID; copy it from `aws route53 list-hosted-zones` (it looks like "Z0123456789ABCDEFGHIJ", without the "/hostedzone/" prefix)',
      '  - edge.tlsPolicy: "ELBSecurityPolicy-2016-08" is not an accepted TLS policy; use one of ELBSecurityPolicy-TLS13-1-2-2021-06, ELBSecurityPolicy-TLS13-1-2-Res-2021-06, ELBSecurityPolicy-TLS13-1-3-2021-06 (older policies allow TLS 1.0/1.1)',
    ]);
  });

  it("refuses the insecure opt-out in any environment not declared throwaway, whatever its name, and next to a domain", () => {
    for (const environment of ["prod", "prd", "live", "staging"]) {
      expect(refusal(withDev({ platform: { environment, throwaway: false } }))).toEqual([
        `  - edge.insecurePlainHttpForThrowawayEnvironment: is true in environment "${environment}", which is not declared throwaway: plain HTTP sends logins in clear text. Serve HTTPS (edge.domainName with edge.hostedZoneId or edge.certificateArn), or, for an environment nobody relies on, declare it with platform: { throwaway: true }`,
      ]);
    }
    // Not declaring is refusing: the default is false.
    expect(refusal({ edge: { insecurePlainHttpForThrowawayEnvironment: true } })).toHaveLength(1);
    // The declaration decides, not the name.
    expect(parseConfig(withDev({ platform: { environment: "review-42" } })).edge.tls).toEqual({ mode: "insecure-plain-http" });
    expect(refusal(withDev({ edge: { domainName: "dev.example.com", hostedZoneId: ZONE } }))).toEqual([
      "  - edge.insecurePlainHttpForThrowawayEnvironment: is true, but a domain or certificate is configured too; remove the opt-out to serve HTTPS on that domain",
    ]);
  });

  it("ships prod with a domain and HTTPS, and dev with the opt-out", () => {
    const prod = parseConfig({ ...prodConfig, state: { backend: "local" } }, "prod");
    expect(prod.edge.insecurePlainHttpForThrowawayEnvironment).toBe(false);
    expect(prod.edge.tls).toMatchObject({ mode: "https", domainName: "shop.example.com", certificate: { create: true, hostedZoneId: ZONE } });
    expect(parseConfig(withDev(), "dev").edge.tls).toEqual({ mode: "insecure-plain-http" });
  });
});

describe("HTTPS edge with a Route 53 zone (certificate, validation, alias record, WAF)", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform(secure({ domainName: "shop.example.com", hostedZoneId: ZONE, hsts: { includeSubDomains: true }, waf: { enabled: true, rateLimitPer5Minutes: 500 } }));
  });

  it("makes the ALB listen on 443 with the validated certificate and a TLS 1.3 policy, redirect 80, send HSTS and use the WAF", () => {
    expect(annotations(s)).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/healthcheck-path": "/health",
      "alb.ingress.kubernetes.io/group.name": "eksmesh-dev-public",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/certificate-arn": "${aws_acm_certificate_validation.edge-certificate-issued.certificate_arn}",
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
      "alb.ingress.kubernetes.io/listener-attributes.HTTPS-443": "routing.http.response.strict_transport_security.header_value=max-age=31536000; includeSubDomains",
      "alb.ingress.kubernetes.io/wafv2-acl-arn": "${aws_wafv2_web_acl.edge-web-acl.arn}",
    });
  });

  it("answers only for the domain", () => {
    const rule = s.resource(STACK, "kubernetes_ingress_v1", "frontend-ingress").spec.rule[0];
    expect(rule.host).toBe("shop.example.com");
  });

  it("requests a DNS-validated certificate for exactly the domain, logged for transparency, replaced before destroyed", () => {
    expect(s.resource(STACK, "aws_acm_certificate", "edge-certificate")).toMatchObject({
      domain_name: "shop.example.com",
      validation_method: "DNS",
      options: { certificate_transparency_logging_preference: "ENABLED" },
      lifecycle: { create_before_destroy: true },
    });
    expect(s.resource(STACK, "aws_acm_certificate", "edge-certificate").subject_alternative_names).toBeUndefined();
  });

  it("writes the validation record in the given zone and waits for the certificate to be issued", () => {
    const option = "tolist(aws_acm_certificate.edge-certificate.domain_validation_options).0";
    expect(s.resource(STACK, "aws_route53_record", "edge-certificate-validation")).toMatchObject({
      zone_id: ZONE,
      name: `\${${option}.resource_record_name}`,
      type: `\${${option}.resource_record_type}`,
      records: [`\${${option}.resource_record_value}`],
      ttl: 60,
    });
    expect(s.resource(STACK, "aws_acm_certificate_validation", "edge-certificate-issued")).toMatchObject({
      certificate_arn: "${aws_acm_certificate.edge-certificate.arn}",
      validation_record_fqdns: ["${aws_route53_record.edge-certificate-validation.fqdn}"],
    });
  });

  it("points the domain at the controller's ALB with an alias record, from the Ingress status", () => {
    expect(s.resource(STACK, "aws_route53_record", "edge-alias-record")).toMatchObject({
      zone_id: ZONE,
      name: "shop.example.com",
      type: "A",
      alias: {
        name: "${kubernetes_ingress_v1.frontend-ingress.status[0].load_balancer[0].ingress[0].hostname}",
        zone_id: "${data.aws_lb_hosted_zone_id.edge-alias-record-alb-zone.id}",
        evaluate_target_health: true,
      },
    });
    expect(s.data(STACK, "aws_lb_hosted_zone_id")["edge-alias-record-alb-zone"]).toMatchObject({ load_balancer_type: "application" });
  });

  it("puts a rate limit and the AWS managed rule groups in the web ACL", () => {
    const acl = s.resource(STACK, "aws_wafv2_web_acl", "edge-web-acl");
    expect(acl).toMatchObject({ name: "eksmesh-dev-public-edge", scope: "REGIONAL", default_action: { allow: {} } });
    expect(acl.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
    const rules = acl.rule as Array<Record<string, any>>;
    expect(rules.map((r) => [r.name, r.priority])).toEqual([
      [RATE_LIMIT_RULE, 0],
      ["AWSManagedRulesCommonRuleSet", 10],
      ["AWSManagedRulesKnownBadInputsRuleSet", 20],
      ["AWSManagedRulesAmazonIpReputationList", 30],
    ]);
    expect(rules[0]).toMatchObject({ action: { block: {} }, statement: { rate_based_statement: { limit: 500, aggregate_key_type: "IP", evaluation_window_sec: 300 } } });
    for (const [i, group] of MANAGED_RULE_GROUPS.entries()) {
      expect(rules[i + 1]).toMatchObject({ override_action: { none: {} }, statement: { managed_rule_group_statement: { name: group.name, vendor_name: "AWS" } } });
    }
  });

  it("logs the WAF's requests, credentials redacted, to a KMS-encrypted aws-waf-logs- group", () => {
    expect(s.resource(STACK, "aws_cloudwatch_log_group", "edge-web-acl-log-group")).toMatchObject({
      name: "aws-waf-logs-eksmesh-dev-public-edge",
      retention_in_days: 365,
      kms_key_id: "${aws_kms_key.edge-web-acl-logs-key.arn}",
    });
    expect(s.resource(STACK, "aws_wafv2_web_acl_logging_configuration", "edge-web-acl-logging")).toMatchObject({
      resource_arn: "${aws_wafv2_web_acl.edge-web-acl.arn}",
      log_destination_configs: ["${aws_cloudwatch_log_group.edge-web-acl-log-group.arn}"],
      redacted_fields: [{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }],
    });
    const policy = JSON.parse(s.resource(STACK, "aws_kms_key", "edge-web-acl-logs-key").policy);
    expect(policy.Statement[1]).toMatchObject({
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": ["arn:${data.aws_partition.current.partition}:logs:us-east-1:${data.aws_caller_identity.current.account_id}:log-group:aws-waf-logs-eksmesh-dev-public-edge"] } },
    });
  });

  it("publishes the HTTPS URL, the certificate for later edge paths and the web ACL", () => {
    const out = s.stack(STACK).output!;
    expect(out.public_url.value).toBe("https://shop.example.com");
    expect(out.public_edge_tls.value).toBe("https");
    expect(out.edge_certificate_arn.value).toBe("${aws_acm_certificate_validation.edge-certificate-issued.certificate_arn}");
    expect(out.edge_web_acl_arn.value).toBe("${aws_wafv2_web_acl.edge-web-acl.arn}");
  });
});

describe("HTTPS edge with an existing certificate and no zone", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform(secure({ domainName: "chat.example.org", certificateArn: CERT, hsts: { enabled: false }, tlsPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }));
  });

  it("uses the certificate as given and creates no certificate, DNS record or WAF", () => {
    expect(annotations(s)).toMatchObject({ "alb.ingress.kubernetes.io/certificate-arn": CERT, "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-3-2021-06" });
    expect(annotations(s)["alb.ingress.kubernetes.io/listener-attributes.HTTPS-443"]).toBeUndefined();
    expect(annotations(s)["alb.ingress.kubernetes.io/wafv2-acl-arn"]).toBeUndefined();
    for (const type of ["aws_acm_certificate", "aws_route53_record", "aws_wafv2_web_acl"]) expect(s.resources(STACK, type)).toEqual({});
    expect(s.stack(STACK).output!.edge_certificate_arn.value).toBe(CERT);
  });
});

describe("the insecure opt-out (dev)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("serves plain HTTP only, says so on stdout at synth and in the outputs", () => {
    resetInsecureEdgeWarning();
    const writes: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const s = synthPlatform(withDev());
    vi.restoreAllMocks();
    expect(writes.join("")).toContain(`${insecureEdgeWarning("dev", ["frontend"])}\n`);
    expect(insecureEdgeWarning("dev", ["frontend"])).toMatch(/^WARNING: INSECURE PUBLIC EDGE: edge\.insecurePlainHttpForThrowawayEnvironment is true in environment "dev"\./);
    expect(annotations(s)["alb.ingress.kubernetes.io/listen-ports"]).toBe('[{"HTTP":80}]');
    expect(annotations(s)["alb.ingress.kubernetes.io/certificate-arn"]).toBeUndefined();
    expect(s.resource(STACK, "kubernetes_ingress_v1", "frontend-ingress").spec.rule[0].host).toBeUndefined();
    const out = s.stack(STACK).output!;
    expect(out.public_edge_tls.value).toBe("INSECURE-PLAIN-HTTP");
    expect(out.public_url.value).toBe("http://${kubernetes_ingress_v1.frontend-ingress.status[0].load_balancer[0].ingress[0].hostname}");
  });
});
