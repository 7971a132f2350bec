import { z } from "zod";
import { intInRange, logRetentionDays } from "../../input/fields";

/**
 * The public edge: how browsers reach the platform's public services. One section for
 * every path that puts something on the internet (today the ALB the AWS Load Balancer
 * Controller makes from the public services' Ingress; later the VPC Lattice HTTPS
 * listeners and the ECS ALB), so a domain, its certificate, the TLS policy and the WAF
 * are configured once.
 *
 * HTTPS is the default: a public service without a domain is refused at synth, unless
 * `insecurePlainHttpForThrowawayEnvironment` says, loudly, that plain HTTP is meant.
 */

/**
 * ALB TLS security policies the platform accepts: TLS 1.3 with TLS 1.2 at most as the
 * floor, no TLS 1.0/1.1 and no CBC-only suites. The first is AWS's recommended default.
 */
export const ALB_TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
] as const;
export type AlbTlsPolicy = (typeof ALB_TLS_POLICIES)[number];

/** The opt-out's name, shared by the schema, the refusal message and the synth warning. */
export const INSECURE_OPT_OUT = "insecurePlainHttpForThrowawayEnvironment";

const domainName = z
  .string()
  .max(253, { error: (i) => `${JSON.stringify(i.input)} is longer than 253 characters, the DNS limit` })
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/, {
    error: (i) => `${JSON.stringify(i.input)} is not a domain name; write the lower-case name browsers will use, like "app.example.com" (no scheme, no path, no trailing dot)`,
  });

const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, {
  error: (i) => `${JSON.stringify(i.input)} is not a Route 53 hosted zone ID; copy it from \`aws route53 list-hosted-zones\` (it looks like "Z0123456789ABCDEFGHIJ", without the "/hostedzone/" prefix)`,
});

export const ACM_CERTIFICATE_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

const certificateArn = z.string().regex(ACM_CERTIFICATE_ARN, {
  error: (i) => `${JSON.stringify(i.input)} is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<uuid> (\`aws acm list-certificates\`)`,
});

const hstsSchema = z
  .strictObject({
    /**
     * Send Strict-Transport-Security on every HTTPS response (set by the ALB itself, through
     * the listener attribute the controller writes), so browsers never try plain HTTP again.
     * @default true
     */
    enabled: z.boolean().default(true),
    /** How long browsers remember to use HTTPS only. @default 31536000 (one year) */
    maxAgeSeconds: intInRange("edge.hsts.maxAgeSeconds", 300, 63_072_000).default(31_536_000),
    /** Extend the rule to every subdomain of `domainName`. @default false (subdomains may be other teams' HTTP sites) */
    includeSubDomains: z.boolean().default(false),
  })
  .prefault({});

const wafSchema = z
  .strictObject({
    /**
     * An AWS WAF web ACL on the public load balancer: the AWS managed rule groups a web app
     * starts from (core rule set, known bad inputs, Amazon IP reputation list) and a per-IP
     * rate limit, with its requests logged to a KMS-encrypted log group.
     * @default false
     */
    enabled: z.boolean().default(false),
    /** Requests one client IP may send in 5 minutes before WAF blocks it. @default 2000 */
    rateLimitPer5Minutes: intInRange("edge.waf.rateLimitPer5Minutes", 10, 2_000_000_000).default(2000),
    /** Retention of the WAF request log. @default 365 */
    logRetentionDays: logRetentionDays.default(365),
  })
  .prefault({});

export const edgeSchema = z
  .strictObject({
    /**
     * The name browsers use for the public services, e.g. "shop.example.com". Required as
     * soon as the catalog has a public service (unless the opt-out below is set).
     * @default none
     */
    domainName: domainName.optional(),
    /**
     * A Route 53 public hosted zone the domain lives in. With it the platform requests an
     * ACM certificate for `domainName`, validates it by DNS in this zone, and points
     * `domainName` at the load balancer with an alias record.
     * @default none
     */
    hostedZoneId: hostedZoneId.optional(),
    /**
     * An ACM certificate you already have for `domainName` (same region as the platform).
     * With `hostedZoneId` as well, the platform uses this certificate and still writes the
     * alias record; without it, you point your DNS at the `ingress_hostname` output.
     * @default none (the platform creates one when `hostedZoneId` is set)
     */
    certificateArn: certificateArn.optional(),
    /** TLS security policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
    tlsPolicy: z
      .enum(ALB_TLS_POLICIES, {
        error: (i) => `${JSON.stringify(i.input)} is not an accepted TLS policy; use one of ${ALB_TLS_POLICIES.join(", ")} (older policies allow TLS 1.0/1.1)`,
      })
      .default(ALB_TLS_POLICIES[0]),
    hsts: hstsSchema,
    waf: wafSchema,
    /**
     * Serve public services over plain HTTP, with no certificate: passwords and cookies
     * cross the internet readable by anyone on the path. Only for a throwaway environment
     * without a domain; every synth prints a warning while it is on, and an environment
     * whose name contains "prod" is refused.
     * @default false
     */
    [INSECURE_OPT_OUT]: z.boolean().default(false),
  })
  .prefault({});

