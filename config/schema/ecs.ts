import { z } from "zod";
import { intInRange, logRetentionDays } from "../../input/fields";

/**
 * Settings for `platform.orchestrator: "ecs"` (issue 19): the ECS cluster, its capacity
 * providers and the few things an environment decides about how the catalog runs on ECS.
 * Read only when the orchestrator is "ecs"; the catalog itself is the same as on EKS.
 */

export const ECS_FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;

const strategyItem = z.strictObject({
  capacityProvider: z.enum(ECS_FARGATE_PROVIDERS, { error: (i) => `${JSON.stringify(i.input)} is not a Fargate capacity provider; use ${ECS_FARGATE_PROVIDERS.join(" or ")}` }),
  /** Share of tasks beyond the bases, relative to the other entries' weights. */
  weight: intInRange("ecs.capacityProviderStrategy[].weight", 0, 1000),
  /** Tasks always placed on this provider first. @default 0 */
  base: intInRange("ecs.capacityProviderStrategy[].base", 0, 100_000).default(0),
});

/** `cron(...)`, `rate(...)` or `at(...)`, the three forms Application Auto Scaling accepts. */
const schedule = z.string().regex(/^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/, {
  error: (i) => `${JSON.stringify(i.input)} is not a schedule Application Auto Scaling accepts; write cron(0 8 ? * MON-FRI *), rate(1 hour) or at(2026-12-24T18:00:00)`,
});

const scheduledAction = z
  .strictObject({
    /** Action name, unique per service (letters, digits, hyphens). */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, { error: (i) => `${JSON.stringify(i.input)} is not a scheduled action name; use letters, digits and hyphens, at most 63` }),
    schedule,
    /** IANA time zone the cron expression is read in. @default "UTC" */
    timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, { error: (i) => `${JSON.stringify(i.input)} is not an IANA time zone such as "America/Argentina/Buenos_Aires"` }).default("UTC"),
    /** Task bounds from this time on, for every version of the service. */
    minCapacity: intInRange("ecs.scheduledScaling[].minCapacity", 0, 500),
    maxCapacity: intInRange("ecs.scheduledScaling[].maxCapacity", 1, 500),
  })
  .refine((a) => a.minCapacity <= a.maxCapacity, { error: "minCapacity must not exceed maxCapacity", path: ["minCapacity"] });

export const ecsSchema = z
  .strictObject({
    /** CloudWatch Container Insights for the cluster. @default "enabled" */
    containerInsights: z.enum(["enabled", "enhanced"]).default("enabled"),
    /**
     * The cluster's default capacity provider strategy, used by every service the catalog
     * does not place on EC2. `[{ capacityProvider: "FARGATE", base: 1, weight: 1 },
     * { capacityProvider: "FARGATE_SPOT", weight: 3 }]` keeps one task on demand and three
     * in four of the rest on Spot.
     * @default [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]
     */
    capacityProviderStrategy: z
      .array(strategyItem)
      .min(1, { error: "ecs.capacityProviderStrategy needs at least one entry" })
      .max(2)
      .refine((list) => new Set(list.map((s) => s.capacityProvider)).size === list.length, { error: "each capacity provider may appear once" })
      .refine((list) => list.some((s) => s.weight > 0), { error: "at least one entry needs a weight above 0" })
      .refine((list) => list.filter((s) => s.base > 0).length <= 1, { error: "only one entry may have a base above 0 (an ECS rule)" })
      .default([{ capacityProvider: "FARGATE", weight: 1, base: 0 }]),
    /**
     * The EC2 capacity provider, created only when the catalog places a service on EC2:
     * an Auto Scaling group of ECS-optimized Amazon Linux 2023 instances.
     */
    ec2: z
      .strictObject({
        /** @default "t3.medium" */
        instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: (i) => `${JSON.stringify(i.input)} is not an EC2 instance type such as "t3.medium"` }).default("t3.medium"),
        /** @default 1 */
        minSize: intInRange("ecs.ec2.minSize", 0, 100).default(1),
        /** @default 3 */
        maxSize: intInRange("ecs.ec2.maxSize", 1, 100).default(3),
        /** Encrypted gp3 root volume. @default 30 */
        diskSizeGiB: intInRange("ecs.ec2.diskSizeGiB", 30, 1000).default(30),
        /** Managed scaling keeps the group this full (percent). @default 100 */
        targetCapacityPercent: intInRange("ecs.ec2.targetCapacityPercent", 1, 100).default(100),
      })
      .refine((e) => e.minSize <= e.maxSize, { error: "ecs.ec2.minSize must not exceed maxSize", path: ["minSize"] })
      .prefault({}),
    /** Rolling deployments of every service; the circuit breaker with rollback is always on. */
    deployment: z
      .strictObject({
        /** @default 200 */
        maximumPercent: intInRange("ecs.deployment.maximumPercent", 100, 400).default(200),
        /** @default 100 */
        minimumHealthyPercent: intInRange("ecs.deployment.minimumHealthyPercent", 0, 100).default(100),
      })
      .prefault({}),
    /** Retention of the tasks' log groups. @default 365 */
    logRetentionDays: logRetentionDays.default(365),
    /**
     * Scheduled scaling per catalog service (seed 001's peak hours), applied to every
     * version's task count next to the CPU target tracking.
     * @default {}
     */
    scheduledScaling: z.record(z.string(), z.array(scheduledAction).min(1)).default({}),
    /**
     * The shared internet-facing ALB of the public services. Its domain, certificate, TLS
     * policy, HSTS and WAF come from the `edge` section, as for the EKS ingress.
     */
    loadBalancer: z
      .strictObject({
        /** @default false (the ALB holds no data; a recreate only changes its hostname) */
        deletionProtection: z.boolean().default(false),
      })
      .prefault({}),
  })
  .prefault({});

export type EcsSettings = z.output<typeof ecsSchema>;
export type ScheduledAction = EcsSettings["scheduledScaling"][string][number];
