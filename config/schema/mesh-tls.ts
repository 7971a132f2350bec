import { z } from "zod";

/**
 * TLS between services: an environment setting, never a catalog change. What "strict"
 * builds depends on the mesh (docs/encryption.md):
 * - App Mesh on EKS: one-way TLS between Envoy sidecars with ACM private certificates issued
 *   by AWS Private CA (every listener STRICT, every caller validates against the CA).
 * - VPC Lattice: every carried service listens on HTTPS only, with the certificate Lattice
 *   manages for its generated name, and every signing proxy verifies it; Lattice forwards
 *   to the pods in plain HTTP inside the VPC (the pods serve no TLS).
 */
export const MESH_TLS_MODES = ["off", "strict"] as const;
export type MeshTlsMode = (typeof MESH_TLS_MODES)[number];

export const PRIVATE_CA_ARN = /^arn:aws(-[a-z]+)*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;

export const meshTlsSchema = z
  .strictObject({
    /**
     * "strict": callers reach services over TLS only. With App Mesh every virtual node
     * listener accepts TLS only and every caller enforces and validates it, which costs an
     * AWS Private CA (general-purpose mode, about $400/month, see `npm run cost`) unless
     * `certificateAuthorityArn` names one you already pay for. With VPC Lattice every
     * service listens on HTTPS with a certificate Lattice manages, at no extra cost.
     * @default "strict" with mesh.implementation "vpc-lattice" on EKS (it is free there); "off" otherwise
     */
    mode: z.enum(MESH_TLS_MODES, { error: (i) => `${JSON.stringify(i.input)} is not a mesh TLS mode; use "off" or "strict"` }).optional(),
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
    if (t.mode !== "strict" && t.certificateAuthorityArn !== undefined) {
      ctx.addIssue({ code: "custom", path: ["certificateAuthorityArn"], message: `is set but mesh.tls.mode is ${t.mode === undefined ? "not set" : '"off"'}; set mode: "strict" to use it, or remove it` });
    }
  });

/** The settings once the mode is resolved (config/schema/index.ts): what the stacks receive. */
export type MeshTlsSettings = Omit<z.output<typeof meshTlsSchema>, "mode"> & { readonly mode: MeshTlsMode };

/**
 * The mode when the environment does not say: "strict" where TLS costs nothing (VPC Lattice
 * on EKS: Lattice manages the certificates), "off" where it costs a private CA (App Mesh)
 * or is not built (ECS). An explicit mode always wins.
 */
export function resolveMeshTls<T extends { readonly mode?: MeshTlsMode }>(
  tls: T,
  where: { readonly orchestrator: "eks" | "ecs"; readonly implementation: string },
): Omit<T, "mode"> & { readonly mode: MeshTlsMode } {
  const mode = tls.mode ?? (where.orchestrator === "eks" && where.implementation === "vpc-lattice" ? "strict" : "off");
  return { ...tls, mode };
}
