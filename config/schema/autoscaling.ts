import { z } from "zod";
import { CHARTS } from "../../facts/charts";
import { intInRange } from "./common";

/**
 * EC2 capacity that follows the pods: `cluster.autoscaling: "karpenter"` and its NodePools,
 * plus the Vertical Pod Autoscaler switch. Kept apart from cluster.ts so the node-group
 * schema stays as it is; cluster.ts only mounts these fields.
 *
 * Facts from Karpenter v1 (karpenter.sh/v1 NodePool, karpenter.k8s.aws/v1 EC2NodeClass):
 * well-known requirement keys, duration syntax, budget fields, and the labels Karpenter
 * reserves for itself.
 */

/** Node label naming the NodePool a Karpenter node belongs to (the platform's own, next to COMPUTE_LABEL). */
export const NODE_POOL_LABEL = "eks-mesh-platform/node-pool";

/** The Karpenter chart version installed by default (pinned in charts/versions.ts). */
export const DEFAULT_KARPENTER_CHART_VERSION: string = CHARTS.karpenter.version;

/** Capacity types as Karpenter names them (`karpenter.sh/capacity-type`). */
export const KARPENTER_CAPACITY_TYPES = ["on-demand", "spot"] as const;
export type KarpenterCapacityType = (typeof KARPENTER_CAPACITY_TYPES)[number];

/** Architectures as Kubernetes names them (`kubernetes.io/arch`). */
export const KARPENTER_ARCHITECTURES = ["amd64", "arm64"] as const;
export type KarpenterArchitecture = (typeof KARPENTER_ARCHITECTURES)[number];

/** Instance categories a pool may ask for (`karpenter.k8s.aws/instance-category`): general, compute, memory, burstable. */
export const INSTANCE_CATEGORIES = ["c", "m", "r", "t"] as const;
export type InstanceCategory = (typeof INSTANCE_CATEGORIES)[number];

/** Smallest size a family offers, which bounds the smallest node a pool can launch. */
export interface InstanceFamily {
  readonly category: InstanceCategory;
  readonly architecture: KarpenterArchitecture;
  /** vCPUs and GiB of the family's smallest size (e.g. m6i.large: 2 vCPU, 8 GiB; m7g.medium: 1 vCPU, 4 GiB). */
  readonly smallest: { readonly size: string; readonly vcpu: number; readonly memoryGiB: number };
}

const fam = (category: InstanceCategory, architecture: KarpenterArchitecture, size: string, vcpu: number, memoryGiB: number): InstanceFamily => ({
  category,
  architecture,
  smallest: { size, vcpu, memoryGiB },
});

/**
 * Current-generation families the platform knows, from the EC2 instance-type pages
 * (smallest size of each). A family not listed is refused rather than guessed; add it here
 * (and its sizes to the cost model's price table) to allow it.
 */
export const KNOWN_INSTANCE_FAMILIES: Readonly<Record<string, InstanceFamily>> = {
  t3: fam("t", "amd64", "nano", 2, 0.5),
  t3a: fam("t", "amd64", "nano", 2, 0.5),
  t4g: fam("t", "arm64", "nano", 2, 0.5),
  m5: fam("m", "amd64", "large", 2, 8),
  m5a: fam("m", "amd64", "large", 2, 8),
  m6i: fam("m", "amd64", "large", 2, 8),
  m6a: fam("m", "amd64", "large", 2, 8),
  m7i: fam("m", "amd64", "large", 2, 8),
  "m7i-flex": fam("m", "amd64", "large", 2, 8),
  m7a: fam("m", "amd64", "medium", 1, 4),
  m6g: fam("m", "arm64", "medium", 1, 4),
  m7g: fam("m", "arm64", "medium", 1, 4),
  m8g: fam("m", "arm64", "medium", 1, 4),
  c5: fam("c", "amd64", "large", 2, 4),
  c5a: fam("c", "amd64", "large", 2, 4),
  c6i: fam("c", "amd64", "large", 2, 4),
  c6a: fam("c", "amd64", "large", 2, 4),
  c7i: fam("c", "amd64", "large", 2, 4),
  c7a: fam("c", "amd64", "medium", 1, 2),
  c6g: fam("c", "arm64", "medium", 1, 2),
  c7g: fam("c", "arm64", "medium", 1, 2),
  c8g: fam("c", "arm64", "medium", 1, 2),
  r5: fam("r", "amd64", "large", 2, 16),
  r5a: fam("r", "amd64", "large", 2, 16),
  r6i: fam("r", "amd64", "large", 2, 16),
  r6a: fam("r", "amd64", "large", 2, 16),
  r7i: fam("r", "amd64", "large", 2, 16),
  r7a: fam("r", "amd64", "medium", 1, 8),
  r6g: fam("r", "arm64", "medium", 1, 8),
  r7g: fam("r", "arm64", "medium", 1, 8),
  r8g: fam("r", "arm64", "medium", 1, 8),
};

