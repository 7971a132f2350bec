import { z } from "zod";
import { intInRange } from "../../config/schema/common";

/**
 * The service catalog: every service described once, in one typed object. The catalogs
 * under apps/ are written as `CatalogInput` (optional fields take the defaults below);
 * `catalogSchema` checks each field, and apps/validate.ts checks the rules between
 * services (dependencies, cycles, weights, tables, names). Units follow the cost model
 * (cost/types.ts): CPU in millicores, memory in MiB.
 */

/** Kubernetes object and namespace names (RFC 1123 label), short enough for the IAM and App Mesh names built from them. */
function k8sName(what: string, max: number) {
  return z
    .string()
    .max(max, { error: (i) => `${JSON.stringify(i.input)} is longer than ${max} characters; ${what} must be 1-${max} characters so the IAM role, ECR and App Mesh names built from it stay within their limits` })
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      error: (i) => `${JSON.stringify(i.input)} is not a valid ${what}; use lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (a Kubernetes DNS label)`,
    });
}

export const serviceName = k8sName("service name", 32);
export const namespaceName = k8sName("namespace", 40).refine((n) => !n.startsWith("kube-") && n !== "default", {
  error: (i) => `${JSON.stringify(i.input)} is a namespace Kubernetes owns; give the service a namespace of its own (the mesh labels and Pod Security levels are set per namespace)`,
});
export const tableName = k8sName("table name", 40);

const labelMap = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/, { error: (i) => `${JSON.stringify(i.input)} is not a Kubernetes label key` }),
  z.string().regex(/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/, { error: (i) => `${JSON.stringify(i.input)} is not a Kubernetes label value (63 characters at most, alphanumeric at both ends)` }),
);

export const imageSchema = z.union(
  [
    z.strictObject({
      /** An ECR repository this project creates (`<prefix>/<ecr>`); pushed images are immutable. */
      ecr: k8sName("ECR repository name", 40),
      tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: (i) => `${JSON.stringify(i.input)} is not a valid image tag` }).refine((t) => t !== "latest", {
        error: "\"latest\" is not allowed: ECR repositories here are IMMUTABLE, so pin a version tag",
      }),
    }),
    z.strictObject({
      /** Any other registry, with a pinned tag or digest: `registry/image:tag`. */
      external: z.string().regex(/^[a-z0-9.\-/:_]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
        error: (i) => `${JSON.stringify(i.input)} is not a pinned image reference; write registry/image:tag or registry/image@sha256:<digest>`,
      }).refine((r) => !r.endsWith(":latest"), { error: "\":latest\" is not allowed; pin a version tag or digest" }),
    }),
  ],
  { error: "image must be { ecr: \"<repository>\", tag: \"<tag>\" } or { external: \"registry/image:tag\" }" },
);

export const PROTOCOLS = ["http", "http2", "grpc", "tcp"] as const;
export const PLACEMENTS = ["fargate", "ec2", "auto"] as const;
export const TABLE_ACCESS = ["read", "write", "readwrite"] as const;

const versionSchema = z.strictObject({
  /** Version label (`version=<name>` on pods; the VirtualNode is `<service>-<name>`). */
  name: k8sName("version name", 12),
  /** Image of this version. @default the service's image */
  image: imageSchema.optional(),
  /** Share of traffic, 0-100 (App Mesh's range); the route divides by the total. */
  weight: intInRange("a version weight", 0, 100),
});

const retryPolicySchema = z.strictObject({
  maxRetries: intInRange("retryPolicy.maxRetries", 0, 10),
  perRetryTimeoutMs: intInRange("retryPolicy.perRetryTimeoutMs", 1, 300_000),
  /** @default ["server-error", "gateway-error"] */
  httpRetryEvents: z.array(z.enum(["server-error", "gateway-error", "client-error", "stream-error"])).min(1).default(["server-error", "gateway-error"]),
  /** @default none */
  tcpRetryEvents: z.array(z.enum(["connection-error"])).max(1).optional(),
});

