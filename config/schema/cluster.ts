import { z } from "zod";
import { parseCidr } from "../cidr";
import { autoscalingFields, checkAutoscaling, resolveKarpenter } from "./autoscaling";
import { iamArn, intInRange, labelKey, labelValue, logRetentionDays, namespaceName } from "../../input/fields";
import { DEFAULT_ADDON_VERSIONS, EKS_VERSIONS } from "../../facts/eks-versions";
import { AMI_TYPES, CORE_ADDONS, CONTROL_PLANE_LOG_TYPES, type CoreAddon, DEFAULT_KUBERNETES_VERSION, EKS_CALENDAR_AS_OF, EKS_KUBERNETES_CALENDAR, MAX_PUBLIC_ACCESS_CIDRS, OLDEST_CALENDAR_MINOR, REQUIRED_LOG_TYPES, TAINT_EFFECTS } from "../../facts/eks";
import { PLATFORM_NODE_LABELS } from "../../facts/labels";
import { FARGATE_LIMITS } from "../../facts/fargate";

// ---------------------------------------------------------------------------------------
// Field types
// ---------------------------------------------------------------------------------------

const quote = (v: unknown) => JSON.stringify(v);

const minorNumber = (v: string) => Number(v.split(".")[1]);
/** Minors EKS still creates clusters on, as of the calendar's date (facts/eks.ts). */
const OFFERED_MINORS = Object.entries(EKS_KUBERNETES_CALENDAR)
  .filter(([, c]) => c.endOfExtendedSupport > EKS_CALENDAR_AS_OF)
  .map(([v]) => v);
const kubernetesVersion = z
  .string()
  .regex(/^1\.\d{2}$/, {
    error: (i) => `${quote(i.input)} is not a Kubernetes minor version; write it like "1.35" (no "v", no patch number)`,
  })
  .superRefine((v, ctx) => {
    const offered = `EKS offers ${OFFERED_MINORS[0]} to ${OFFERED_MINORS.at(-1)} (EKS release calendar as of ${EKS_CALENDAR_AS_OF})`;
    const calendar = EKS_KUBERNETES_CALENDAR[v];
    if (calendar && calendar.endOfExtendedSupport <= EKS_CALENDAR_AS_OF) {
      ctx.addIssue({ code: "custom", input: v, message: `"${v}" left EKS on ${calendar.endOfExtendedSupport} (end of extended support), so EKS would refuse to create the cluster; ${offered}: use ${DEFAULT_KUBERNETES_VERSION}` });
    } else if (!calendar && minorNumber(v) < minorNumber(OLDEST_CALENDAR_MINOR)) {
      ctx.addIssue({ code: "custom", input: v, message: `"${v}" left EKS before ${OLDEST_CALENDAR_MINOR} did, so EKS would refuse to create the cluster; ${offered}: use ${DEFAULT_KUBERNETES_VERSION}` });
    }
  });

// Kubernetes names and labels (input/fields.ts); node labels and taints are never empty (EKS refuses "").
const nodeLabelValue = labelValue({ nonEmpty: true });