/** Label keys and prefixes Karpenter (and Kubernetes) reserve; a pool's own labels may not use them. */
const RESERVED_LABEL_PREFIXES = ["karpenter.sh/", "karpenter.k8s.aws/", "kubernetes.io/", "k8s.io/", "node.kubernetes.io/", "topology.kubernetes.io/", "eks.amazonaws.com/"];

const quote = (v: unknown) => JSON.stringify(v);

/** Go duration as Karpenter accepts it (`720h`, `1h30m`, `30s`). */
const DURATION = /^(\d+(s|m|h))+$/;
const duration = (what: string) =>
  z.string().regex(DURATION, { error: (i) => `${quote(i.input)} is not a duration; write ${what} like "720h", "30m" or "1h30m" (hours, minutes, seconds)` });

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelKey = z.string().refine((k) => {
  const slash = k.lastIndexOf("/");
  const name = slash >= 0 ? k.slice(slash + 1) : k;
  return name.length >= 1 && name.length <= 63 && LABEL_NAME.test(name) && (slash < 0 || slash <= 253);
}, { error: (i) => `${quote(i.input)} is not a valid Kubernetes label key; use [prefix/]name` });
const labelValue = z.string().refine((v) => v.length >= 1 && v.length <= 63 && LABEL_NAME.test(v), {
  error: (i) => `${quote(i.input)} is not a valid label value; use 1-63 letters, digits, "-", "_" or "."`,
});

export const POOL_TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;
const poolTaint = z.strictObject({
  key: labelKey,
  /** @default none */
  value: labelValue.optional(),
  effect: z.enum(POOL_TAINT_EFFECTS, { error: (i) => `${quote(i.input)} is not a taint effect; use "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE"` }),
});

/** Reasons Karpenter names in a disruption budget. */
export const DISRUPTION_REASONS = ["Underutilized", "Empty", "Drifted"] as const;

const budget = z.strictObject({
  /** Nodes that may be disrupted at once: a count ("2") or a share ("10%"). */
  nodes: z.string().regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, { error: (i) => `${quote(i.input)} is not a budget; write a node count like "1" or a share like "10%"` }),
  /** Cron schedule when the budget is active (UTC). @default always */
  schedule: z.string().min(1).optional(),
  /** How long it stays active after each `schedule` start; required with `schedule`. */
  duration: z.string().regex(/^([0-9]+(h|m)|[0-9]+h[0-9]+m)$/, { error: (i) => `${quote(i.input)} is not a budget duration; write it like "8h", "30m" or "1h30m" (hours and minutes only)` }).optional(),
  /** Disruption reasons the budget limits. @default all */
  reasons: z.array(z.enum(DISRUPTION_REASONS, { error: (i) => `${quote(i.input)} is not a disruption reason; use ${DISRUPTION_REASONS.join(", ")}` })).optional(),
});

