import type { z } from "zod";
import type { ResolvedService } from "../../apps/catalog";
import { SIGV4_PROXY_IMAGE } from "../../facts/charts";
import { type Cidr, contains, overlaps, parseCidr } from "../cidr";
import { signedDependencies } from "./lattice";

/**
 * Refusals AWS, EKS or Kubernetes would otherwise give at apply time (or, for Helm
 * releases that wait, a timed-out apply), checked at synth on the resolved config. Each
 * rule names the field and the fix. What only AWS can tell (quotas, capacity, instance
 * types offered per zone) is listed in the README next to these.
 *
 * Rules read only the fields they need (ApplyCheckInput), so a section added later does
 * not have to touch this file; a new rule is one entry in APPLY_RULES.
 */

/** The parts of the resolved config the rules read. */
export interface ApplyCheckInput {
  readonly platform: { readonly name: string; readonly environment: string; readonly region: string };
  readonly state: { readonly backend: "local" } | { readonly backend: "s3"; readonly region?: string; readonly kmsKeyArn: string };
  readonly network: { readonly cidr: string; readonly availabilityZones?: readonly string[]; readonly natGateways: string; readonly vpcEndpoints: Readonly<Record<string, boolean>> };
  readonly cluster: {
    readonly serviceIpv4Cidr?: string;
    readonly autoscaling?: string;
    readonly verticalPodAutoscaler?: boolean;
    readonly adminPrincipalArns: readonly string[];
    readonly nodeGroups: Readonly<Record<string, { readonly instanceTypes: readonly string[]; readonly amiType: string; readonly labels: Readonly<Record<string, string>>; readonly taints: readonly unknown[]; readonly diskKmsKeyArn?: string }>>;
  };
  readonly mesh: { readonly implementation?: string; readonly lattice?: { readonly auth: string }; readonly addons: { readonly loadBalancerController: { readonly enabled: boolean }; readonly metricsServer: { readonly enabled: boolean } } };
  readonly workloads: {
    readonly app: { readonly services: readonly { readonly name: string; readonly namespace: string; readonly image: { ecr: string } | { external: string }; readonly versions: readonly { readonly name: string; readonly image?: { ecr: string } | { external: string } }[]; readonly writablePaths: readonly string[] }[] };
    readonly origin: { readonly label: string; readonly file: string; readonly serviceLines: Readonly<Record<string, number>> };
  };
}

export type IssuePath = (string | number)[];

export interface ApplyRule {
  /** Short id, used in tests and the README table. */
  readonly id: string;
  /** What it checks, for the README. */
  readonly checks: string;
  /** Who would refuse it otherwise. */
  readonly refusedBy: string;
  readonly check: (c: ApplyCheckInput, issue: (path: IssuePath, message: string) => void) => void;
}

const quote = (v: unknown) => JSON.stringify(v);

/** ECR repository names: lower-case components separated by single . _ - or / (CreateRepository). */
const ECR_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The AWS partition a region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  return "aws";
}

/** [partition, region] of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
function arnParts(arn: string): { partition: string; region: string } {
  const [, partition = "", , region = ""] = arn.split(":");
  return { partition, region };
}

/** Graviton instance families (a1, and <family><generation>g…: t4g, m7g, c6gn, x2gd, im4gn, is4gen, g5g). */
export function isArmInstanceType(type: string): boolean {
  return /^(a1|[a-z]+\d+g[a-z0-9-]*)\./.test(type);
}

/** Node label prefixes the kubelet may set in the kubernetes.io and k8s.io namespaces (NodeRestriction). */
const KUBELET_ALLOWED_LABELS = ["kubernetes.io/hostname", "kubernetes.io/arch", "kubernetes.io/os", "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/region", "topology.kubernetes.io/zone"];
const KUBELET_ALLOWED_PREFIXES = ["kubelet.kubernetes.io/", "node.kubernetes.io/"];

export function isReservedNodeLabel(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return false;
  const prefix = key.slice(0, slash);
  const reserved = prefix === "kubernetes.io" || prefix.endsWith(".kubernetes.io") || prefix === "k8s.io" || prefix.endsWith(".k8s.io");
  return reserved && !KUBELET_ALLOWED_LABELS.includes(key) && !KUBELET_ALLOWED_PREFIXES.some((p) => key.startsWith(p));
}

/** Private ranges EKS accepts for the service range (KubernetesNetworkConfigRequest.serviceIpv4Cidr). */
const SERVICE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t) as Cidr);

