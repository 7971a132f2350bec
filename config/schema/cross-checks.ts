import type { z } from "zod";
import { decideAutoPlacements, fargateMisfits, placementRefusal } from "../placement";
import { PlacementError } from "../../placement/errors";
import { modelShape } from "./aws-shapes";
import { catalogLocation, type ResolvedCatalog, type ResolvedService } from "../../apps/catalog";
import { type FargateProfile, type NodeGroupSettings, validateFargateProfiles } from "./cluster";
import type { KarpenterSettings } from "./autoscaling";
import { nodePoolsOffered, satisfyingNodePools } from "./node-pool-scheduling";
import type { WorkloadsSettings } from "./workloads";
import { GENERATED_PROFILE_PREFIX } from "../../facts/naming";
import { COMPUTE_LABEL, nodeGroupLabels, podLabels, TAINT_EFFECT } from "../../facts/labels";
import { FARGATE_LIMITS } from "../../facts/fargate";

/**
 * Rules and resolution that span config sections. The catalog (workloads) decides which
 * services run on Fargate; the cluster creates whatever Fargate profiles the resolved
 * config holds. So the profiles for catalog services are GENERATED here from the catalog
 * and merged into `cluster.fargateProfiles`: the two can never disagree.
 *
 * - Generated profiles are named `workloads-<n>`, each with at most
 *   FARGATE_LIMITS.selectorsPerProfile selectors `{ namespace, labels: { COMPUTE_LABEL: "fargate" } }`.
 *   Fargate pods carry that label, EC2 pods carry `COMPUTE_LABEL: "ec2"`, so an EC2 pod in
 *   the same namespace is never captured by Fargate.
 * - Namespaces appear in the order the catalog first names them, so appending a service
 *   in a new namespace appends a selector instead of reshuffling every profile (a profile's
 *   selectors cannot change in place: a change replaces it, containers-roadmap #2577).
 * - A namespace whose Fargate pods a user-written profile already covers gets no
 *   generated selector (two matching profiles would overlap, containers-roadmap #1465).
 * - Coverage is then checked against the merged set, user-written profiles included.
 */