export const nodePoolSchema = z.strictObject({
  /**
   * Instance categories (`c` compute, `m` general, `r` memory, `t` burstable), generation 5
   * and newer. Give either this or `instanceFamilies`. @default ["c", "m", "r"] when neither is given
   */
  instanceCategories: z.array(z.enum(INSTANCE_CATEGORIES, { error: (i) => `${quote(i.input)} is not an instance category; use ${INSTANCE_CATEGORIES.map(quote).join(", ")}` })).optional(),
  /** Exact instance families, e.g. ["m7i", "m6i"]; each must be in KNOWN_INSTANCE_FAMILIES. @default none (categories decide) */
  instanceFamilies: z.array(z.string()).optional(),
  /** "on-demand", "spot" or both (Karpenter then prefers spot). @default ["on-demand"] */
  capacityTypes: z.array(z.enum(KARPENTER_CAPACITY_TYPES, { error: (i) => `${quote(i.input)} is not a capacity type; use "on-demand" or "spot"` })).default(["on-demand"]),
  /** CPU architectures. @default ["amd64"] */
  architectures: z.array(z.enum(KARPENTER_ARCHITECTURES, { error: (i) => `${quote(i.input)} is not an architecture; use "amd64" or "arm64"` })).default(["amd64"]),
  /** The most the pool may hold, summed over its nodes. @default { cpu: 16, memoryGiB: 64 } */
  limits: z
    .strictObject({
      /** vCPUs. @default 16 */
      cpu: intInRange("limits.cpu", 1, 100000).default(16),
      /** GiB of memory. @default 64 */
      memoryGiB: intInRange("limits.memoryGiB", 1, 1000000).default(64),
    })
    .prefault({}),
  /** Extra node labels (the platform adds eks-mesh-platform/compute=ec2 and eks-mesh-platform/node-pool). @default {} */
  labels: z.record(labelKey, labelValue).default({}),
  /** Node taints. @default [] */
  taints: z.array(poolTaint).default([]),
  /**
   * Whether the pool's nodes may be taken away at short notice. false refuses spot, since
   * AWS reclaims spot capacity with two minutes' warning. @default true
   */
  interruptible: z.boolean().default(true),
  consolidation: z
    .strictObject({
      /** "WhenEmptyOrUnderutilized" repacks pods onto fewer or cheaper nodes; "WhenEmpty" only removes empty ones. @default "WhenEmptyOrUnderutilized" */
      policy: z.enum(["WhenEmptyOrUnderutilized", "WhenEmpty"], { error: (i) => `${quote(i.input)} is not a consolidation policy; use "WhenEmptyOrUnderutilized" or "WhenEmpty"` }).default("WhenEmptyOrUnderutilized"),
      /** How long a node must be consolidatable before Karpenter acts. @default "1m" */
      after: duration("consolidation.after").default("1m"),
      /** Disruption budgets. @default [{ nodes: "10%" }] (Karpenter's own default) */
      budgets: z.array(budget).default([{ nodes: "10%" }]),
    })
    .prefault({}),
  /** Nodes are replaced after this long (fresh AMIs, no long-lived drift); "Never" keeps them. @default "720h" (30 days) */
  expireAfter: z.union([z.literal("Never"), duration("expireAfter")]).default("720h"),
  /** Priority among pools (higher first). @default none */
  weight: intInRange("weight", 1, 100).optional(),
});

export type NodePoolSettings = z.output<typeof nodePoolSchema>;

export const karpenterSchema = z
  .strictObject({
    /** Exact chart version of oci://public.ecr.aws/karpenter/karpenter (its CRDs at the same version). @default "1.14.1" */
    chartVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { error: (i) => `${quote(i.input)} is not an exact chart version; write it like "1.14.1" (ranges are refused)` })
      .default(DEFAULT_KARPENTER_CHART_VERSION),
    /** Controller replicas, one per managed node (the chart's anti-affinity spreads them by host). @default 2 */
    controllerReplicas: intInRange("controllerReplicas", 1, 5).default(2),
    /**
     * AMI alias of the EC2NodeClass: Amazon Linux 2023, `al2023@latest` or a pinned
     * `al2023@vYYYYMMDD`. A pinned alias changes nodes only when you change it. @default "al2023@latest"
     */
    amiAlias: z
      .string()
      .regex(/^al2023@(latest|v\d{8})$/, { error: (i) => `${quote(i.input)} is not an AL2023 AMI alias; write "al2023@latest" or a pinned release like "al2023@v20251120"` })
      .default("al2023@latest"),
    /** Root volume of Karpenter nodes (gp3, encrypted). @default 20 */
    diskSizeGiB: intInRange("diskSizeGiB", 20, 16384).default(20),
    /** Customer-managed KMS key for the root volumes. @default the account's EBS default key */
    diskKmsKeyArn: z
      .string()
      .regex(/^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, { error: (i) => `${quote(i.input)} is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<id>` })
      .optional(),
    /** NodePools by name. @default { default: {} } (on-demand c/m/r amd64, 16 vCPU / 64 GiB) */
    nodePools: z
      .record(
        z.string().regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
          error: (i) => `${quote(i.input)} is not a valid NodePool name; use 1-40 lower-case letters, digits and hyphens, starting with a letter`,
        }),
        nodePoolSchema,
      )
      .prefault({ default: {} }),
  })
  .prefault({});

