import { Construct } from "constructs";
import type { TerraformStack } from "cdktf";
import type { EdgeSettings } from "../../../config/schema/edge";
import { EDGE_OUTPUTS, publishOutputs } from "../../contracts";
import type { Naming } from "../../../facts/naming";
import type { AwsContext } from "../aws-context";
import { EdgeAliasRecord } from "./alias-record";
import { EdgeCertificate } from "./edge-certificate";
import { edgeIngressAnnotations } from "./ingress-annotations";
import { insecureEdgeWarning, warnInsecureEdge } from "./insecure-edge-warning";
import { EdgeWebAcl } from "./web-acl";

/**
 * The edge's certificate as a typed value, for every path that terminates public TLS (the
 * EKS Ingress's ALB and the ECS ALB). One certificate per domain, however many paths serve
 * it. VPC Lattice is not public: its HTTPS listeners use certificates Lattice manages.
 */
export interface EdgeCertificateRef {
  readonly domainName: string;
  /** ARN of an issued ACM certificate in the platform's region. */
  readonly arn: string;
}

export interface PublicEdgeProps {
  readonly context: AwsContext;
  readonly naming: Naming;
  readonly edge: EdgeSettings;
  readonly environment: string;
  /** Names of the catalog's public services (at least one). */
  readonly publicServices: readonly string[];
  /** Mesh TLS is on: the load balancer must speak HTTPS to the pods. */
  readonly targetsRequireTls: boolean;
}

/**
 * Everything the platform puts in front of its public services, from the `edge` config:
 * the certificate (created and DNS-validated, or the given one), the WAF web ACL, the
 * Ingress annotations that make the controller's ALB use them, and the DNS record that
 * points the domain at the ALB once the controller has made it. Under the insecure
 * opt-out it makes nothing but prints the warning.
 */
export class PublicEdge extends Construct {
  readonly certificate?: EdgeCertificateRef;
  readonly webAcl?: EdgeWebAcl;
  /** Annotations every public Ingress of the shared group carries. */
  readonly ingressAnnotations: Record<string, string>;
  /** Host the Ingress rules answer for (requests for any other name get the ALB's 404). */
  readonly host?: string;
  private readonly settings: EdgeSettings;

  constructor(scope: Construct, id: string, props: PublicEdgeProps) {
    super(scope, id);
    const { edge, naming } = props;
    this.settings = edge;
    const tls = edge.tls;
    if (tls.mode === "none") throw new Error("PublicEdge: public services need edge.domainName or the insecure opt-out (the config should have refused this)");

    if (tls.mode === "https") {
      const arn = tls.certificate.create ? new EdgeCertificate(this, "edge-certificate", { domainName: tls.domainName, hostedZoneId: tls.certificate.hostedZoneId }).arn : tls.certificate.arn;
      this.certificate = { domainName: tls.domainName, arn };
      this.host = tls.domainName;
    } else {
      warnInsecureEdge(insecureEdgeWarning(props.environment, props.publicServices));
    }
    if (edge.waf.enabled) {
      this.webAcl = new EdgeWebAcl(this, "edge-web-acl", {
        context: props.context,
        name: naming.bounded("public-edge", 128),
        logGroupName: naming.wafLogGroup("public-edge"),
        logRetentionDays: edge.waf.logRetentionDays,
        keyAlias: naming.kmsAlias("waf-logs"),
        rateLimitPer5Minutes: edge.waf.rateLimitPer5Minutes,
      });
    }
    this.ingressAnnotations = edgeIngressAnnotations({
      tls,
      certificateArn: this.certificate?.arn,
      webAclArn: this.webAcl?.acl.arn,
      targetsRequireTls: props.targetsRequireTls,
    });
  }

  /**
   * Points the domain at the load balancer (when the platform owns the zone) and publishes
   * the edge outputs. `loadBalancerHostname` is the hostname the controller wrote into the
   * Ingress status, so the record is created in the same apply, after the ALB exists.
   */
  finish(stack: TerraformStack, loadBalancerHostname: string): void {
    const tls = this.settings.tls;
    if (tls.mode === "https" && tls.aliasZoneId !== undefined) {
      new EdgeAliasRecord(this, "edge-alias-record", { domainName: tls.domainName, hostedZoneId: tls.aliasZoneId, loadBalancerHostname });
    }
    publishOutputs(stack, EDGE_OUTPUTS, {
      publicUrl: tls.mode === "https" ? `https://${tls.domainName}` : `http://${loadBalancerHostname}`,
      publicEdgeTls: tls.mode === "https" ? "https" : "INSECURE-PLAIN-HTTP",
      edgeCertificateArn: this.certificate?.arn ?? "",
      edgeWebAclArn: this.webAcl?.acl.arn ?? "",
    });
  }
}

/** The edge outputs of a platform with no public service. */
export function publishNoEdge(stack: TerraformStack): void {
  publishOutputs(stack, EDGE_OUTPUTS, { publicUrl: "", publicEdgeTls: "", edgeCertificateArn: "", edgeWebAclArn: "" });
}