/** Names that become AWS names and construct IDs (`node-group-<name>`, `fargate-profile-<name>`). */
function resourceKey(what: string) {
  return z.string().regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
    error: (i) => `${quote(i.input)} is not a valid ${what}; use 1-40 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
  });
}

const addonVersion = (name: CoreAddon) =>
  z
    .string()
    .regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
      error: (i) => `${quote(i.input)} is not an EKS add-on version; use the form "v1.2.3-eksbuild.1" (list them with: aws eks describe-addon-versions --kubernetes-version <version> --addon-name ${name})`,
    })
    // Unset: the build published for kubernetesVersion (facts/eks-versions.ts), filled in below.
    .optional();

const addonSettings = (name: CoreAddon) =>
  z
    .strictObject({
      /** Pinned build, e.g. "v1.35.3-eksbuild.2". @default the build for kubernetesVersion in facts/eks-versions.ts */
      version: addonVersion(name),
    })
    .prefault({});

// ---------------------------------------------------------------------------------------
// Fargate profiles
// ---------------------------------------------------------------------------------------

export const fargateSelectorSchema = z.strictObject({
  /** Namespace whose pods (matching `labels`, if any) run on Fargate. */
  namespace: namespaceName,
  /** Pod labels that must all match. @default none: every pod of the namespace */
  labels: z.record(labelKey, nodeLabelValue).optional(),
});

export const fargateProfileSchema = z.strictObject({
  /** 1-5 selectors; a pod matching any of them runs on Fargate through this profile. */
  selectors: z.array(fargateSelectorSchema),
});

export type FargateSelector = z.output<typeof fargateSelectorSchema>;
export type FargateProfile = z.output<typeof fargateProfileSchema>;

/** True when every label of `general` is also in `specific`: a pod matching `specific` also matches `general`. */
function labelsCover(general: Record<string, string>, specific: Record<string, string>): boolean {
  return Object.entries(general).every(([k, v]) => specific[k] === v);
}

/**
 * Applies the EKS Fargate limits and the no-overlap rule to a set of profiles. The cluster
 * schema calls it on the user's profiles; call it again on a merged set (e.g. profiles
 * generated from the service catalog) so the limits hold for what is actually deployed.
 *
 * `path` is where the profiles live relative to `ctx` (e.g. `["fargateProfiles"]` inside the
 * cluster schema, `["cluster", "fargateProfiles"]` from a top-level refinement).
 *
 * Overlap: two selectors in different profiles overlap when they name the same namespace
 * and one's labels are a subset of the other's, so some pod matches both and EKS picks one
 * of the profiles at random (aws/containers-roadmap #1465).
 */
export function validateFargateProfiles(profiles: Record<string, FargateProfile>, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const issue = (at: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: [...path, ...at], message });
  const names = Object.keys(profiles).sort();
  if (names.length > FARGATE_LIMITS.profilesPerCluster) {
    issue([], `has ${names.length} profiles; EKS allows ${FARGATE_LIMITS.profilesPerCluster} Fargate profiles per cluster (service quota); merge selectors into fewer profiles`);
  }
  const seen: Array<{ profile: string; index: number; selector: FargateSelector }> = [];
  for (const name of names) {
    const selectors = profiles[name].selectors;
    if (selectors.length === 0) {
      issue([name, "selectors"], `is empty; a Fargate profile needs 1 to ${FARGATE_LIMITS.selectorsPerProfile} selectors`);
    }
    if (selectors.length > FARGATE_LIMITS.selectorsPerProfile) {
      issue([name, "selectors"], `has ${selectors.length} selectors; EKS allows ${FARGATE_LIMITS.selectorsPerProfile} per Fargate profile; split them across profiles`);
    }
    selectors.forEach((selector, index) => {
      const labels = selector.labels ?? {};
      const count = Object.keys(labels).length;
      if (count > FARGATE_LIMITS.labelsPerSelector) {
        issue([name, "selectors", index, "labels"], `has ${count} labels; EKS allows ${FARGATE_LIMITS.labelsPerSelector} per Fargate selector`);
      }
      for (const other of seen) {
        if (other.selector.namespace !== selector.namespace) continue;
        const otherLabels = other.selector.labels ?? {};
        const identical = labelsCover(otherLabels, labels) && labelsCover(labels, otherLabels);
        if (other.profile === name) {
          if (identical) issue([name, "selectors", index], `is identical to selector ${other.index} of the same profile; remove one`);
          continue;
        }
        if (identical) {
          issue([name, "selectors", index], `is identical to selector ${other.index} of Fargate profile "${other.profile}" (namespace "${selector.namespace}"); a pod may match only one profile's selectors, so remove one of them`);
        } else if (labelsCover(otherLabels, labels) || labelsCover(labels, otherLabels)) {
          issue(
            [name, "selectors", index],
            `overlaps selector ${other.index} of Fargate profile "${other.profile}" (namespace "${selector.namespace}"): a pod matching both is placed by either profile at random; give the profiles different namespaces or non-overlapping labels`,
          );
        }
      }
      seen.push({ profile: name, index, selector });
    });
  }
}

// ---------------------------------------------------------------------------------------
// Managed node groups
// ---------------------------------------------------------------------------------------


const taintSchema = z.strictObject({
  key: labelKey,
  /** @default none */
  value: nodeLabelValue.optional(),
  effect: z.enum(TAINT_EFFECTS, { error: (i) => `${quote(i.input)} is not a taint effect; use "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE"` }),
});

const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
  error: (i) => `${quote(i.input)} is not an EC2 instance type; use names like "t3.medium" or "m7i.large"`,
});

