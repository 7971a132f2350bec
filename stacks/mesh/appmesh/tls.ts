import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmpcaCertificate } from "@cdktf/provider-aws/lib/acmpca-certificate";
import { AcmpcaCertificateAuthority } from "@cdktf/provider-aws/lib/acmpca-certificate-authority";
import { AcmpcaCertificateAuthorityCertificate } from "@cdktf/provider-aws/lib/acmpca-certificate-authority-certificate";
import { AcmpcaPermission } from "@cdktf/provider-aws/lib/acmpca-permission";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { ResolvedService } from "../../../apps/catalog";
import type { MeshTlsSettings } from "../../../config/schema/mesh-tls";

/**
 * What mesh routing needs to turn TLS on between sidecars: the CA every caller trusts, and
 * each virtual node's own certificate. Implementation-neutral on purpose: App Mesh uses it
 * today; a successor with its own encryption ignores it (docs/encryption.md).
 */
export interface MeshTlsMaterial {
  /** The AWS Private CA whose certificate every caller's Envoy validates against. */
  readonly certificateAuthorityArn: string;
  /**
   * ACM private certificate of one service version (its virtual node's listener). A token:
   * the virtual node that names it waits for it.
   */
  certificateArn(service: string, version: string): string;
}

/** The name a version's certificate must carry: its virtual node's DNS service discovery name. */
export function versionHostname(service: Pick<ResolvedService, "name" | "namespace">, version: string): string {
  return `${service.name}-${version}.${service.namespace}.svc.cluster.local`;
}

/** The IAM an Envoy needs to serve and check TLS with ACM certificates (App Mesh "Transport Layer Security"). */
export function meshTlsStatements(material: MeshTlsMaterial, service: ResolvedService): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      // Envoy exports its own virtual node's certificate and key from ACM; never another's.
      sid: "EnvoyExportsItsOwnCertificate",
      actions: ["acm:ExportCertificate"],
      resources: service.versions.map((v) => material.certificateArn(service.name, v.name)),
    },
    {
      // The CA certificate is what callers validate their backends against.
      sid: "EnvoyReadsTheMeshCaCertificate",
      actions: ["acm-pca:GetCertificateAuthorityCertificate"],
      resources: [material.certificateAuthorityArn],
    },
  ];
}

export interface MeshCertificatesProps {
  readonly tls: MeshTlsSettings;
  readonly services: readonly ResolvedService[];
  /** Common name of the CA the platform creates when none is given. */
  readonly caCommonName: string;
}

/**
 * The mesh's certificates: an AWS Private CA (the configured one, or a root CA created,
 * self-signed and activated here) and one ACM private certificate per service version,
 * named for its virtual node's DNS name. ACM renews them before expiry and App Mesh hands
 * the renewed ones to Envoy; the CA grants ACM the right to do so.
 */
export class MeshCertificates extends Construct implements MeshTlsMaterial {
  readonly certificateAuthorityArn: string;
  private readonly certificates = new Map<string, AcmCertificate>();

  constructor(scope: Construct, id: string, props: MeshCertificatesProps) {
    super(scope, id);
    let issuerReady: ITerraformDependable[] = [];
    if (props.tls.certificateAuthorityArn !== undefined) {
      this.certificateAuthorityArn = props.tls.certificateAuthorityArn;
    } else {
      const ca = new AcmpcaCertificateAuthority(this, "ca", {
        type: "ROOT",
        usageMode: "GENERAL_PURPOSE",
        certificateAuthorityConfiguration: {
          keyAlgorithm: "RSA_2048",
          signingAlgorithm: "SHA256WITHRSA",
          subject: { commonName: props.caCommonName, organization: "eks-mesh-platform" },
        },
        // The longest AWS allows: a deleted CA can be restored (and its certificates keep validating) for 30 days.
        permanentDeletionTimeInDays: 30,
      });
      ca.overrideLogicalId("mesh-ca");
      const root = new AcmpcaCertificate(this, "ca-root", {
        certificateAuthorityArn: ca.arn,
        certificateSigningRequest: ca.certificateSigningRequest,
        signingAlgorithm: "SHA256WITHRSA",
        templateArn: "arn:aws:acm-pca:::template/RootCACertificate/V1",
        validity: { type: "YEARS", value: "10" },
      });
      root.overrideLogicalId("mesh-ca-root-certificate");
      const installed = new AcmpcaCertificateAuthorityCertificate(this, "ca-installed", {
        certificateAuthorityArn: ca.arn,
        certificate: root.certificate,
        certificateChain: root.certificateChain,
      });
      installed.overrideLogicalId("mesh-ca-activation");
      // ACM renews the private certificates it requested from this CA only with these rights.
      const renewals = new AcmpcaPermission(this, "ca-acm-renewals", {
        certificateAuthorityArn: ca.arn,
        principal: "acm.amazonaws.com",
        actions: ["IssueCertificate", "GetCertificate", "ListPermissions"],
      });
      renewals.overrideLogicalId("mesh-ca-acm-renewals");
      this.certificateAuthorityArn = ca.arn;
      issuerReady = [installed, renewals];
    }

    for (const s of props.services) {
      for (const v of s.versions) {
        const cert = new AcmCertificate(this, `${s.name}-${v.name}`, {
          domainName: versionHostname(s, v.name),
          certificateAuthorityArn: this.certificateAuthorityArn,
          // A renewed or re-issued certificate exists before the old one is deleted (CKV_AWS_233).
          lifecycle: { createBeforeDestroy: true },
          // A CA the platform creates must be active (and let ACM renew) before it issues.
          ...(issuerReady.length ? { dependsOn: issuerReady } : {}),
        });
        cert.overrideLogicalId(`${s.name}-mesh-certificate-${v.name}`);
        this.certificates.set(`${s.name}/${v.name}`, cert);
      }
    }
  }

  certificateArn(service: string, version: string): string {
    const cert = this.certificates.get(`${service}/${version}`);
    if (!cert) throw new Error(`MeshCertificates: no certificate for ${service} version ${version}`);
    return cert.arn;
  }
}
