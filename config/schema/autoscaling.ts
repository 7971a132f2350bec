import { z } from "zod";
import { CHARTS } from "../../charts/versions";
import { DEFAULT_CATEGORIES, INSTANCE_CATEGORIES, type InstanceCategory, KARPENTER_ARCHITECTURES, KARPENTER_CAPACITY_TYPES, KNOWN_INSTANCE_FAMILIES, RESERVED_LABEL_PREFIXES } from "../../facts/karpenter";
import { PLATFORM_NODE_LABELS } from "../../facts/labels";
import { KARPENTER_CRD_VERSION, nodePoolProperty } from "../../facts/upstream/karpenter";
import { crdInteger, crdString } from "../../input/crd-fields";
import { intInRange, labelKey } from "../../input/fields";

/**
 * EC2 capacity that follows the pods: `cluster.autoscaling: "karpenter"` and its NodePools,
 * plus the Vertical Pod Autoscaler switch. Kept apart from cluster.ts so the node-group
 * schema stays as it is; cluster.ts only mounts these fields.
 *
 * Facts from Karpenter v1 (karpenter.sh/v1 NodePool, karpenter.k8s.aws/v1 EC2NodeClass):
 * well-known requirement keys, duration syntax, budget fields, and the labels Karpenter
 * reserves for itself.
 */


const quote = (v: unknown) => JSON.stringify(v);

// Every field that ends up in a NodePool takes its rules from the pinned NodePool CRD, so the
// config accepts exactly what the API server will (facts/upstream/karpenter.ts).
const CRD = `the Karpenter ${KARPENTER_CRD_VERSION} NodePool CRD`;
const crd = (at: string, what: string, example: string) => crdString(nodePoolProperty(at), what, example, CRD);

export const POOL_TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;
const poolTaint = z.strictObject({
  key: crd("spec.template.spec.taints[].key", "a taint key", "example.com/dedicated"),
  /** @default none */
  value: crd("spec.template.spec.taints[].value", "a taint value", "batch").optional(),
  effect: z.enum(POOL_TAINT_EFFECTS, { error: (i) => `${quote(i.input)} is not a taint effect; use "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE"` }),
});


const budget = z.strictObject({
  /** Nodes that may be disrupted at once: a count ("2") or a share ("10%"). */
  nodes: crd("spec.disruption.budgets[].nodes", "a budget (a node count or a share)", "10%"),
  /** Cron schedule when the budget is active (UTC): five fields, or @daily and the like. @default always */
  schedule: crd("spec.disruption.budgets[].schedule", "a cron schedule", "0 9 * * mon-fri").optional(),
  /** How long it stays active after each `schedule` start; required with `schedule`. */
  duration: crd("spec.disruption.budgets[].duration", "a budget duration (hours and minutes)", "1h30m").optional(),
  /** Disruption reasons the budget limits. @default all */
  reasons: z.array(crd("spec.disruption.budgets[].reasons[]", "a disruption reason", "Drifted")).max(nodePoolProperty("spec.disruption.budgets[].reasons").maxItems ?? Infinity).optional(),
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
  labels: z.record(labelKey, crd("spec.template.metadata.labels{}", "a label value", "batch")).default({}),
  /** Node taints. @default [] */
  taints: z.array(poolTaint).default([]),
  /**
   * Whether the pool's nodes may be taken away at short notice. false refuses spot, since
   * AWS reclaims spot capacity with two minutes' warning. @default true
   */
  interruptible: z.boolean().default(true),
  consolidation: z
    .strictObject({
      /** "WhenEmptyOrUnderutilized" repacks pods onto fewer or cheaper nodes; "WhenEmpty" only removes empty ones; "Balanced" consolidates only when the saving is worth the disruption (values: the pinned NodePool CRD). @default "WhenEmptyOrUnderutilized" */
      policy: crd("spec.disruption.consolidationPolicy", "a consolidation policy", "WhenEmptyOrUnderutilized").default("WhenEmptyOrUnderutilized"),
      /** How long a node must be consolidatable before Karpenter acts; "Never" turns consolidation off. @default "1m" */
      after: crd("spec.disruption.consolidateAfter", "a duration", "1m").default("1m"),
      /** Disruption budgets. @default [{ nodes: "10%" }] (Karpenter's own default) */
      budgets: z.array(budget).max(nodePoolProperty("spec.disruption.budgets").maxItems ?? Infinity).default([{ nodes: "10%" }]),
    })
    .prefault({}),
  /** Nodes are replaced after this long (fresh AMIs, no long-lived drift); "Never" keeps them. @default "720h" (30 days) */
  expireAfter: crd("spec.template.spec.expireAfter", "a duration", "720h").default("720h"),
  /** Priority among pools (higher first). @default none */
  weight: crdInteger(nodePoolProperty("spec.weight"), "weight", CRD).optional(),
});