export type EdgeInput = z.output<typeof edgeSchema>;

/** How the public entry is served, resolved once from the edge section. */
export type PublicEdgeTls =
  | {
      readonly mode: "https";
      readonly domainName: string;
      /** Create and DNS-validate the certificate in `hostedZoneId`, or use the given ARN. */
      readonly certificate: { readonly create: true; readonly hostedZoneId: string } | { readonly create: false; readonly arn: string };
      /** Zone in which the alias record to the load balancer is written; undefined: the user points DNS. */
      readonly aliasZoneId: string | undefined;
      readonly tlsPolicy: AlbTlsPolicy;
      /** The Strict-Transport-Security header value, or undefined when off. */
      readonly hstsHeader: string | undefined;
    }
  | { readonly mode: "insecure-plain-http" }
  | { readonly mode: "none" };

export type EdgeSettings = EdgeInput & { readonly tls: PublicEdgeTls };

/** The sections the edge rules read. */
interface EdgeSections {
  readonly platform: { readonly environment: string; readonly region: string; readonly throwaway: boolean };
  readonly edge: EdgeInput;
  readonly workloads: { readonly catalog: string; readonly app: { readonly services: readonly { readonly name: string; readonly public?: unknown }[] } };
}

/** The refusal for a public service without a domain: what is wrong, and the two ways to fix it. */
export function missingDomainMessage(catalog: string, publicServices: readonly string[]): string {
  return (
    `the "${catalog}" catalog has public services (${publicServices.join(", ")}), but no domain is configured, so its load balancer would serve plain HTTP. ` +
    `Give the platform a domain: edge: { domainName: "app.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } (the platform creates and DNS-validates the certificate and the alias record in that Route 53 zone), ` +
    `or edge: { domainName: "app.example.com", certificateArn: "arn:aws:acm:<region>:<account>:certificate/<id>" } (a certificate you already have). ` +
    `For a throwaway environment only: platform: { throwaway: true } with edge: { ${INSECURE_OPT_OUT}: true }`
  );
}

/**
 * Checks the edge against the catalog and the environment and resolves how the public
 * entry is served. Called from the config's cross-section transform.
 */
export function resolveEdge(config: EdgeSections, ctx: z.RefinementCtx): EdgeSettings {
  const e = config.edge;
  const issue = (path: string[], message: string) => ctx.addIssue({ code: "custom", path: ["edge", ...path], message });
  const publicServices = config.workloads.app.services.filter((s) => s.public).map((s) => s.name);
  const hasCertificate = e.hostedZoneId !== undefined || e.certificateArn !== undefined;

  if (e[INSECURE_OPT_OUT]) {
    // Tied to an explicit declaration, not to the environment's name ("prd", "live" and
    // "prod-eu" are all production).
    if (!config.platform.throwaway) {
      issue([INSECURE_OPT_OUT], `is true in environment "${config.platform.environment}", which is not declared throwaway: plain HTTP sends logins in clear text. Serve HTTPS (edge.domainName with edge.hostedZoneId or edge.certificateArn), or, for an environment nobody relies on, declare it with platform: { throwaway: true }`);
    }
    if (e.domainName !== undefined || hasCertificate) {
      issue([INSECURE_OPT_OUT], "is true, but a domain or certificate is configured too; remove the opt-out to serve HTTPS on that domain");
    }
  }
  if (e.domainName === undefined && hasCertificate) {
    issue(["domainName"], `is required with ${e.hostedZoneId !== undefined ? "hostedZoneId" : "certificateArn"}: name the domain browsers will use, e.g. "app.example.com"`);
  }
  if (e.domainName !== undefined && !hasCertificate) {
    issue(["domainName"], `"${e.domainName}" has no certificate: add edge.hostedZoneId (the platform creates and validates one by DNS) or edge.certificateArn (one you already have)`);
  }
  // The certificate's region is checked with every other ARN (apply-checks.ts, "arn-region").
  // With a zone or certificate but no domain, the message above already says what to add.
  if (publicServices.length > 0 && e.domainName === undefined && !hasCertificate && !e[INSECURE_OPT_OUT]) {
    issue([], missingDomainMessage(config.workloads.catalog, publicServices));
  }

  let tls: PublicEdgeTls;
  if (e.domainName !== undefined && hasCertificate) {
    tls = {
      mode: "https",
      domainName: e.domainName,
      certificate: e.certificateArn !== undefined ? { create: false, arn: e.certificateArn } : { create: true, hostedZoneId: e.hostedZoneId! },
      aliasZoneId: e.hostedZoneId,
      tlsPolicy: e.tlsPolicy,
      hstsHeader: e.hsts.enabled ? `max-age=${e.hsts.maxAgeSeconds}${e.hsts.includeSubDomains ? "; includeSubDomains" : ""}` : undefined,
    };
  } else if (e[INSECURE_OPT_OUT]) {
    tls = { mode: "insecure-plain-http" };
  } else {
    tls = { mode: "none" };
  }
  return { ...e, tls };
}