export const nodeGroupSchema = z
  .strictObject({
    /** EC2 instance types, in order of preference (several help Spot find capacity). @default ["t3.medium"] */
    instanceTypes: z.array(instanceType).default(["t3.medium"]),
    /** @default "ON_DEMAND" */
    capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: (i) => `${quote(i.input)} is not a capacity type; use "ON_DEMAND" or "SPOT"` }).default("ON_DEMAND"),
    /** @default 1 */
    minSize: intInRange("minSize", 0, 1000).default(1),
    /** Initial size; an autoscaler owns it afterwards (Terraform ignores later changes). @default 2 */
    desiredSize: intInRange("desiredSize", 0, 1000).default(2),
    /** @default 3 */
    maxSize: intInRange("maxSize", 1, 1000).default(3),
    /** Root volume (gp3, encrypted). AL2023 needs at least 20 GiB. @default 20 */
    diskSizeGiB: intInRange("diskSizeGiB", 20, 16384).default(20),
    /** Customer-managed KMS key for the root volume. @default the account's EBS default key */
    diskKmsKeyArn: z
      .string()
      .regex(/^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, {
        error: (i) => `${quote(i.input)} is not a KMS key ARN; use arn:aws:kms:<region>:<account>:key/<id> (EBS does not take aliases here)`,
      })
      .optional(),
    /** @default "AL2023_x86_64_STANDARD" */
    amiType: z.enum(AMI_TYPES, { error: (i) => `${quote(i.input)} is not a supported AMI type; use one of ${AMI_TYPES.join(", ")}` }).default("AL2023_x86_64_STANDARD"),
    /** Extra Kubernetes node labels (the platform adds eks-mesh-platform/compute and /node-group). @default {} */
    labels: z.record(labelKey, nodeLabelValue).default({}),
    /** Kubernetes taints. @default [] */
    taints: z.array(taintSchema).default([]),
    /** Nodes replaced at once during a rolling update. @default 1 */
    maxUnavailable: intInRange("maxUnavailable", 1, 100).default(1),
  })
  .superRefine((g, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (g.instanceTypes.length === 0) issue(["instanceTypes"], 'is empty; list at least one EC2 instance type, e.g. ["t3.medium"]');
    if (new Set(g.instanceTypes).size !== g.instanceTypes.length) issue(["instanceTypes"], "lists an instance type twice; each may appear once");
    if (g.minSize > g.desiredSize) issue(["minSize"], `${g.minSize} is larger than desiredSize (${g.desiredSize}); use minSize ≤ desiredSize ≤ maxSize`);
    if (g.desiredSize > g.maxSize) issue(["desiredSize"], `${g.desiredSize} is larger than maxSize (${g.maxSize}); use minSize ≤ desiredSize ≤ maxSize`);
    for (const key of PLATFORM_NODE_LABELS) {
      if (key in g.labels) issue(["labels", key], `is set by the platform on every node; choose another label key`);
    }
    const taintKeys = g.taints.map((t) => `${t.key}:${t.effect}`);
    if (new Set(taintKeys).size !== taintKeys.length) issue(["taints"], "lists the same key and effect twice; each taint may appear once");
  });

export type NodeGroupSettings = z.output<typeof nodeGroupSchema>;

/** A group CoreDNS and the add-ons can run on: no hard taint, and at least one node. */
export function isSchedulable(g: Pick<NodeGroupSettings, "taints" | "minSize">): boolean {
  return g.minSize >= 1 && !g.taints.some((t) => t.effect === "NO_SCHEDULE" || t.effect === "NO_EXECUTE");
}

// ---------------------------------------------------------------------------------------
// The cluster section
// ---------------------------------------------------------------------------------------

const cidrText = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: `${parsed}; write it like "203.0.113.0/24"` });
});