/** Namespaces the mesh stack creates: always, and with Karpenter (stacks/mesh.ts, karpenter-names.ts; a test keeps them equal). */
export const PLATFORM_NAMESPACES: readonly string[] = ["appmesh-system"];
/** With mesh.implementation "vpc-lattice", the Gateway API Controller's instead (stacks/mesh/vpc-lattice.ts; a test keeps them equal). */
export const LATTICE_NAMESPACES: readonly string[] = ["aws-application-networking-system"];
export const KARPENTER_NAMESPACE = "karpenter";

/** Where the images the mesh stack installs come from (the charts' default values). */
export const MESH_STACK_IMAGES = {
  appmeshController: "840364872350.dkr.ecr.us-west-2.amazonaws.com/amazon/appmesh-controller",
  gatewayController: "public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller",
  signingProxy: SIGV4_PROXY_IMAGE.repository,
  loadBalancerController: "public.ecr.aws/eks/aws-load-balancer-controller",
  metricsServer: "registry.k8s.io/metrics-server/metrics-server",
  karpenter: "public.ecr.aws/karpenter/controller",
  vpaRecommender: "registry.k8s.io/autoscaling/vpa-recommender",
} as const;

/** True when a pod in `region` can pull the image through the VPC's ECR interface endpoints (no NAT). */
function pullableWithoutNat(image: string, region: string): boolean {
  return new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${region.replaceAll("-", "\\-")}\\.amazonaws\\.com(\\.cn)?/`).test(image);
}

export const APPLY_RULES: readonly ApplyRule[] = [
  {
    id: "ecr-repository-names",
    checks: "ECR repository names `<platform.name>-<environment>/<image.ecr>`: single separators between lower-case components",
    refusedBy: "ECR CreateRepository",
    check(c, issue) {
      const prefix = `${c.platform.name}-${c.platform.environment}`;
      const repos = new Set(c.workloads.app.services.flatMap((s) => [s.image, ...s.versions.map((v) => v.image ?? s.image)]).flatMap((i) => ("ecr" in i ? [i.ecr] : [])));
      if (repos.size > 0 && !ECR_NAME.test(prefix)) {
        issue(["platform", "name"], `"${prefix}" (platform.name-environment) prefixes every ECR repository, and ECR refuses names with two separators in a row ("--"); use single hyphens`);
      }
      for (const r of repos) {
        if (!ECR_NAME.test(r)) {
          const s = c.workloads.app.services.find((x) => [x.image, ...x.versions.map((v) => v.image)].some((i) => i && "ecr" in i && i.ecr === r));
          issue(["workloads", "catalog"], `${at(c, s?.name)}.image.ecr: "${r}" has two separators in a row, which ECR refuses in repository names; use single hyphens`);
        }
      }
    },
  },
  {
    id: "security-group-names",
    checks: "security group names `<platform.name>-<environment>-vpc-endpoints` do not start with `sg-`",
    refusedBy: "EC2 CreateSecurityGroup",
    check(c, issue) {
      const interfaceEndpoints = ["ecr", "sts", "logs"].some((k) => c.network.vpcEndpoints[k]);
      if (interfaceEndpoints && c.platform.name.startsWith("sg-")) {
        issue(["platform", "name"], `"${c.platform.name}" starts the name of the interface endpoints' security group ("${c.platform.name}-${c.platform.environment}-vpc-endpoints"), and EC2 refuses security group names starting with "sg-"; choose another platform name`);
      }
    },
  },
  {
    id: "service-range",
    checks: "`cluster.serviceIpv4Cidr`: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, /12 to /24, not overlapping the VPC block",
    refusedBy: "EKS CreateCluster",
    check(c, issue) {
      const text = c.cluster.serviceIpv4Cidr;
      const range = text === undefined ? undefined : parseCidr(text);
      if (range === undefined || typeof range === "string") return;
      const path = ["cluster", "serviceIpv4Cidr"];
      if (!SERVICE_RANGES.some((r) => contains(r, range))) {
        issue(path, `"${text}" is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16; EKS takes the Kubernetes service range only from those private blocks`);
      } else if (range.prefix < 12 || range.prefix > 24) {
        issue(path, `"${text}" is a /${range.prefix}; EKS accepts service ranges from /12 to /24`);
      }
      const vpc = parseCidr(c.network.cidr);
      if (typeof vpc !== "string" && overlaps(vpc, range)) {
        issue(path, `"${text}" overlaps the VPC block network.cidr "${c.network.cidr}"; Service IPs would shadow pod and node addresses, and EKS refuses it. Pick a range outside the VPC, e.g. "${vpc.base >>> 24 === 10 ? "172.20.0.0/16" : "10.100.0.0/16"}"`);
      }
    },
  },
  {
    id: "zones-in-region",
    checks: "`network.availabilityZones` belong to `platform.region`",
    refusedBy: "EC2 CreateSubnet",
    check(c, issue) {
      (c.network.availabilityZones ?? []).forEach((zone, i) => {
        if (!(zone.startsWith(c.platform.region) && /^[a-z]$/.test(zone.slice(c.platform.region.length)))) {
          issue(["network", "availabilityZones", i], `"${zone}" is not a zone of platform.region "${c.platform.region}"; use zones like "${c.platform.region}a"`);
        }
      });
    },
  },
  {
    id: "arn-partition",
    checks: "ARNs in the config are in the partition of `platform.region` (aws, aws-cn, aws-us-gov)",
    refusedBy: "IAM, EKS, KMS (the principal or key does not exist there)",
    check(c, issue) {
      const expected = partitionOf(c.platform.region);
      const arns: Array<[IssuePath, string]> = [
        ...c.cluster.adminPrincipalArns.map((a, i): [IssuePath, string] => [["cluster", "adminPrincipalArns", i], a]),
        ...Object.entries(c.cluster.nodeGroups).flatMap(([n, g]): Array<[IssuePath, string]> => (g.diskKmsKeyArn ? [[["cluster", "nodeGroups", n, "diskKmsKeyArn"], g.diskKmsKeyArn]] : [])),
        ...(c.state.backend === "s3" ? [[["state", "kmsKeyArn"], c.state.kmsKeyArn] as [IssuePath, string]] : []),
      ];
      for (const [path, arn] of arns) {
        const { partition } = arnParts(arn);
        if (partition !== expected) issue(path, `"${arn}" is in partition "${partition}", but platform.region "${c.platform.region}" is in "${expected}"; use an ARN starting "arn:${expected}:"`);
      }
    },
  },
  {
    id: "kms-key-region",
    checks: "KMS keys are in the region that uses them: `state.kmsKeyArn` in the state bucket's region, node disk keys in `platform.region`",
    refusedBy: "S3 PutObject (SSE-KMS), EC2 RunInstances (EBS)",
    check(c, issue) {
      if (c.state.backend === "s3") {
        const region = c.state.region ?? c.platform.region;
        const key = arnParts(c.state.kmsKeyArn).region;
        if (key !== region) issue(["state", "kmsKeyArn"], `is a key in ${key}, but the state bucket is in ${region}; S3 encrypts only with a KMS key of the bucket's region. Use the bootstrap stack's state_kms_key_arn or set state.region`);
      }
      for (const [name, g] of Object.entries(c.cluster.nodeGroups)) {
        if (!g.diskKmsKeyArn) continue;
        const key = arnParts(g.diskKmsKeyArn).region;
        if (key !== c.platform.region) issue(["cluster", "nodeGroups", name, "diskKmsKeyArn"], `is a key in ${key}, but the nodes run in ${c.platform.region}; EBS volumes take a KMS key of their own region`);
      }
    },
  },
  {
    id: "node-architecture",
    checks: "a node group's instance types match its AMI architecture (Graviton types with *_ARM_64 AMIs, others with x86_64)",
    refusedBy: "EKS CreateNodegroup",
    check(c, issue) {
      for (const [name, g] of Object.entries(c.cluster.nodeGroups)) {
        const arm = g.amiType.includes("ARM_64");
        const wrong = g.instanceTypes.filter((t) => isArmInstanceType(t) !== arm);
        if (wrong.length > 0) {
          issue(
            ["cluster", "nodeGroups", name, "instanceTypes"],
            `${wrong.map(quote).join(", ")} ${wrong.length === 1 ? "is" : "are"} ${arm ? "x86_64" : "Arm (Graviton)"}, but amiType ${g.amiType} runs on ${arm ? "Arm" : "x86_64"}; use ${arm ? "Graviton types such as \"m7g.large\"" : "x86_64 types such as \"m7i.large\""} or set amiType to ${arm ? "an x86_64 AMI type" : "\"AL2023_ARM_64_STANDARD\""}`,
          );
        }
      }
    },
  },
  {
    id: "node-labels",
    checks: "node group labels stay out of the kubernetes.io and k8s.io namespaces (except the ones the kubelet may set); at most 50 taints",
    refusedBy: "the kubelet (nodes never join, the node group fails), EKS CreateNodegroup",
    check(c, issue) {
      for (const [name, g] of Object.entries(c.cluster.nodeGroups)) {
        for (const key of Object.keys(g.labels)) {
          if (isReservedNodeLabel(key)) {
            issue(["cluster", "nodeGroups", name, "labels", key], `is in a namespace Kubernetes reserves (kubernetes.io, k8s.io); the kubelet refuses to register a node with it, so the node group never becomes ready. Use your own prefix, e.g. "example.com/${key.slice(key.lastIndexOf("/") + 1)}"`);
          }
        }
        if (g.taints.length > 50) issue(["cluster", "nodeGroups", name, "taints"], `has ${g.taints.length} taints; EKS allows 50 per node group`);
      }
    },
  },
  {
    id: "platform-namespaces",
    checks: "catalog namespaces are not ones the mesh stack creates (`appmesh-system`, or `aws-application-networking-system` with VPC Lattice, and `karpenter` with Karpenter on)",
    refusedBy: "the Kubernetes API (the namespace already exists, owned by the mesh stack)",
    check(c, issue) {
      const owned = [...(c.mesh.implementation === "vpc-lattice" ? LATTICE_NAMESPACES : PLATFORM_NAMESPACES), ...(c.cluster.autoscaling === "karpenter" ? [KARPENTER_NAMESPACE] : [])];
      for (const s of c.workloads.app.services) {
        if (owned.includes(s.namespace)) {
          issue(["workloads", "catalog"], `${at(c, s.name)}.namespace: "${s.namespace}" is created by the mesh stack for its controller; the workloads stack cannot create it again. Give the service a namespace of its own`);
        }
      }
    },
  },
  {
    id: "writable-paths",
    checks: "a service's `writablePaths` are distinct",
    refusedBy: "the Kubernetes API (volumeMounts mountPath must be unique)",
    check(c, issue) {
      for (const s of c.workloads.app.services) {
        const seen = new Set<string>();
        for (const p of s.writablePaths) {
          const norm = p.replace(/\/+$/, "") || "/";
          if (seen.has(norm)) issue(["workloads", "catalog"], `${at(c, s.name)}.writablePaths: "${p}" is listed twice; Kubernetes refuses two volume mounts at one path`);
          seen.add(norm);
        }
      }
    },
  },
  {
    id: "egress-without-nat",
    checks: "`network.natGateways: \"none\"` only with images every pod can pull through the VPC's ECR endpoints (mesh stack controllers, Karpenter, VPA, external catalog images)",
    refusedBy: "Helm (releases wait for pods that cannot pull their image, and the apply times out)",
    check(c, issue) {
      if (c.network.natGateways !== "none") return;
      const region = c.platform.region;
      const unreachable: string[] = [];
      if (c.mesh.implementation === "vpc-lattice") {
        unreachable.push(`the AWS Gateway API Controller (${MESH_STACK_IMAGES.gatewayController})`);
        const services = c.workloads.app.services as unknown as readonly ResolvedService[];
        if (c.mesh.lattice?.auth === "iam" && services.some((s) => signedDependencies(s, services).length > 0)) unreachable.push(`the SigV4 signing proxies (${MESH_STACK_IMAGES.signingProxy})`);
      } else if (!pullableWithoutNat(`${MESH_STACK_IMAGES.appmeshController}`, region)) unreachable.push(`the App Mesh controller (${MESH_STACK_IMAGES.appmeshController})`);
      if (c.mesh.addons.loadBalancerController.enabled) unreachable.push(`the AWS Load Balancer Controller (${MESH_STACK_IMAGES.loadBalancerController})`);
      if (c.mesh.addons.metricsServer.enabled) unreachable.push(`metrics-server (${MESH_STACK_IMAGES.metricsServer})`);
      if (c.cluster.autoscaling === "karpenter") unreachable.push(`Karpenter (${MESH_STACK_IMAGES.karpenter})`);
      if (c.cluster.verticalPodAutoscaler) unreachable.push(`the VPA recommender (${MESH_STACK_IMAGES.vpaRecommender})`);
      for (const s of c.workloads.app.services) {
        for (const img of [s.image, ...s.versions.map((v) => v.image ?? s.image)]) {
          if ("external" in img && !pullableWithoutNat(img.external, region) && !unreachable.some((u) => u.includes(img.external))) unreachable.push(`${s.name} (${img.external})`);
        }
      }
      if (unreachable.length > 0) {
        issue(["network", "natGateways"], `"none" leaves no route to registries outside this region's private ECR, but the platform pulls ${unreachable.join(", ")}; Helm waits for those pods and the apply fails. Use "single" or "per-az"`);
      }
    },
  },
];

/** `catalog x.yaml:12 services.api` / `catalog "reference" (apps/reference.ts) services.api`. */
function at(c: ApplyCheckInput, service: string | undefined): string {
  const o = c.workloads.origin;
  if (service === undefined) return o.label;
  const line = o.serviceLines[service];
  return `${line !== undefined ? `catalog ${o.file}:${line}` : o.label} services.${service}`;
}

/** Runs every rule; wire it after cross-section resolution in config/schema/index.ts. */
export function checkApplyRefusals(c: ApplyCheckInput, ctx: z.RefinementCtx): void {
  for (const rule of APPLY_RULES) rule.check(c, (path, message) => ctx.addIssue({ code: "custom", path, message }));
}