export const serviceSchema = z.strictObject({
  name: serviceName,
  /** Kubernetes namespace; the platform creates it with the mesh labels. */
  namespace: namespaceName,
  image: imageSchema,
  port: intInRange("port", 1, 65535),
  /** @default "http" */
  protocol: z.enum(PROTOCOLS, { error: (i) => `${JSON.stringify(i.input)} is not a protocol; use one of ${PROTOCOLS.join(", ")}` }).default("http"),
  /** CPU in millicores: what the scheduler reserves (request) and the ceiling (limit). */
  cpu: z.strictObject({ request: intInRange("cpu.request (millicores)", 10, 16_000), limit: intInRange("cpu.limit (millicores)", 10, 16_000) }),
  /** Memory in MiB. */
  memory: z.strictObject({ request: intInRange("memory.request (MiB)", 16, 122_880), limit: intInRange("memory.limit (MiB)", 16, 122_880) }),
  /** Autoscaling bounds per version Deployment. @default { min: 2, max: 4, targetCpuUtilization: 70 } */
  replicas: z
    .strictObject({
      min: intInRange("replicas.min", 1, 100).default(2),
      max: intInRange("replicas.max", 1, 500).default(4),
      targetCpuUtilization: intInRange("replicas.targetCpuUtilization (%)", 10, 100).default(70),
    })
    .prefault({}),
  /** Where pods run; `auto` is decided by resolvePlacement (apps/placement.ts). @default "auto" */
  placement: z.enum(PLACEMENTS, { error: (i) => `${JSON.stringify(i.input)} is not a placement; use one of ${PLACEMENTS.join(", ")}` }).default("auto"),
  /** Facts that force a placement (the same as cost/types.ts PlacementConstraints). @default all false */
  constraints: z
    .strictObject({
      /** Needs a real node (host paths, node-local storage, a node group's hardware): EC2. */
      needsNode: z.boolean().default(false),
      /** Needs privileges or capabilities Fargate refuses: EC2. */
      privileged: z.boolean().default(false),
      /** Needs a GPU (Fargate has none): EC2. */
      gpu: z.boolean().default(false),
      /** Must run in its own micro-VM: Fargate. */
      isolation: z.boolean().default(false),
    })
    .prefault({}),
  /** Node labels an EC2 pod requires (matched against cluster.nodeGroups labels). @default {} */
  nodeSelector: labelMap.default({}),
  /** Versions and their traffic weights, for canaries. @default [{ name: "v1", weight: 100 }] */
  versions: z.array(versionSchema).min(1, { error: "versions needs at least one version" }).default([{ name: "v1", weight: 100 }]),
  /** Services this one calls (its App Mesh backends). @default [] */
  dependsOn: z.array(serviceName).default([]),
  /** DynamoDB tables it uses and how; its role gets exactly these. @default {} */
  tables: z.record(tableName, z.enum(TABLE_ACCESS, { error: (i) => `${JSON.stringify(i.input)} is not a table access; use one of ${TABLE_ACCESS.join(", ")}` })).default({}),
  /** Exposed through the shared internet-facing ALB on this path prefix. @default not public */
  public: z.strictObject({ path: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/, { error: (i) => `${JSON.stringify(i.input)} is not a URL path prefix; start with "/"` }) }).optional(),
  /** HTTP path for liveness/readiness and the mesh health check (ignored for tcp and grpc, which are checked on the port). @default "/health" */
  healthCheckPath: z.string().regex(/^\/\S*$/, { error: (i) => `${JSON.stringify(i.input)} is not a path; start with "/"` }).default("/health"),
  /** Route retries (http, http2 and grpc only). @default none */
  retryPolicy: retryPolicySchema.optional(),
  /** Plain environment variables (no secrets: they land in Terraform state). @default {} */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: (i) => `${JSON.stringify(i.input)} is not an environment variable name` }), z.string()).default({}),
  /** Writable directories (emptyDir) under the read-only root filesystem. @default ["/tmp"] */
  writablePaths: z.array(z.string().regex(/^\/\S+$/, { error: (i) => `${JSON.stringify(i.input)} is not an absolute path` })).default(["/tmp"]),
  /** User the container runs as (never root). @default 10001 */
  runAsUser: intInRange("runAsUser", 1, 2_147_483_647).default(10001),
});

export const KEY_TYPES = ["S", "N", "B"] as const;
const keySchema = z.strictObject({ name: z.string().min(1).max(255), type: z.enum(KEY_TYPES).default("S") });

export const tableSchema = z.strictObject({
  partitionKey: keySchema,
  /** @default none */
  sortKey: keySchema.optional(),
  /** @default "on-demand" (PAY_PER_REQUEST) */
  billing: z.enum(["on-demand", "provisioned"]).default("on-demand"),
  /** Required with billing "provisioned", refused otherwise. */
  readCapacity: intInRange("readCapacity", 1, 40_000).optional(),
  /** Required with billing "provisioned", refused otherwise. */
  writeCapacity: intInRange("writeCapacity", 1, 40_000).optional(),
});

export const catalogSchema = z.strictObject({
  /** Catalog name, for messages and docs. */
  name: z.string().min(1),
  description: z.string().default(""),
  services: z.array(serviceSchema).min(1, { error: "a catalog needs at least one service" }),
  /** DynamoDB tables, by name (the AWS name is `<prefix>-<name>`). @default {} */
  tables: z.record(tableName, tableSchema).default({}),
});

export type CatalogInput = z.input<typeof catalogSchema>;
export type Catalog = z.output<typeof catalogSchema>;
export type Service = Catalog["services"][number];
export type ServiceInput = z.input<typeof serviceSchema>;
export type Table = Catalog["tables"][string];
export type Protocol = (typeof PROTOCOLS)[number];
export type TableAccess = (typeof TABLE_ACCESS)[number];

/** Where a service's pods run once `auto` is decided. */
export type ResolvedPlacement = "fargate" | "ec2";

/** A catalog service with its placement decided: what the workloads stack renders. */
export interface ResolvedService extends Service {
  readonly placement: ResolvedPlacement;
  /** The placement the catalog asked for (before `auto` was decided). */
  readonly requestedPlacement: Service["placement"];
}

export interface ResolvedCatalog {
  readonly name: string;
  readonly description: string;
  readonly services: readonly ResolvedService[];
  readonly tables: Catalog["tables"];
}

/** Pod label that tells Fargate profiles and node selectors apart (see config/schema/cross-checks.ts). */
export const COMPUTE_LABEL = "eks-mesh-platform/compute";