const clusterObject = z.strictObject({
  /** Kubernetes minor version of the control plane and nodes. @default "1.35" */
  kubernetesVersion: kubernetesVersion.default(DEFAULT_KUBERNETES_VERSION),
  /**
   * What happens when the version leaves standard support: "STANDARD" upgrades the control
   * plane automatically; "EXTENDED" keeps it for up to 12 more months at $0.60/h instead of $0.10/h.
   * @default "STANDARD"
   */
  supportType: z.enum(["STANDARD", "EXTENDED"], { error: (i) => `${quote(i.input)} is not a support type; use "STANDARD" or "EXTENDED"` }).default("STANDARD"),
  endpoint: z
    .strictObject({
      /**
       * Also expose the API server on a public endpoint. The private endpoint is always on.
       * With this off, kubectl and the mesh/workloads stacks must run from inside the VPC
       * (or over VPN / a bastion). @default false
       */
      publicAccess: z.boolean().default(false),
      /** Source CIDRs allowed to reach the public endpoint; required when publicAccess is on. @default [] */
      publicAccessCidrs: z.array(cidrText).default([]),
      /** Allow 0.0.0.0/0 in publicAccessCidrs (the API is still authenticated, but scanned by the whole internet). @default false */
      allowPublicFromAnywhere: z.boolean().default(false),
    })
    .prefault({}),
  logging: z
    .strictObject({
      /** Control-plane log types; api, audit and authenticator are always required. @default all five */
      types: z
        .array(z.enum(CONTROL_PLANE_LOG_TYPES, { error: (i) => `${quote(i.input)} is not a control-plane log type; use ${CONTROL_PLANE_LOG_TYPES.join(", ")}` }))
        .default([...CONTROL_PLANE_LOG_TYPES]),
      /** Retention of /aws/eks/<cluster>/cluster. @default 365 */
      retentionDays: logRetentionDays.default(365),
    })
    .prefault({}),
  /** IAM roles/users granted AmazonEKSClusterAdminPolicy through EKS access entries. @default [] */
  adminPrincipalArns: z.array(iamArn).default([]),
  /**
   * Also make the identity that runs `terraform apply` on this stack a cluster admin (an
   * access entry for its IAM role, skipped when it is already in adminPrincipalArns), so
   * the mesh and workloads stacks can reach the cluster out of the box. @default true
   */
  deployerIsAdmin: z.boolean().default(true),
  /** Give the vpc-cni add-on (aws-node) its own IRSA role instead of putting AmazonEKS_CNI_Policy on the node role. @default true */
  vpcCniIrsa: z.boolean().default(true),
  /** Attach AmazonSSMManagedInstanceCore to the node role (Session Manager shell on nodes; no SSH either way). @default false */
  nodeSsmAccess: z.boolean().default(false),
  /** Fargate profiles by name; limits in FARGATE_LIMITS. @default {} (the workloads catalog adds its own) */
  fargateProfiles: z.record(resourceKey("Fargate profile name"), fargateProfileSchema).default({}),
  /** Managed EC2 node groups by name. @default { general: { t3.medium × 1..3, desired 2 } } */
  nodeGroups: z.record(resourceKey("node group name"), nodeGroupSchema).prefault({ general: {} }),
  /** Pinned EKS add-on builds. */
  addons: z
    .strictObject({
      "vpc-cni": addonSettings("vpc-cni"),
      "kube-proxy": addonSettings("kube-proxy"),
      coredns: addonSettings("coredns"),
    })
    .prefault({}),
  /**
   * Address range of Kubernetes Services (ClusterIPs): a private /12 to /24 outside the VPC
   * (rules in apply-checks.ts). Changing it replaces the cluster.
   * @default chosen by EKS: 10.100.0.0/16 or 172.20.0.0/16, whichever does not overlap the VPC
   */
  serviceIpv4Cidr: cidrText.optional(),
  // autoscaling, karpenter, verticalPodAutoscaler (config/schema/autoscaling.ts).
  ...autoscalingFields,
});

export const clusterSchema = clusterObject
  .prefault({})
  .superRefine((c, ctx) => checkCluster(c, ctx))
  // Resolved once the section is checked, so the stacks never re-default a pool.
  .transform((c) => ({ ...c, addons: resolveAddons(c.kubernetesVersion, c.addons), karpenter: resolveKarpenter(c.karpenter) }));

/** Each unpinned add-on takes the build published for the cluster's minor, so an upgrade is one field. */
function resolveAddons(minor: string, addons: z.output<typeof clusterObject>["addons"]): Record<CoreAddon, { version: string }> {
  const published = EKS_VERSIONS[minor]?.addons ?? DEFAULT_ADDON_VERSIONS;
  return Object.fromEntries(CORE_ADDONS.map((name) => [name, { version: addons[name].version ?? published[name] }])) as Record<CoreAddon, { version: string }>;
}

