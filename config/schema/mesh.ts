import { z } from "zod";
import { CHARTS } from "../../facts/charts";
import { dnsLabel, intInRange } from "./common";
import { type MeshTlsSettings, meshTlsSchema } from "./mesh-tls";

/**
 * Mesh implementations the platform can install: "appmesh" (AWS App Mesh, discontinued on
 * 2026-09-30) and "vpc-lattice" (Amazon VPC Lattice through the AWS Gateway API
 * Controller). Each has an installer in stacks/mesh/ and a routing renderer in
 * stacks/routing/; a third is one more file in each and one more value here.
 */
export const MESH_IMPLEMENTATIONS = ["appmesh", "vpc-lattice"] as const;
export type MeshImplementation = (typeof MESH_IMPLEMENTATIONS)[number];

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** An exact chart version: ranges or "latest" would let a plan change without a config change. */
export function chartVersion(chart: string) {
  return z.string().regex(SEMVER, {
    error: (i) => `${JSON.stringify(i.input)} is not an exact ${chart} chart version; pin a semantic version like "${CHARTS.appmeshController.version}" (no ranges, "v" prefix or "latest", so a plan never changes without a config change)`,
  });
}

const TRACING_PROVIDERS = ["x-ray", "jaeger", "datadog"] as const;
const LOG_LEVELS = ["info", "debug"] as const;

const tracingSchema = z
  .strictObject({
    /**
     * Alias of observability.traces.enabled, the one switch for traces (kept for older
     * environment files). @default observability.traces.enabled
     */
    enabled: z.boolean().optional(),
    /**
     * "x-ray" injects the X-Ray daemon next to Envoy (pods' roles need xray:PutTraceSegments);
     * "jaeger" and "datadog" send to `address`.
     * @default "x-ray"
     */
    provider: z.enum(TRACING_PROVIDERS, {
      error: (i) => `${JSON.stringify(i.input)} is not a tracing provider; use "x-ray", "jaeger" or "datadog"`,
    }).default("x-ray"),
    /** Agent address for jaeger/datadog (ignored for X-Ray). @default none (required for jaeger and datadog) */
    address: z.string().min(1).optional(),
    /** Agent port. @default 2000 */
    port: intInRange("mesh.controller.tracing.port", 1, 65535).default(2000),
    /** X-Ray sampling rate, 0 to 1. @default 0.05 */
    samplingRate: z
      .number({ error: (i) => `sampling rate must be a number from 0 to 1, got ${JSON.stringify(i.input)}` })
      .min(0, { error: (i) => `${JSON.stringify(i.input)} is below 0; the sampling rate is a fraction from 0 to 1` })
      .max(1, { error: (i) => `${JSON.stringify(i.input)} is above 1; the sampling rate is a fraction from 0 to 1` })
      .default(0.05),
  })
  .prefault({})
  .superRefine((t, ctx) => {
    if (t.enabled && t.provider !== "x-ray" && !t.address) {
      ctx.addIssue({ code: "custom", path: ["address"], message: `is required when tracing.provider is "${t.provider}": give the agent's address, e.g. "${t.provider}-agent.observability"` });
    }
  });

const statsSchema = z
  .strictObject({
    /** Add App Mesh tags (mesh, virtual node) to Envoy stats. @default false */
    tagsEnabled: z.boolean().default(false),
    /** Publish Envoy stats to a (Dog)StatsD endpoint. @default false */
    statsdEnabled: z.boolean().default(false),
    /** @default "127.0.0.1" (a sidecar agent) */
    statsdAddress: z.string().min(1).default("127.0.0.1"),
    /** @default 8125 */
    statsdPort: intInRange("mesh.controller.stats.statsdPort", 1, 65535).default(8125),
  })
  .prefault({});

const imageRef = z.strictObject({
  repository: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, {
    error: (i) => `${JSON.stringify(i.input)} is not an image repository; write it like "840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy"`,
  }),
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, {
    error: (i) => `${JSON.stringify(i.input)} is not an image tag; use letters, digits, "_", "." and "-" (at most 128)`,
  }).refine((t) => t !== "latest", { error: "\"latest\" is not a pinned image tag; name a release such as \"v1.29.12.3-prod\"" }),
});