/** The sections these rules read (the parsed config before cross-section resolution). */
export interface CrossSections {
  readonly network: { readonly natGateways: "single" | "per-az" | "none"; readonly azCount: number };
  readonly cluster: {
    readonly fargateProfiles: Record<string, FargateProfile>;
    readonly nodeGroups: Record<string, NodeGroupSettings>;
    readonly autoscaling: "none" | "karpenter";
    readonly karpenter: KarpenterSettings;
    readonly verticalPodAutoscaler: boolean;
  };
  readonly mesh: {
    readonly implementation: "appmesh" | "vpc-lattice";
    readonly lattice: { readonly auth: "iam" | "none" };
    readonly tls: { readonly mode?: "off" | "strict"; readonly certificateAuthorityArn?: string };
    readonly addons: { readonly loadBalancerController: { readonly enabled: boolean }; readonly metricsServer: { readonly enabled: boolean } };
  };
  readonly workloads: WorkloadsSettings;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The first Fargate selector that captures a pod, if any. */
function capturingSelector(profiles: Record<string, FargateProfile>, namespace: string, labels: Record<string, string>): { profile: string; index: number } | undefined {
  for (const [profile, p] of Object.entries(profiles)) {
    const index = p.selectors.findIndex((s) => s.namespace === namespace && matches(s.labels ?? {}, labels));
    if (index >= 0) return { profile, index };
  }
  return undefined;
}

/** Fargate profiles for the catalog's Fargate services, not already covered by `userProfiles`. */
export function generateFargateProfiles(catalog: ResolvedCatalog, userProfiles: Record<string, FargateProfile>): Record<string, FargateProfile> {
  const namespaces: string[] = [];
  for (const s of catalog.services) {
    if (s.placement !== "fargate" || namespaces.includes(s.namespace)) continue;
    const pods = catalog.services.filter((o) => o.namespace === s.namespace && o.placement === "fargate").flatMap((o) => o.versions.map((v) => podLabels(o, v.name)));
    if (pods.every((labels) => capturingSelector(userProfiles, s.namespace, labels))) continue;
    namespaces.push(s.namespace);
  }
  const profiles: Record<string, FargateProfile> = {};
  for (let i = 0; i * FARGATE_LIMITS.selectorsPerProfile < namespaces.length; i++) {
    const chunk = namespaces.slice(i * FARGATE_LIMITS.selectorsPerProfile, (i + 1) * FARGATE_LIMITS.selectorsPerProfile);
    profiles[`${GENERATED_PROFILE_PREFIX}${i + 1}`] = { selectors: chunk.map((namespace) => ({ namespace, labels: { [COMPUTE_LABEL]: "fargate" } })) };
  }
  return profiles;
}

/** Where an EC2 service's pods may run: its node selector, and the taints of the groups that satisfy it. */
export interface Ec2Scheduling {
  readonly nodeSelector: Record<string, string>;
  /** Node groups whose labels satisfy the selector (empty: unschedulable, refused by the checks). */
  readonly nodeGroups: string[];
  readonly tolerations: { key: string; value?: string; effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule" }[];
}

/** The scheduling of an EC2 service against the cluster's node groups (pure: the stack calls it too). */
export function ec2Scheduling(service: Pick<ResolvedService, "nodeSelector">, nodeGroups: Record<string, Pick<NodeGroupSettings, "labels" | "taints" | "maxSize">>): Ec2Scheduling {
  const nodeSelector = { ...service.nodeSelector, [COMPUTE_LABEL]: "ec2" };
  const groups = Object.entries(nodeGroups)
    .filter(([name, g]) => g.maxSize >= 1 && matches(nodeSelector, nodeGroupLabels(name, g)))
    .map(([name]) => name)
    .sort();
  const tolerations = new Map<string, Ec2Scheduling["tolerations"][number]>();
  for (const name of groups) {
    for (const t of nodeGroups[name].taints) {
      tolerations.set(`${t.key}=${t.value ?? ""}:${t.effect}`, { key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: TAINT_EFFECT[t.effect] });
    }
  }
  return { nodeSelector, nodeGroups: groups, tolerations: [...tolerations.values()] };
}

/**
 * Checks the catalog against the cluster and mesh sections and returns the Fargate profiles
 * the cluster must create (user-written plus generated).
 */
function checkSections(config: CrossSections, ctx: z.RefinementCtx): Record<string, FargateProfile> {
  const userProfiles = config.cluster.fargateProfiles;
  const catalog = config.workloads.app;
  const where = config.workloads.origin.label;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  for (const name of Object.keys(userProfiles)) {
    if (name.startsWith(GENERATED_PROFILE_PREFIX)) {
      issue(["cluster", "fargateProfiles", name], `the prefix "${GENERATED_PROFILE_PREFIX}" is reserved for the profiles generated from the workloads catalog; rename this profile`);
    }
  }
  const userOnly = Object.fromEntries(Object.entries(userProfiles).filter(([n]) => !n.startsWith(GENERATED_PROFILE_PREFIX)));
  const generated = generateFargateProfiles(catalog, userOnly);
  const merged = { ...userOnly, ...generated };
  const total = Object.keys(merged).length;
  if (total > FARGATE_LIMITS.profilesPerCluster) {
    issue(
      ["workloads", "catalog"],
      `${where} puts Fargate services in namespaces that need ${Object.keys(generated).length} generated Fargate profiles (${FARGATE_LIMITS.selectorsPerProfile} namespaces each); with the ${Object.keys(userOnly).length} in cluster.fargateProfiles that is ${total}, over the EKS limit of ${FARGATE_LIMITS.profilesPerCluster} per cluster; use fewer namespaces for Fargate services or fewer user-written profiles`,
    );
  } else if (Object.keys(generated).length > 0) {
    // The limits and the no-overlap rule, on what will actually be deployed.
    validateFargateProfiles(merged, ctx, ["cluster", "fargateProfiles"]);
  }

  for (const s of catalog.services) {
    const at = catalogLocation(config.workloads.origin, ["services", s.name]);
    for (const v of s.versions) {
      const labels = podLabels(s, v.name);
      const captured = capturingSelector(merged, s.namespace, labels);
      if (s.placement === "fargate" && !captured) {
        issue(["workloads", "catalog"], `${at} runs on Fargate in namespace "${s.namespace}", but no Fargate profile selects its pods (labels ${JSON.stringify(labels)}); add a selector for the namespace under cluster.fargateProfiles or place the service on "ec2"`);
        break;
      }
      if (s.placement === "ec2" && captured) {
        issue(
          ["cluster", "fargateProfiles", captured.profile, "selectors", captured.index],
          `captures the pods of ${s.name} (namespace "${s.namespace}"), which the catalog places on EC2; add labels { "${COMPUTE_LABEL}": "fargate" } to this selector so only Fargate pods match, or move the service`,
        );
        break;
      }
    }
    if (s.placement === "ec2") {
      const scheduling = ec2Scheduling(s, config.cluster.nodeGroups);
      // With Karpenter, a NodePool whose nodes carry the labels is as good as a node group.
      if (scheduling.nodeGroups.length === 0 && satisfyingNodePools(scheduling.nodeSelector, config.cluster).length === 0) {
        const offered = Object.entries(config.cluster.nodeGroups).map(([n, g]) => `${n} ${JSON.stringify(nodeGroupLabels(n, g))}`).join("; ") || "none";
        const pools = nodePoolsOffered(config.cluster);
        issue(
          ["workloads", "catalog"],
          `${at}.nodeSelector: no node group${pools ? " or NodePool" : ""} has the labels ${JSON.stringify(scheduling.nodeSelector)}, so its pods could never be scheduled; node groups offer: ${offered}${pools}. Add the labels under cluster.nodeGroups.<name>.labels${pools ? " or cluster.karpenter.nodePools.<name>.labels" : ""} or change the selector`,
        );
      }
    }
    if (s.public && !config.mesh.addons.loadBalancerController.enabled) {
      issue(["mesh", "addons", "loadBalancerController", "enabled"], `is false, but ${at} is public and its Ingress needs the AWS Load Balancer Controller; turn it on or make the service private`);
    }
  }
  if (config.cluster.verticalPodAutoscaler && !config.mesh.addons.metricsServer.enabled) {
    issue(["cluster", "verticalPodAutoscaler"], "is true, but the VPA recommender reads pod usage from metrics-server, which mesh.addons.metricsServer.enabled turns off; turn metrics-server on or VPA off");
  }
  return merged;
}

/**
 * Validation only, for a schema that does not resolve (kept so `superRefine` callers keep
 * working). Prefer resolveAcrossSections, which also merges the generated profiles.
 */
export function checkAcrossSections(config: CrossSections, ctx: z.RefinementCtx): void {
  checkSections(config, ctx);
}

/**
 * Checks across sections and returns the config with `cluster.fargateProfiles` holding the
 * user-written profiles plus the ones generated from the catalog. Idempotent.
 * Wire it in config/schema/index.ts as `.transform((c, ctx) => resolveAcrossSections(c, ctx))`.
 */
export function resolveAcrossSections<C extends CrossSections>(config: C, ctx: z.RefinementCtx): C {
  const placed = placeByCost(config, ctx);
  // ECS sizes its tasks itself (ecs-checks.ts): the 256 MiB is EKS's.
  if (placed.workloads.app && (placed as { platform?: { orchestrator?: string } }).platform?.orchestrator !== "ecs") {
    for (const misfit of fargateMisfits(placed as CrossSections & { workloads: { app: ResolvedCatalog } })) ctx.addIssue({ code: "custom", ...misfit });
  }
  const fargateProfiles = checkSections(placed, ctx);
  return { ...placed, cluster: { ...placed.cluster, fargateProfiles } };
}

/**
 * `auto` services go where the placement engine puts them (config/placement.ts), given this
 * config's node group, so Fargate profiles, node selectors and the cost report agree. An
 * input the engine cannot place is refused on the field to change.
 */
function placeByCost<C extends CrossSections>(config: C, ctx: z.RefinementCtx): C {
  const app = config.workloads.app;
  if (!app) return config;
  let decided: Record<string, "fargate" | "ec2">;
  try {
    decided = decideAutoPlacements(config as CrossSections & { workloads: { app: ResolvedCatalog } });
  } catch (e) {
    if (!(e instanceof PlacementError)) throw e;
    // A type EC2 does not have at all is refused once, by the API model's check (aws-shapes.ts).
    if (e.failure.kind === "unknown-instance-type" && !modelShape("ec2.InstanceType").enum?.includes(e.failure.instanceType)) return config;
    const refusal = placementRefusal(config, e.failure, e.message);
    ctx.addIssue({ code: "custom", path: refusal.path, message: refusal.message });
    return config;
  }
  if (Object.keys(decided).length === 0) return config;
  const services = app.services.map((s) => (decided[s.name] ? { ...s, placement: decided[s.name] } : s));
  return { ...config, workloads: { ...config.workloads, app: { ...app, services } } };
}
