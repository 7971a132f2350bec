import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface EdgeCertificateProps {
  /** The name browsers use; the certificate covers exactly this name (no wildcard). */
  readonly domainName: string;
  /** Route 53 public hosted zone in which the DNS validation record is written. */
  readonly hostedZoneId: string;
}

/**
 * A public ACM certificate for the edge's domain, validated by DNS in the given Route 53
 * zone. `arn` is read from the validation resource, so whatever uses it (the Ingress's
 * certificate annotation) waits until ACM has issued the certificate: the load balancer
 * controller cannot attach a certificate that is still pending validation.
 */
export class EdgeCertificate extends Construct {
  /** ARN of the issued certificate. */
  readonly arn: string;
  readonly certificate: AcmCertificate;
  readonly validationRecord: Route53Record;

  constructor(scope: Construct, id: string, props: EdgeCertificateProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      validationMethod: "DNS",
      // RSA 2048 is also the only key VPC Lattice accepts on an HTTPS listener, so the same certificate serves that path.
      keyAlgorithm: "RSA_2048",
      // Certificate Transparency logging keeps mis-issuance for the domain detectable (CKV_AWS_234).
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      // A replacement is issued before the old one goes, so the listener is never without one (CKV_AWS_233).
      lifecycle: { createBeforeDestroy: true },
    });
    this.certificate.overrideLogicalId(id);

    // One name, so exactly one validation option: index it instead of iterating a set.
    const option = this.certificate.domainValidationOptions.get(0);
    this.validationRecord = new Route53Record(this, "validation-record", {
      zoneId: props.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 60,
      // ACM uses the same CNAME for every certificate of this name: a leftover one is taken over, not a conflict.
      allowOverwrite: true,
    });
    this.validationRecord.overrideLogicalId(`${id}-validation`);

    const validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [this.validationRecord.fqdn],
    });
    validation.overrideLogicalId(`${id}-issued`);
    this.arn = validation.certificateArn;
  }
}