export type KarpenterSettings = z.output<typeof karpenterSchema>;

/** The fields cluster.ts mounts. */
export const autoscalingFields = {
  /** "none": the managed node groups at fixed bounds; "karpenter": NodePools grow and shrink with pending pods. @default "none" */
  autoscaling: z.enum(["none", "karpenter"], { error: (i) => `${quote(i.input)} is not an autoscaling mode; use "none" or "karpenter"` }).default("none"),
  /** Karpenter's settings, read when autoscaling is "karpenter" (and by `npm run cost` to price it). */
  karpenter: karpenterSchema,
  /** Install the VPA recommender and a recommendation-only VerticalPodAutoscaler per Deployment. @default false */
  verticalPodAutoscaler: z.boolean().default(false),
};

/** The families a pool may launch, after categories or families and architectures are applied. */
export function poolFamilies(pool: Pick<NodePoolSettings, "instanceCategories" | "instanceFamilies" | "architectures">): string[] {
  const archs = pool.architectures;
  if (pool.instanceFamilies) return pool.instanceFamilies.filter((f) => KNOWN_INSTANCE_FAMILIES[f] && archs.includes(KNOWN_INSTANCE_FAMILIES[f].architecture));
  const categories = pool.instanceCategories ?? DEFAULT_CATEGORIES;
  return Object.entries(KNOWN_INSTANCE_FAMILIES)
    .filter(([, f]) => categories.includes(f.category) && archs.includes(f.architecture))
    .map(([name]) => name);
}

export const DEFAULT_CATEGORIES: readonly InstanceCategory[] = ["c", "m", "r"];

interface ClusterAutoscalingView {
  readonly autoscaling: "none" | "karpenter";
  readonly karpenter: KarpenterSettings;
  readonly nodeGroups: Record<string, { readonly minSize: number; readonly desiredSize: number; readonly taints: readonly { effect: string }[] }>;
}

