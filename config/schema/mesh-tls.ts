import { z } from "zod";

/**
 * TLS between services inside the mesh: an environment setting, never a catalog change.
 * With App Mesh on EKS, the mode that needs no extra software is one-way TLS with ACM
 * private certificates issued by AWS Private CA: each virtual node's listener presents
 * its own certificate (STRICT: plain text refused), and every caller's Envoy validates it
 * against the CA (backend client policy, enforced). See docs/encryption.md.
 */
export const MESH_TLS_MODES = ["off", "strict"] as const;
export type MeshTlsMode = (typeof MESH_TLS_MODES)[number];

export const PRIVATE_CA_ARN = /^arn:aws(-[a-z]+)*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;

export const meshTlsSchema = z
  .strictObject({
    /**
     * "strict": every virtual node listener accepts TLS only and every caller enforces and
     * validates it. Costs an AWS Private CA (general-purpose mode, about $400/month, see
     * `npm run cost`) unless `certificateAuthorityArn` names one you already pay for.
     * @default "off"
     */
    mode: z
      .enum(MESH_TLS_MODES, { error: (i) => `${JSON.stringify(i.input)} is not a mesh TLS mode; use "off" or "strict"` })
      .default("off"),
    /**
     * An existing AWS Private CA (ACTIVE, general-purpose mode, same region; shared through
     * AWS RAM is fine) that issues the virtual nodes' certificates. Sharing one CA across
     * environments is the usual way to pay for one CA instead of one per environment.
     * @default none: with mode "strict" the platform creates a root CA for this environment
     */
    certificateAuthorityArn: z
      .string()
      .regex(PRIVATE_CA_ARN, {
        error: (i) => `${JSON.stringify(i.input)} is not an AWS Private CA ARN; use arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>`,
      })
      .optional(),
  })
  .prefault({})
  .superRefine((t, ctx) => {
    if (t.mode === "off" && t.certificateAuthorityArn !== undefined) {
      ctx.addIssue({ code: "custom", path: ["certificateAuthorityArn"], message: 'is set but mesh.tls.mode is "off"; set mode: "strict" to use it, or remove it' });
    }
  });

export type MeshTlsSettings = z.output<typeof meshTlsSchema>;
