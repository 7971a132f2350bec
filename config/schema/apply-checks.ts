import type { z } from "zod";
import type { ResolvedService } from "../../apps/catalog";
import { arnParts, isArmInstanceType, partitionOf } from "../../facts/aws";
import { APPMESH_CONTROLLER, GATEWAY_CONTROLLER, KARPENTER_CONTROLLER, LOAD_BALANCER_CONTROLLER, METRICS_SERVER, platformNamespaces, VPA_RECOMMENDER } from "../../facts/controllers";
import { isReservedNodeLabel } from "../../facts/kubernetes";
import { fargateNamespaces } from "../../facts/fargate";
import { configMapSize, FARGATE_LOGGING, fargateLoggingData } from "../../facts/fargate-logging";
import { ECS_CAPACITY_PURPOSE, ECS_PUBLIC_ALB_PURPOSE, ecsServicePurpose, fargateLogGroup, Naming } from "../../facts/naming";
import { type Cidr, contains, overlaps, parseCidr } from "../cidr";
import { signedDependencies } from "./lattice";
import { SIGV4_PROXY_IMAGE } from "../../charts/versions";

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
  readonly platform: { readonly name: string; readonly environment: string; readonly region: string; readonly orchestrator?: string };
  readonly state: { readonly backend: "local" } | { readonly backend: "s3"; readonly region?: string; readonly kmsKeyArn: string };
  readonly network: { readonly cidr: string; readonly availabilityZones?: readonly string[]; readonly natGateways: string; readonly vpcEndpoints: Readonly<Record<string, boolean>> };
  readonly cluster: {
    readonly serviceIpv4Cidr?: string;
    readonly autoscaling?: string;
    readonly verticalPodAutoscaler?: boolean;
    readonly adminPrincipalArns: readonly string[];
    readonly nodeGroups: Readonly<Record<string, { readonly instanceTypes: readonly string[]; readonly amiType: string; readonly labels: Readonly<Record<string, string>>; readonly taints: readonly unknown[]; readonly diskKmsKeyArn?: string }>>;
    readonly fargateProfiles: Readonly<Record<string, { readonly selectors: readonly { readonly namespace: string }[] }>>;
    readonly karpenter?: { readonly diskKmsKeyArn?: string };
  };
  readonly observability: { readonly logs: { readonly fargate: { readonly enabled: boolean } }; readonly alarms?: { readonly topicArn?: string } };
  readonly edge?: { readonly certificateArn?: string };
  readonly mesh: { readonly implementation?: string; readonly tls?: { readonly certificateAuthorityArn?: string }; readonly lattice?: { readonly auth: string }; readonly addons: { readonly loadBalancerController: { readonly enabled: boolean }; readonly metricsServer: { readonly enabled: boolean } } };
  readonly workloads: {
    readonly app: { readonly services: readonly { readonly name: string; readonly namespace: string; readonly image: { ecr: string } | { external: string }; readonly versions: readonly { readonly name: string; readonly image: { ecr: string } | { external: string } }[]; readonly writablePaths: readonly string[] }[] };
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


/** Private ranges EKS accepts for the service range (KubernetesNetworkConfigRequest.serviceIpv4Cidr). */
const SERVICE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t) as Cidr);