/** Rules inside the cluster section; called from the cluster schema's refinement. */
export function checkAutoscaling(c: ClusterAutoscalingView, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const pools = c.karpenter.nodePools;
  for (const [name, pool] of Object.entries(pools).sort(([a], [b]) => a.localeCompare(b))) {
    const at = (...p: (string | number)[]) => ["karpenter", "nodePools", name, ...p];
    if (pool.instanceCategories && pool.instanceFamilies) {
      issue(at("instanceFamilies"), "is set together with instanceCategories; give one of them (families are exact, categories take every family of the letter)");
    }
    if (pool.instanceCategories?.length === 0) issue(at("instanceCategories"), 'is empty; list at least one category, e.g. ["m"]');
    if (pool.instanceFamilies?.length === 0) issue(at("instanceFamilies"), 'is empty; list at least one family, e.g. ["m7i"]');
    pool.instanceFamilies?.forEach((f, i) => {
      const known = KNOWN_INSTANCE_FAMILIES[f];
      if (!known) {
        issue(at("instanceFamilies", i), `${quote(f)} is not an instance family the platform knows; use one of ${Object.keys(KNOWN_INSTANCE_FAMILIES).join(", ")} (or add it to KNOWN_INSTANCE_FAMILIES in config/schema/autoscaling.ts)`);
      } else if (!pool.architectures.includes(known.architecture)) {
        issue(at("instanceFamilies", i), `${quote(f)} is ${known.architecture}, but architectures is ${quote(pool.architectures)}; add "${known.architecture}" to architectures or pick an ${pool.architectures.join("/")} family`);
      }
    });
    if (pool.capacityTypes.length === 0) issue(at("capacityTypes"), 'is empty; use ["on-demand"], ["spot"] or both');
    if (new Set(pool.capacityTypes).size !== pool.capacityTypes.length) issue(at("capacityTypes"), "lists a capacity type twice; each may appear once");
    if (pool.architectures.length === 0) issue(at("architectures"), 'is empty; use ["amd64"], ["arm64"] or both');
    if (!pool.interruptible && pool.capacityTypes.includes("spot")) {
      issue(
        at("capacityTypes"),
        `includes "spot" but interruptible is false: AWS reclaims spot capacity with two minutes' warning (and Karpenter launches spot first when both are allowed); use ["on-demand"] for this pool or set interruptible: true`,
      );
    }
    for (const key of Object.keys(pool.labels)) {
      if (key === "eks-mesh-platform/compute" || key === NODE_POOL_LABEL || key === "eks-mesh-platform/node-group") {
        issue(at("labels", key), "is set by the platform on every node; choose another label key");
      } else if (RESERVED_LABEL_PREFIXES.some((p) => key.startsWith(p) || key.includes(`.${p}`))) {
        issue(at("labels", key), `uses a label domain Karpenter or Kubernetes reserves (${RESERVED_LABEL_PREFIXES.join(", ")}); choose another key`);
      }
    }
    const taintKeys = pool.taints.map((t) => `${t.key}:${t.effect}`);
    if (new Set(taintKeys).size !== taintKeys.length) issue(at("taints"), "lists the same key and effect twice; each taint may appear once");
    pool.consolidation.budgets.forEach((b, i) => {
      if ((b.schedule === undefined) !== (b.duration === undefined)) {
        issue(at("consolidation", "budgets", i), "sets only one of schedule and duration; Karpenter needs both (when the budget starts, and how long it lasts) or neither");
      }
    });

    // Limits below the smallest node the pool can launch would let Karpenter launch nothing.
    const families = poolFamilies(pool);
    if (families.length > 0) {
      const smallest = (key: "vcpu" | "memoryGiB") =>
        families.map((f) => ({ family: f, ...KNOWN_INSTANCE_FAMILIES[f].smallest })).reduce((a, b) => (b[key] < a[key] ? b : a));
      const cpu = smallest("vcpu");
      const mem = smallest("memoryGiB");
      if (pool.limits.cpu < cpu.vcpu) {
        issue(at("limits", "cpu"), `${pool.limits.cpu} vCPU is below one node: the smallest this pool can launch (${cpu.family}.${cpu.size}) has ${cpu.vcpu}; raise the limit`);
      }
      if (pool.limits.memoryGiB < mem.memoryGiB) {
        issue(at("limits", "memoryGiB"), `${pool.limits.memoryGiB} GiB is below one node: the smallest this pool can launch (${mem.family}.${mem.size}) has ${mem.memoryGiB} GiB; raise the limit`);
      }
    } else if (!pool.instanceFamilies?.length && pool.architectures.length > 0) {
      issue(at("instanceCategories"), `has no known family for architectures ${quote(pool.architectures)}; choose other categories or architectures`);
    }
  }

  if (c.autoscaling !== "karpenter") return;
  if (Object.keys(pools).length === 0) issue(["karpenter", "nodePools"], 'is empty while autoscaling is "karpenter"; define at least one NodePool (the default is { default: {} })');
  // The controller runs on the managed node group, one replica per node (required anti-affinity).
  const systemNodes = Object.values(c.nodeGroups)
    .filter((g) => g.minSize >= 1 && !g.taints.some((t) => t.effect === "NO_SCHEDULE" || t.effect === "NO_EXECUTE"))
    .reduce((n, g) => n + g.desiredSize, 0);
  if (c.karpenter.controllerReplicas > systemNodes) {
    issue(
      ["karpenter", "controllerReplicas"],
      `${c.karpenter.controllerReplicas} replicas need as many managed nodes (one per node), but the untainted node groups start with ${systemNodes}; raise their desiredSize or lower controllerReplicas`,
    );
  }
}