function checkCluster(c: z.output<typeof clusterObject>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  const ep = c.endpoint;
  if (ep.publicAccess) {
    if (ep.publicAccessCidrs.length === 0) {
      issue(["endpoint", "publicAccessCidrs"], 'is empty while publicAccess is true; list the source CIDRs allowed to reach the API (e.g. your VPN egress "203.0.113.0/24"), or turn publicAccess off');
    }
    if (ep.publicAccessCidrs.length > MAX_PUBLIC_ACCESS_CIDRS) {
      issue(["endpoint", "publicAccessCidrs"], `lists ${ep.publicAccessCidrs.length} CIDRs; EKS accepts at most ${MAX_PUBLIC_ACCESS_CIDRS}`);
    }
    ep.publicAccessCidrs.forEach((cidr, i) => {
      if (cidr.endsWith("/0") && !ep.allowPublicFromAnywhere) {
        issue(["endpoint", "publicAccessCidrs", i], `"${cidr}" opens the Kubernetes API to the whole internet; list narrower CIDRs, or set endpoint.allowPublicFromAnywhere: true to accept that`);
      }
    });
  } else if (ep.publicAccessCidrs.length > 0) {
    issue(["endpoint", "publicAccessCidrs"], "is set but endpoint.publicAccess is false, so it would have no effect; remove it or set publicAccess: true");
  }
  if (new Set(ep.publicAccessCidrs).size !== ep.publicAccessCidrs.length) issue(["endpoint", "publicAccessCidrs"], "lists a CIDR twice; each may appear once");

  const types = c.logging.types;
  const missing = REQUIRED_LOG_TYPES.filter((t) => !types.includes(t));
  if (missing.length > 0) {
    issue(["logging", "types"], `leaves out ${missing.map(quote).join(", ")}; api, audit and authenticator logs are always on (they record who did what to the cluster)`);
  }
  if (new Set(types).size !== types.length) issue(["logging", "types"], "lists a log type twice; each may appear once");

  c.adminPrincipalArns.forEach((arn, i) => {
    if (/:(sts)::|:assumed-role\//.test(arn)) {
      issue(["adminPrincipalArns", i], `"${arn}" is an STS session ARN; an access entry needs the IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    }
  });
  if (new Set(c.adminPrincipalArns).size !== c.adminPrincipalArns.length) issue(["adminPrincipalArns"], "lists a principal twice; each may appear once");

  const groups = Object.entries(c.nodeGroups);
  if (!groups.some(([, g]) => isSchedulable(g))) {
    issue(
      ["nodeGroups"],
      "has no node group CoreDNS and the core add-ons can run on; at least one group needs minSize ≥ 1 and no NO_SCHEDULE or NO_EXECUTE taint (CoreDNS is not on Fargate here)",
    );
  }

  const minor = c.kubernetesVersion;
  const proxy = c.addons["kube-proxy"].version ?? "";
  const proxyMinor = /^v(\d+\.\d+)\.\d+-eksbuild\.\d+$/.exec(proxy)?.[1];
  // A minor EKS no longer offers is refused on its own field; a matching build would not help.
  const offered = /^1\.\d{2}$/.test(minor) && (OFFERED_MINORS.includes(minor) || !EKS_KUBERNETES_CALENDAR[minor] && minorNumber(minor) > minorNumber(OLDEST_CALENDAR_MINOR));
  if (offered && proxyMinor && proxyMinor !== minor) {
    issue(
      ["addons", "kube-proxy", "version"],
      `"${proxy}" is a build for Kubernetes ${proxyMinor} but kubernetesVersion is "${minor}"; use a v${minor}.x build (aws eks describe-addon-versions --kubernetes-version ${minor} --addon-name kube-proxy)`,
    );
  }

  // Preflight: the add-on builds must exist for the target minor (facts/eks-versions.ts).
  const unpinned = CORE_ADDONS.filter((name) => c.addons[name].version === undefined);
  if (offered && !EKS_VERSIONS[minor] && unpinned.length > 0) {
    issue(
      ["kubernetesVersion"],
      `"${minor}" has no add-on builds in facts/eks-versions.ts (it lists ${Object.keys(EKS_VERSIONS).join(", ")}); add its row from aws eks describe-addon-versions --kubernetes-version ${minor}, or pin cluster.addons.${unpinned.join(", ")}.version`,
    );
  }

  validateFargateProfiles(c.fargateProfiles, ctx, ["fargateProfiles"]);
  checkAutoscaling(c, ctx);
}

export type ClusterSettings = z.output<typeof clusterSchema>;