/** What a NodePool may launch: exact instance families, or every known family of some categories. */
export type PoolInstances = { readonly families: readonly string[] } | { readonly categories: readonly InstanceCategory[] };

type ParsedNodePool = z.output<typeof nodePoolSchema>;

/** A pool as the stacks receive it: what it may launch resolved once, in `instances`. */
export function resolveNodePool({ instanceCategories, instanceFamilies, ...pool }: ParsedNodePool): Omit<ParsedNodePool, "instanceCategories" | "instanceFamilies"> & { readonly instances: PoolInstances } {
  return { ...pool, instances: instanceFamilies ? { families: instanceFamilies } : { categories: instanceCategories ?? [...DEFAULT_CATEGORIES] } };
}

/** A NodePool as the stacks receive it (resolveNodePool). */
export type NodePoolSettings = ReturnType<typeof resolveNodePool>;

export const karpenterSchema = z
  .strictObject({
    /** Exact chart version of oci://public.ecr.aws/karpenter/karpenter (its CRDs at the same version). @default "1.14.1" */
    chartVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { error: (i) => `${quote(i.input)} is not an exact chart version; write it like "1.14.1" (ranges are refused)` })
      .default(CHARTS.karpenter.version),
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

type ParsedKarpenter = z.output<typeof karpenterSchema>;
/** Karpenter's settings as the stacks receive them: each pool resolved. */
export type KarpenterSettings = Omit<ParsedKarpenter, "nodePools"> & { readonly nodePools: Readonly<Record<string, NodePoolSettings>> };

/** Resolves every pool of the section (called once the cluster section is checked). */
export function resolveKarpenter(k: ParsedKarpenter): KarpenterSettings {
  return { ...k, nodePools: Object.fromEntries(Object.entries(k.nodePools).map(([name, pool]) => [name, resolveNodePool(pool)])) };
}

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
export function poolFamilies(pool: Pick<NodePoolSettings, "instances" | "architectures">): string[] {
  const archs = pool.architectures;
  const instances = pool.instances;
  if ("families" in instances) return instances.families.filter((f) => KNOWN_INSTANCE_FAMILIES[f] && archs.includes(KNOWN_INSTANCE_FAMILIES[f].architecture));
  return Object.entries(KNOWN_INSTANCE_FAMILIES)
    .filter(([, f]) => instances.categories.includes(f.category) && archs.includes(f.architecture))
    .map(([name]) => name);
}


interface ClusterAutoscalingView {
  readonly autoscaling: "none" | "karpenter";
  readonly karpenter: ParsedKarpenter;
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
    const families = pool.instanceFamilies;
    families?.forEach((f, i) => {
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
      if (PLATFORM_NODE_LABELS.includes(key)) {
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
    const launchable = poolFamilies(resolveNodePool(pool));
    if (launchable.length > 0) {
      const smallest = (key: "vcpu" | "memoryGiB") =>
        launchable.map((f) => ({ family: f, ...KNOWN_INSTANCE_FAMILIES[f].smallest })).reduce((a, b) => (b[key] < a[key] ? b : a));
      const cpu = smallest("vcpu");
      const mem = smallest("memoryGiB");
      if (pool.limits.cpu < cpu.vcpu) {
        issue(at("limits", "cpu"), `${pool.limits.cpu} vCPU is below one node: the smallest this pool can launch (${cpu.family}.${cpu.size}) has ${cpu.vcpu}; raise the limit`);
      }
      if (pool.limits.memoryGiB < mem.memoryGiB) {
        issue(at("limits", "memoryGiB"), `${pool.limits.memoryGiB} GiB is below one node: the smallest this pool can launch (${mem.family}.${mem.size}) has ${mem.memoryGiB} GiB; raise the limit`);
      }
    } else if (!families?.length && pool.architectures.length > 0) {
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
