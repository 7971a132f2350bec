import { z } from "zod";
import { intInRange, logRetentionDays } from "../../input/fields";
import { DEFAULT_CLOUDWATCH_ADDON_VERSION } from "../../facts/eks";

/**
 * Observability: logs from Fargate and EC2 pods, metrics, traces, alarms and a dashboard.
 * Each part has its own switch. On by default where it is cheap (logs, alarms, the
 * dashboard); off where it costs per sample or per trace (Prometheus, traces).
 * What each part costs: `npm run cost` (cost/observability.ts).
 */


const quote = (v: unknown) => JSON.stringify(v);

const snsTopicArn = z.string().regex(/^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
  error: (i) => `${quote(i.input)} is not an SNS topic ARN; use arn:aws:sns:<region>:<account>:<topic>`,
});

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: (i) => `${quote(i.input)} is not an e-mail address` });

const fargateLogs = z
  .strictObject({
    /**
     * Route every Fargate pod's stdout/stderr to a CloudWatch log group per namespace
     * (`/<name>/<environment>/fargate/<namespace>`), KMS-encrypted. @default true
     */
    enabled: z.boolean().default(true),
    /** Retention of the Fargate log groups. @default 30 */
    retentionDays: logRetentionDays.default(30),
  })
  .prefault({});

const ec2Logs = z
  .strictObject({
    /**
     * The Amazon CloudWatch Observability EKS add-on: Container Insights (metrics the alarms
     * read) and its Fluent Bit for the EC2 nodes' pods. @default true
     */
    enabled: z.boolean().default(true),
    /** Retention of the four `/aws/containerinsights/<cluster>/*` log groups. @default 30 */
    retentionDays: logRetentionDays.default(30),
    /** Pinned add-on build. @default "v6.4.0-eksbuild.1" */
    addonVersion: z
      .string()
      .regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
        error: (i) => `${quote(i.input)} is not an EKS add-on version; use the form "v6.4.0-eksbuild.1" (list them with: aws eks describe-addon-versions --kubernetes-version <version> --addon-name amazon-cloudwatch-observability)`,
      })
      .default(DEFAULT_CLOUDWATCH_ADDON_VERSION),
  })
  .prefault({});

const latticeAccessLogs = z
  .strictObject({
    /**
     * With mesh.implementation "vpc-lattice": every request through the service network
     * (caller's IAM principal, target, status, duration) to a KMS-encrypted CloudWatch log
     * group, through a Lattice access log subscription the mesh stack creates. @default true
     */
    enabled: z.boolean().default(true),
    /** Retention of the access log group: it is the record of who called whom. @default 365 */
    retentionDays: logRetentionDays.default(365),
  })
  .prefault({});

export const observabilitySchema = z
  .strictObject({
    logs: z
      .strictObject({
        fargate: fargateLogs,
        ec2: ec2Logs,
        lattice: latticeAccessLogs,
        /** Only for `npm run cost`: log volume one service writes per month. @default 1 */
        estimatedGiBPerServiceMonth: z.number().min(0, { error: "must be 0 or more GiB" }).max(10_000, { error: "must be at most 10000 GiB" }).default(1),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        prometheus: z
          .strictObject({
            /**
             * An Amazon Managed Service for Prometheus workspace and the AWS-managed agentless
             * scraper for the cluster (services' and Envoy proxies' metrics). @default false
             */
            enabled: z.boolean().default(false),
            /** Seconds between scrapes. @default 30 */
            scrapeIntervalSeconds: intInRange("observability.metrics.prometheus.scrapeIntervalSeconds", 10, 300).default(30),
            /** Only for `npm run cost`: samples one pod exposes per scrape. @default 500 */
            estimatedSeriesPerPod: intInRange("observability.metrics.prometheus.estimatedSeriesPerPod", 1, 100_000).default(500),
          })
          .prefault({}),
      })
      .prefault({}),
    traces: z
      .strictObject({
        /**
         * Every service emits traces through the mesh in use: with App Mesh, Envoy's X-Ray
         * tracing and an X-Ray daemon beside it (this switch drives
         * mesh.controller.tracing.enabled). @default false
         */
        enabled: z.boolean().default(false),
        /** Only for `npm run cost`: requests per second across the catalog (traces and, under VPC Lattice, its access log). @default 10 */
        estimatedRequestsPerSecond: z.number().min(0, { error: "must be 0 or more" }).default(10),
      })
      .prefault({}),
    alarms: z
      .strictObject({
        /** Per-service alarms generated from the catalog. @default true */
        enabled: z.boolean().default(true),
        /** Existing SNS topic to notify. @default none: the platform creates an encrypted topic */
        topicArn: snsTopicArn.optional(),
        /** E-mail subscriptions on the created topic (each must confirm). @default [] */
        emails: z
          .array(email)
          .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, { error: "lists an address twice; each may appear once" })
          .default([]),
        /** Container restarts within 15 minutes that page. @default 3 */
        restartsThreshold: intInRange("observability.alarms.restartsThreshold", 1, 1000).default(3),
        /** Target 5xx share of ALB requests, in percent, that pages. @default 5 */
        errorRatePercent: z.number().gt(0, { error: "must be above 0 %" }).max(100, { error: "must be at most 100 %" }).default(5),
      })
      .prefault({}),
    dashboard: z
      .strictObject({
        /** One CloudWatch dashboard per environment with each service's key figures. @default true */
        enabled: z.boolean().default(true),
      })
      .prefault({}),
  })
  .prefault({});

export type ObservabilitySettings = z.output<typeof observabilitySchema>;

/** The sections tracing resolution reads. */
interface TracingSections {
  readonly observability: ObservabilitySettings;
  readonly mesh: { readonly controller: { readonly tracing: { readonly enabled?: boolean; readonly provider: string; readonly address?: string } } };
}

/**
 * One switch for traces: `observability.traces.enabled`. `mesh.controller.tracing.enabled`
 * is kept as an alias (older environment files set it), resolved to the same value; set
 * to false while traces are on, it is a contradiction and refused.
 */
export function resolveTracing<C extends TracingSections>(c: C, ctx: z.RefinementCtx): { traces: boolean; mesh: C["mesh"]; observability: ObservabilitySettings } {
  const fromMesh = c.mesh.controller.tracing.enabled;
  const on = c.observability.traces.enabled;
  if (on && fromMesh === false) {
    ctx.addIssue({
      code: "custom",
      path: ["mesh", "controller", "tracing", "enabled"],
      message: "is false but observability.traces.enabled is true; traces have one switch, observability.traces.enabled: remove this field",
    });
  }
  const traces = on || fromMesh === true;
  const tracing = c.mesh.controller.tracing;
  if (traces && fromMesh === undefined && tracing.provider !== "x-ray" && !tracing.address) {
    ctx.addIssue({
      code: "custom",
      path: ["mesh", "controller", "tracing", "address"],
      message: `is required when tracing.provider is "${tracing.provider}": give the agent's address, e.g. "${tracing.provider}-agent.observability"`,
    });
  }
  return {
    traces,
    mesh: { ...c.mesh, controller: { ...c.mesh.controller, tracing: { ...tracing, enabled: traces } } },
    observability: { ...c.observability, traces: { ...c.observability.traces, enabled: traces } },
  };
}
