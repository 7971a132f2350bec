import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config/load";
import { crdErrors } from "./support/crd-schema";
import { type Synthesized, synthPlatform, withDev } from "./support/synth";

const STACK = "workloads";
const SHARED_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11223344-1234-1122-2233-112233445566";

const virtualNodes = (s: Synthesized) =>
  Object.entries(s.resources(STACK, "kubernetes_manifest"))
    .filter(([, r]) => r.manifest.kind === "VirtualNode")
    .map(([id, r]) => ({ id, manifest: r.manifest as Record<string, any> }));

function statementsOf(s: Synthesized, service: string): Array<{ sid?: string; actions: string[]; resources: string[] }> {
  return s.data(STACK, "aws_iam_policy_document")[`${service}-role-permissions`].statement;
}

describe.each([
  ["reference", withDev({ mesh: { tls: { mode: "strict" } } })],
  ["yelb", withDev({ mesh: { tls: { mode: "strict" } }, workloads: { catalog: "yelb" } })],
])("mesh TLS strict, %s catalog", (_catalog, input) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform(input);
  });

  it("gives every virtual node a STRICT TLS listener with its own ACM certificate, valid against the CRD", () => {
    const nodes = virtualNodes(s);
    expect(nodes.length).toBe(s.config.workloads.app.services.reduce((n, svc) => n + svc.versions.length, 0));
    for (const { id, manifest } of nodes) {
      expect(crdErrors(manifest)).toEqual([]);
      const [, service, version] = /^(.+)-virtual-node-(.+)$/.exec(id)!;
      expect(manifest.spec.listeners).toHaveLength(1);
      expect(manifest.spec.listeners[0].tls).toEqual({ mode: "STRICT", certificate: { acm: { certificateARN: `\${aws_acm_certificate.${service}-mesh-certificate-${version}.arn}` } } });
    }
  });

  it("enforces and validates TLS towards every backend of every virtual node", () => {
    const nodes = virtualNodes(s);
    expect(nodes.some((n) => (n.manifest.spec.backends ?? []).length > 0)).toBe(true);
    for (const { manifest } of nodes) {
      expect(manifest.spec.backendDefaults).toEqual({
        clientPolicy: { tls: { enforce: true, validation: { trust: { acm: { certificateAuthorityARNs: ["${aws_acmpca_certificate_authority.mesh-ca.arn}"] } } } } },
      });
      // No per-backend policy that could weaken the default.
      for (const b of manifest.spec.backends ?? []) expect(b.virtualService.clientPolicy).toBeUndefined();
    }
  });

  it("issues each certificate from the mesh CA for the name callers resolve (the node's DNS service discovery)", () => {
    for (const { id, manifest } of virtualNodes(s)) {
      const certId = id.replace("-virtual-node-", "-mesh-certificate-");
      expect(s.resource(STACK, "aws_acm_certificate", certId)).toMatchObject({
        domain_name: manifest.spec.serviceDiscovery.dns.hostname,
        certificate_authority_arn: "${aws_acmpca_certificate_authority.mesh-ca.arn}",
        lifecycle: { create_before_destroy: true },
        depends_on: ["aws_acmpca_certificate_authority_certificate.mesh-ca-activation", "aws_acmpca_permission.mesh-ca-acm-renewals"],
      });
    }
  });

  it("creates, self-signs and activates a root CA that ACM may renew certificates from", () => {
    expect(s.resource(STACK, "aws_acmpca_certificate_authority", "mesh-ca")).toMatchObject({
      type: "ROOT",
      usage_mode: "GENERAL_PURPOSE",
      certificate_authority_configuration: { key_algorithm: "RSA_2048", signing_algorithm: "SHA256WITHRSA", subject: { common_name: "eksmesh-dev mesh" } },
      permanent_deletion_time_in_days: 30,
    });
    expect(s.resource(STACK, "aws_acmpca_certificate", "mesh-ca-root-certificate")).toMatchObject({
      certificate_authority_arn: "${aws_acmpca_certificate_authority.mesh-ca.arn}",
      certificate_signing_request: "${aws_acmpca_certificate_authority.mesh-ca.certificate_signing_request}",
      template_arn: "arn:aws:acm-pca:::template/RootCACertificate/V1",
    });
    expect(s.resource(STACK, "aws_acmpca_certificate_authority_certificate", "mesh-ca-activation")).toMatchObject({
      certificate: "${aws_acmpca_certificate.mesh-ca-root-certificate.certificate}",
    });
    expect(s.resource(STACK, "aws_acmpca_permission", "mesh-ca-acm-renewals")).toMatchObject({
      principal: "acm.amazonaws.com",
      actions: ["IssueCertificate", "GetCertificate", "ListPermissions"],
    });
  });

  it("lets each Envoy export only its own certificates and read the CA certificate", () => {
    for (const svc of s.config.workloads.app.services) {
      const statements = statementsOf(s, svc.name);
      expect(statements.find((x) => x.sid === "EnvoyExportsItsOwnCertificate")).toMatchObject({
        actions: ["acm:ExportCertificate"],
        resources: svc.versions.map((v) => `\${aws_acm_certificate.${svc.name}-mesh-certificate-${v.name}.arn}`),
      });
      expect(statements.find((x) => x.sid === "EnvoyReadsTheMeshCaCertificate")).toMatchObject({
        actions: ["acm-pca:GetCertificateAuthorityCertificate"],
        resources: ["${aws_acmpca_certificate_authority.mesh-ca.arn}"],
      });
      for (const st of statements) expect(st.resources).not.toContain("*");
    }
  });

  it("has the ALB speak HTTPS to public pods and the kubelet probe them over TCP", () => {
    for (const svc of s.config.workloads.app.services) {
      if (svc.public) {
        expect(s.resource(STACK, "kubernetes_ingress_v1", `${svc.name}-ingress`).metadata.annotations).toMatchObject({
          "alb.ingress.kubernetes.io/backend-protocol": "HTTPS",
          "alb.ingress.kubernetes.io/healthcheck-protocol": "HTTPS",
        });
      }
      for (const v of svc.versions) {
        const container = s.resource(STACK, "kubernetes_deployment_v1", `${svc.name}-deployment-${v.name}`).spec.template.spec.container[0];
        expect(container.liveness_probe.tcp_socket).toEqual([{ port: String(svc.port) }]);
        expect(container.readiness_probe.http_get).toBeUndefined();
      }
    }
  });

  it("tells operators how services are encrypted in the workloads stack's mesh_tls output", () => {
    expect(s.stack(STACK).output!.mesh_tls.value).toBe("appmesh-envoy-tls");
  });
});