const controllerSchema = z
  .strictObject({
    /** appmesh-controller chart version (eks-charts). @default "1.13.3" (the last release) */
    chartVersion: chartVersion("appmesh-controller").default(CHARTS.appmeshController.version),
    /** Controller replicas; above 1 keeps the sidecar injector webhook up through a node loss. @default 2 */
    replicas: intInRange("mesh.controller.replicas", 1, 5).default(2),
    /** @default "info" */
    logLevel: z.enum(LOG_LEVELS, { error: (i) => `${JSON.stringify(i.input)} is not a log level; use "info" or "debug"` }).default("info"),
    /** Envoy image the controller injects. @default the chart's: aws-appmesh-envoy v1.29.12.3-prod */
    envoyImage: imageRef.optional(),
    tracing: tracingSchema,
    stats: statsSchema,
  })
  .prefault({});

const LATTICE_AUTH = ["iam", "none"] as const;

/** Settings that apply only with implementation "vpc-lattice". */
const latticeSchema = z
  .strictObject({
    /**
     * "iam": every Lattice service gets an IAM auth policy that admits only the roles of the
     * services the catalog says call it (`dependsOn`), and callers get a SigV4 signing proxy
     * sidecar per dependency their env names (docs/mesh.md says what works without code changes).
     * "none": no auth policy and no sidecars; any client in the associated VPC may call.
     * @default "iam"
     */
    auth: z.enum(LATTICE_AUTH, { error: (i) => `${JSON.stringify(i.input)} is not a Lattice auth mode; use "iam" or "none"` }).default("iam"),
  })
  .prefault({});

const addonSchema = (chart: string, defaultVersion: string) =>
  z
    .strictObject({
      /** Install it. @default true */
      enabled: z.boolean().default(true),
      /** Chart version. */
      chartVersion: chartVersion(chart).default(defaultVersion),
    })
    .prefault({});

export const meshSchema = z
  .strictObject({
    /**
     * The service mesh: "appmesh" (AWS App Mesh, which stopped operating on 2026-09-30) or
     * "vpc-lattice" (Amazon VPC Lattice). See docs/mesh.md.
     * @default "appmesh"
     */
    implementation: z.enum(MESH_IMPLEMENTATIONS, {
      error: (i) => `${JSON.stringify(i.input)} is not a mesh implementation; use "vpc-lattice" (Amazon VPC Lattice) or "appmesh" (AWS App Mesh, discontinued on 2026-09-30)`,
    }).default("appmesh"),
    /** Name of the mesh the workloads join. @default "<platform.name>-<platform.environment>" */
    name: dnsLabel("mesh name", 63).optional(),
    controller: controllerSchema,
    /** TLS between the services' sidecars (docs/encryption.md). */
    tls: meshTlsSchema,
    /** Amazon VPC Lattice settings (implementation "vpc-lattice"). */
    lattice: latticeSchema,
    addons: z
      .strictObject({
        /** AWS Load Balancer Controller: ALB ingresses with IP targets (needed for Fargate pods). */
        loadBalancerController: addonSchema("aws-load-balancer-controller", CHARTS.loadBalancerController.version),
        /** metrics-server: resource metrics for HorizontalPodAutoscalers and `kubectl top`. */
        metricsServer: addonSchema("metrics-server", CHARTS.metricsServer.version),
      })
      .prefault({}),
    helm: z
      .strictObject({
        /** Seconds Helm waits for a release's resources to become ready. @default 600 */
        timeoutSeconds: intInRange("mesh.helm.timeoutSeconds", 60, 3600).default(600),
        /** Release revisions Helm keeps (each is a Secret in the namespace). @default 10 */
        maxHistory: intInRange("mesh.helm.maxHistory", 1, 100).default(10),
      })
      .prefault({}),
  })
  .prefault({});

/** The mesh settings the stacks receive: TLS mode resolved (config/schema/index.ts). */
export type MeshSettings = Omit<z.output<typeof meshSchema>, "tls"> & { readonly tls: MeshTlsSettings };