/** True when a pod in `region` can pull the image through the VPC's ECR interface endpoints (no NAT). */
function pullableWithoutNat(image: string, region: string): boolean {
  return new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${region.replaceAll("-", "\\-")}\\.amazonaws\\.com(\\.cn)?/`).test(image);
}

/**
 * Every ARN-valued field of the config, once: its path, and, where the service that takes it
 * requires the resource in its own region, which region that is and why. IAM principals are
 * global (no region). The one table both ARN rules read, so a new ARN field is one line here.
 */
function arnFields(c: ApplyCheckInput): { path: IssuePath; arn: string; sameRegion?: { region: string; user: string; why: string } }[] {
  const region = c.platform.region;
  const ebs = { region, user: "each node whose volume it encrypts (platform.region)", why: "EBS takes a KMS key of its own region" };
  return [
    ...c.cluster.adminPrincipalArns.map((arn, i) => ({ path: ["cluster", "adminPrincipalArns", i], arn })),
    ...Object.entries(c.cluster.nodeGroups).flatMap(([n, g]) => (g.diskKmsKeyArn ? [{ path: ["cluster", "nodeGroups", n, "diskKmsKeyArn"], arn: g.diskKmsKeyArn, sameRegion: ebs }] : [])),
    ...(c.cluster.karpenter?.diskKmsKeyArn ? [{ path: ["cluster", "karpenter", "diskKmsKeyArn"], arn: c.cluster.karpenter.diskKmsKeyArn, sameRegion: ebs }] : []),
    ...(c.state.backend === "s3"
      ? [{ path: ["state", "kmsKeyArn"], arn: c.state.kmsKeyArn, sameRegion: { region: c.state.region ?? region, user: "the state bucket (state.region, default platform.region)", why: "S3 encrypts only with a KMS key of the bucket's region; use the bootstrap stack's state_kms_key_arn" } }]
      : []),
    ...(c.edge?.certificateArn ? [{ path: ["edge", "certificateArn"], arn: c.edge.certificateArn, sameRegion: { region, user: "the load balancer (platform.region)", why: "an ALB can only use an ACM certificate of its own region" } }] : []),
    ...(c.mesh.tls?.certificateAuthorityArn
      ? [{ path: ["mesh", "tls", "certificateAuthorityArn"], arn: c.mesh.tls.certificateAuthorityArn, sameRegion: { region, user: "ACM, which issues the mesh's certificates (platform.region)", why: "ACM issues private certificates only from a private CA of its own region" } }]
      : []),
    ...(c.observability.alarms?.topicArn
      ? [{ path: ["observability", "alarms", "topicArn"], arn: c.observability.alarms.topicArn, sameRegion: { region, user: "every alarm that notifies it (platform.region)", why: "CloudWatch alarm actions notify only SNS topics of the alarm's region" } }]
      : []),
  ];
}

export const APPLY_RULES: readonly ApplyRule[] = [
  {
    id: "security-group-names",
    checks: "security group names `<platform.name>-<environment>-vpc-endpoints` do not start with `sg-`",
    refusedBy: "EC2 CreateSecurityGroup",
    check(c, issue) {
      const interfaceEndpoints = ["ecr", "sts", "logs"].some((k) => c.network.vpcEndpoints[k]);
      if (interfaceEndpoints && c.platform.name.startsWith("sg-")) {
        issue(["platform", "name"], `"${c.platform.name}" starts the name of the interface endpoints' security group ("${new Naming({ ...c.platform, tags: {} }).name("vpc-endpoints")}"), and EC2 refuses security group names starting with "sg-"; choose another platform name`);
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
    checks: "every ARN in the config is in the partition of `platform.region` (aws, aws-cn, aws-us-gov)",
    refusedBy: "IAM, EKS, KMS, ACM, SNS (the principal or resource does not exist there)",
    check(c, issue) {
      const expected = partitionOf(c.platform.region);
      for (const { path, arn } of arnFields(c)) {
        const { partition } = arnParts(arn);
        if (partition !== expected) issue(path, `"${arn}" is in partition "${partition}", but platform.region "${c.platform.region}" is in "${expected}"; use an ARN starting "arn:${expected}:"`);
      }
    },
  },
  {
    id: "arn-region",
    checks: "every ARN whose service must be in the same region as what uses it is there: `state.kmsKeyArn` (the state bucket's region), node disk keys, `edge.certificateArn`, `mesh.tls.certificateAuthorityArn`, `observability.alarms.topicArn` (`platform.region`)",
    refusedBy: "S3 (SSE-KMS), EC2 (EBS), ELB (listener certificate), ACM (private CA), CloudWatch (alarm actions)",
    check(c, issue) {
      for (const { path, arn, sameRegion } of arnFields(c)) {
        if (!sameRegion) continue;
        const region = arnParts(arn).region;
        if (region !== sameRegion.region) issue(path, `"${arn}" is in ${region || "no region"}, but ${sameRegion.user} is in ${sameRegion.region}; ${sameRegion.why}. Use one in ${sameRegion.region}`);
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
    checks: "catalog namespaces are not ones the platform creates (`appmesh-system`, or `aws-application-networking-system` with VPC Lattice; `karpenter` with Karpenter on; `aws-observability`, `amazon-cloudwatch`)",
    refusedBy: "the Kubernetes API (the namespace already exists, owned by another stack)",
    check(c, issue) {
      const owned = platformNamespaces({ implementation: c.mesh.implementation ?? "appmesh", karpenter: c.cluster.autoscaling === "karpenter" });
      for (const s of c.workloads.app.services) {
        const taken = owned.find((o) => o.namespace === s.namespace);
        if (taken) {
          issue(["workloads", "catalog"], `${at(c, s.name)}.namespace: "${s.namespace}" is created by ${taken.owner}; the workloads stack cannot create it again. Give the service a namespace of its own`);
        }
      }
    },
  },
  {
    id: "platform-names",
    checks: "on ECS, no catalog service's name makes its resources' names those of the platform's own (`ecs-ec2`: the EC2 capacity; `ecs-public`: the public load balancer)",
    refusedBy: "EC2 CreateSecurityGroup, IAM CreateRole (the name exists, created by the other ECS stack)",
    check(c, issue) {
      if (c.platform.orchestrator !== "ecs") return;
      const taken: Record<string, string> = { [ECS_CAPACITY_PURPOSE]: "the ecs-cluster stack's EC2 capacity", [ECS_PUBLIC_ALB_PURPOSE]: "the public load balancer" };
      for (const s of c.workloads.app.services) {
        const owner = taken[ecsServicePurpose(s.name)];
        if (owner) issue(["workloads", "catalog"], `${at(c, s.name)}.name: "${s.name}" names its security group and roles "${new Naming({ ...c.platform, tags: {} }).name(ecsServicePurpose(s.name))}", the name of ${owner}; AWS refuses the second one. Rename the service`);
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
        unreachable.push(`the AWS Gateway API Controller (${GATEWAY_CONTROLLER.image})`);
        const services = c.workloads.app.services as unknown as readonly ResolvedService[];
        if (c.mesh.lattice?.auth === "iam" && services.some((s) => signedDependencies(s, services).length > 0)) unreachable.push(`the SigV4 signing proxies (${SIGV4_PROXY_IMAGE.repository})`);
      } else if (!pullableWithoutNat(APPMESH_CONTROLLER.image, region)) unreachable.push(`the App Mesh controller (${APPMESH_CONTROLLER.image})`);
      if (c.mesh.addons.loadBalancerController.enabled) unreachable.push(`the AWS Load Balancer Controller (${LOAD_BALANCER_CONTROLLER.image})`);
      if (c.mesh.addons.metricsServer.enabled) unreachable.push(`metrics-server (${METRICS_SERVER.image})`);
      if (c.cluster.autoscaling === "karpenter") unreachable.push(`Karpenter (${KARPENTER_CONTROLLER.image})`);
      if (c.cluster.verticalPodAutoscaler) unreachable.push(`the VPA recommender (${VPA_RECOMMENDER.image})`);
      for (const s of c.workloads.app.services) {
        for (const img of [s.image, ...s.versions.map((v) => v.image)]) {
          if ("external" in img && !pullableWithoutNat(img.external, region) && !unreachable.some((u) => u.includes(img.external))) unreachable.push(`${s.name} (${img.external})`);
        }
      }
      if (unreachable.length > 0) {
        issue(["network", "natGateways"], `"none" leaves no route to registries outside this region's private ECR, but the platform pulls ${unreachable.join(", ")}; Helm waits for those pods and the apply fails. Use "single" or "per-az"`);
      }
    },
  },
  {
    id: "fargate-logging-size",
    checks: "the `aws-logging` ConfigMap that routes each Fargate namespace's logs stays within the 5,300 characters Fargate reads",
    refusedBy: "Fargate's log router (it ignores a larger ConfigMap, so Fargate pods log nowhere)",
    check(c, issue) {
      if (!c.observability.logs.fargate.enabled) return;
      const namespaces = fargateNamespaces(c.cluster.fargateProfiles);
      if (namespaces.length === 0) return;
      const naming = new Naming({ ...c.platform, tags: {} });
      const size = configMapSize(fargateLoggingData(namespaces.map((namespace) => ({ namespace, logGroup: fargateLogGroup(naming, namespace) })), c.platform.region));
      if (size > FARGATE_LOGGING.maxCharacters) {
        issue(
          ["observability", "logs", "fargate"],
          `routing ${namespaces.length} Fargate namespaces makes the ${FARGATE_LOGGING.configMap} ConfigMap ${size} characters; Fargate accepts at most ${FARGATE_LOGGING.maxCharacters}; put Fargate services in fewer namespaces or turn observability.logs.fargate.enabled off`,
        );
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