describe("mesh TLS with a shared CA", () => {
  it("trusts and issues from the given CA and creates none", () => {
    const s = synthPlatform(withDev({ mesh: { tls: { mode: "strict", certificateAuthorityArn: SHARED_CA } } }));
    expect(s.resources(STACK, "aws_acmpca_certificate_authority")).toEqual({});
    for (const { manifest } of virtualNodes(s)) {
      expect(manifest.spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityARNs).toEqual([SHARED_CA]);
    }
    expect(s.resource(STACK, "aws_acm_certificate", "service-user-mesh-certificate-v1")).toMatchObject({ certificate_authority_arn: SHARED_CA });
    expect(s.resource(STACK, "aws_acm_certificate", "service-user-mesh-certificate-v1").depends_on).toBeUndefined();
  });
});

describe("mesh TLS off (the default)", () => {
  it("adds nothing: no certificates, no CA, plain listeners, HTTP probes", () => {
    const s = synthPlatform(withDev());
    expect(s.config.mesh.tls).toEqual({ mode: "off" });
    for (const type of ["aws_acm_certificate", "aws_acmpca_certificate_authority"]) expect(s.resources(STACK, type)).toEqual({});
    for (const { manifest } of virtualNodes(s)) {
      expect(manifest.spec.listeners[0].tls).toBeUndefined();
      expect(manifest.spec.backendDefaults).toBeUndefined();
    }
    expect(s.resource(STACK, "kubernetes_deployment_v1", "service-user-deployment-v1").spec.template.spec.container[0].liveness_probe.http_get).toBeDefined();
    expect(s.stack(STACK).output!.mesh_tls.value).toBe("off");
  });
});

describe("mesh TLS config", () => {
  const refusal = (input: unknown) => {
    try {
      parseConfig(input, "test config");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message.split("\n").slice(1, -1);
    }
    throw new Error("accepted");
  };
  it("refuses a CA without strict mode, and a malformed CA ARN", () => {
    expect(refusal(withDev({ mesh: { tls: { certificateAuthorityArn: SHARED_CA } } }))).toEqual([
      '  - mesh.tls.certificateAuthorityArn: is set but mesh.tls.mode is not set; set mode: "strict" to use it, or remove it',
    ]);
    expect(refusal(withDev({ mesh: { tls: { mode: "off", certificateAuthorityArn: SHARED_CA } } }))).toEqual([
      '  - mesh.tls.certificateAuthorityArn: is set but mesh.tls.mode is "off"; set mode: "strict" to use it, or remove it',
    ]);
    expect(refusal(withDev({ mesh: { tls: { mode: "mutual" as "strict" } } }))).toEqual(['  - mesh.tls.mode: "mutual" is not a mesh TLS mode; use "off" or "strict"']);
    expect(refusal(withDev({ mesh: { tls: { mode: "strict", certificateAuthorityArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" } } }))).toEqual([
      '  - mesh.tls.certificateAuthorityArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" is not an AWS Private CA ARN; use arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>',
    ]);
  });
});
