import type { z } from "zod";
import { type CatalogOrigin, catalogLocation, type ResolvedService } from "../../apps/catalog";
import { fargateLogGroup, Naming, workloadTableName } from "../../facts/naming";
import botocoreShapes from "../../facts/upstream/botocore/shapes.json";
import { ecsLaunch } from "./ecs-checks";
import { carriedByLattice } from "./lattice";

/**
 * Values the config sends to AWS, checked against the shapes of the API members they end up
 * in, as the AWS API models define them (lengths, patterns, enumerations, numeric bounds).
 * The models come from the pinned botocore release (facts/upstream/botocore/, extracted by
 * scripts/regenerate-aws-shapes.ts from exactly the shapes AWS_SHAPE_RULES names), so a
 * value AWS would refuse at apply is refused at synth with the field, the value and what
 * the API allows.
 *
 * AWS_SHAPE_RULES is the one table: a config field (a path pattern in the resolved config,
 * or in the catalog) → the `<service>.<Shape>` of the API member its value becomes. A value
 * the platform builds from a field (`<platform.name>-<environment>-…` names) is derived
 * first and refused on the field to change. A rule the model states only in words (ACM's
 * 64 characters for a certificate's first name, ELB's 32 for a load balancer name) or not
 * at all (the cron form of Application Auto Scaling) is one DOCUMENTED_RULES entry, with its
 * source; a test checks every cited model sentence is still in the pinned release.
 *
 * Path patterns: `a.b` a field, `.*` every entry of a map, `[*]` every item of a list;
 * `catalog:` starts at the catalog (workloads.catalog) instead of the config.
 */

// ---------------------------------------------------------------------------------------
// The model facts
// ---------------------------------------------------------------------------------------

/** One shape of an AWS API model, as facts/upstream/botocore/shapes.json keeps it. */
export interface ModelShape {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  /** A Java-style regular expression the whole value must match (AWS anchors it). */
  readonly pattern?: string;
  readonly enum?: readonly string[];
  /** Lists: the shape of each item; maps: the shapes of keys and values. */
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
}

export interface BotocoreShapes {
  /** The botocore release the shapes were extracted from. */
  readonly botocore: string;
  readonly services: Readonly<Record<string, { readonly serviceId: string; readonly apiVersion: string; readonly shapes: Readonly<Record<string, ModelShape>> }>>;
  /** Plain-text documentation of the API members DOCUMENTED_RULES cite, by `<service>.<Structure>.<member>`. */
  readonly documentation: Readonly<Record<string, string>>;
}

export const BOTOCORE: BotocoreShapes = botocoreShapes as unknown as BotocoreShapes;

/** How messages name a service, where the model's serviceId is not what people call it. */
const SERVICE_NAMES: Readonly<Record<string, string>> = { elbv2: "Elastic Load Balancing", wafv2: "AWS WAF" };

export function serviceName(service: string): string {
  return SERVICE_NAMES[service] ?? BOTOCORE.services[service]?.serviceId ?? service;
}

/** "EKS's", "CloudWatch Logs'". */
const possessive = (name: string) => (name.endsWith("s") ? `${name}'` : `${name}'s`);

/** A shape by `<service>.<Shape>`; throws when the extracted facts lack it (regenerate them). */
export function modelShape(ref: string): ModelShape {
  const [service, name] = splitRef(ref);
  const shape = BOTOCORE.services[service]?.shapes[name];
  if (!shape) throw new Error(`${ref} is not in facts/upstream/botocore/shapes.json; run npx tsx scripts/regenerate-aws-shapes.ts`);
  return shape;
}

function splitRef(ref: string): [string, string] {
  const dot = ref.indexOf(".");
  return [ref.slice(0, dot), ref.slice(dot + 1)];
}

const patterns = new Map<string, RegExp>();

/**
 * A model pattern as a JavaScript RegExp, anchored at both ends as AWS matches it. botocore's
 * patterns are Java regular expressions; the ones the table uses are also valid JavaScript
 * with the `u` flag (a test compiles each), which reads `\uD800\uDC00` as one code point, as
 * Java does.
 */
export function compiledPattern(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, "u");
    patterns.set(pattern, re);
  }
  return re;
}

// ---------------------------------------------------------------------------------------
// What the rules read
// ---------------------------------------------------------------------------------------

/** The parts of the resolved config the table's conditions and derived names read. */
export interface ShapeCheckInput {
  readonly platform: { readonly name: string; readonly environment: string; readonly orchestrator: string };
  readonly state: { readonly backend: string };
  readonly network: { readonly flowLogs: { readonly enabled: boolean } };
  readonly mesh: { readonly implementation: string; readonly name: string; readonly tls: { readonly mode: string } };
  readonly edge: { readonly waf: { readonly enabled: boolean }; readonly tls: { readonly mode: string; readonly certificate?: { readonly create: boolean }; readonly aliasZoneId?: string } };
  readonly observability: { readonly logs: { readonly fargate: { readonly enabled: boolean } } };
  readonly workloads: { readonly app: { readonly services: readonly ResolvedService[]; readonly tables: Readonly<Record<string, unknown>> }; readonly origin: CatalogOrigin };
}

/** Where a value was found: its path from the config (or the catalog) and the objects on the way. */
export interface Match {
  readonly path: readonly (string | number)[];
  /** The containers passed through, outermost first (the config or the catalog itself first). */
  readonly parents: readonly unknown[];
}

/** A rule AWS applies that the model states only in words, or not at all; written once, with its source. */
export interface DocumentedRule {
  readonly id: string;
  /** Where AWS says it: a member of the pinned model whose documentation states it (`quote` is checked against it), and/or a page. */
  readonly source: { readonly member?: string; readonly quote?: string; readonly url?: string; readonly note?: string };
  /** What is wrong with the value, as a clause ("is 70 characters; ACM ..."), or undefined when the value keeps the rule. */
  readonly check: (value: string) => string | undefined;
}

export interface ShapeRule {
  /** The config field (see the path patterns above). */
  readonly field: string;
  /** Check the keys of the map at `field` rather than its values. */
  readonly keys?: true;
  /** `<service>.<Shape>`: the model shape of the API member the value ends up in. */
  readonly shape: string;
  /** The API call and member the value is sent in, and who sends it. */
  readonly sentTo: string;
  /** The value as a noun phrase: "an EC2 instance type", "the EKS cluster name". */
  readonly what: string;
  /** What the shape's pattern allows, in words (required when the shape has a pattern). */
  readonly allowed?: string;
  /** Values to suggest when nothing in a large enumeration is close. @default its first two */
  readonly examples?: readonly string[];
  /** Only when the platform makes that call. */
  readonly when?: (c: ShapeCheckInput, at: Match) => boolean;
  /** The value sent, when the platform builds it from the field's value. */
  readonly derive?: (value: string, c: ShapeCheckInput, at: Match) => string;
  /** For a derived value: what to change. */
  readonly fix?: string;
  /** Rules of the same member that the model lacks. */
  readonly also?: readonly DocumentedRule[];
}

// ---------------------------------------------------------------------------------------
// Rules the model lacks
// ---------------------------------------------------------------------------------------

const chars = (v: string) => [...v].length;

/** ACM: the first domain name of a certificate is its Common Name, which RFC 5280 caps at 64. */
export const ACM_FIRST_NAME: DocumentedRule = {
  id: "acm-first-domain-name",
  source: { member: "acm.RequestCertificateRequest.DomainName", quote: "cannot exceed 64 octets (characters), including periods", url: "https://datatracker.ietf.org/doc/html/rfc5280 (ub-common-name)" },
  check: (v) =>
    chars(v) > 64
      ? `is ${chars(v)} characters; ACM takes at most 64 for a certificate's first domain name, its Common Name (RFC 5280; RequestCertificate DomainName in the ACM API model, botocore ${BOTOCORE.botocore})`
      : undefined,
};

/** ELB: load balancer names, which the model types as a plain string. */
export const ELB_NAME: DocumentedRule = {
  id: "elb-load-balancer-name",
  source: {
    member: "elbv2.CreateLoadBalancerInput.Name",
    quote: 'can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with "internal-"',
  },
  check: (v) => {
    const where = `(CreateLoadBalancer Name in the Elastic Load Balancing v2 API model, botocore ${BOTOCORE.botocore})`;
    if (chars(v) > 32) return `is ${chars(v)} characters; Elastic Load Balancing allows at most 32 in a load balancer name ${where}`;
    if (!/^[A-Za-z0-9-]+$/.test(v) || v.startsWith("-") || v.endsWith("-") || v.startsWith("internal-")) {
      return `is not a load balancer name: Elastic Load Balancing allows letters, digits and hyphens, not a hyphen first or last and not "internal-" first ${where}`;
    }
    return undefined;
  },
};

const CRON_FIELDS = [
  { name: "Minutes", min: 0, max: 59, special: "" },
  { name: "Hours", min: 0, max: 23, special: "" },
  { name: "Day_of_Month", min: 1, max: 31, special: "?LW" },
  { name: "Month", min: 1, max: 12, special: "", names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "Day_of_Week", min: 1, max: 7, special: "?L#", names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
  { name: "Year", min: 1970, max: 2199, special: "" },
] as const;

type CronField = (typeof CRON_FIELDS)[number];

/** What is wrong with one field of a cron expression, or undefined. */
function cronFieldProblem(field: CronField, text: string): string | undefined {
  const names: readonly string[] = "names" in field ? field.names : [];
  const range = `${field.min}-${field.max}${names.length ? ` or ${names[0]}-${names[names.length - 1]}` : ""}`;
  const value = (v: string) => {
    const n = names.indexOf(v.toUpperCase());
    if (n >= 0) return n + 1;
    return /^\d+$/.test(v) ? Number(v) : NaN;
  };
  const inRange = (v: string) => {
    const n = value(v);
    return n >= field.min && n <= field.max;
  };
  if (text === "?") return field.special.includes("?") ? undefined : `${field.name} cannot be "?" (only Day_of_Month and Day_of_Week can)`;
  for (const item of text.split(",")) {
    if (item === "*") continue;
    if (field.name === "Day_of_Month" && /^(L|LW|\d{1,2}W)$/.test(item) && (item.startsWith("L") || inRange(item.slice(0, -1)))) continue;
    if (field.name === "Day_of_Week" && (item === "L" || (/^\w+L$/.test(item) && inRange(item.slice(0, -1))))) continue;
    if (field.name === "Day_of_Week" && /^\w+#[1-5]$/.test(item) && inRange(item.split("#")[0])) continue;
    const m = /^(\*|\w+)(?:-(\w+))?(?:\/(\d+))?$/.exec(item);
    if (m && (m[1] === "*" ? m[2] === undefined : inRange(m[1])) && (m[2] === undefined || inRange(m[2])) && (m[3] === undefined || Number(m[3]) >= 1)) continue;
    return `${field.name} "${item}" is neither a value (${range}) nor a range, list or step of values`;
  }
  return undefined;
}

const SCHEDULE_EXAMPLE = "cron(0 8 ? * MON-FRI *)";

/**
 * Application Auto Scaling's schedule expressions. The model gives the Schedule member only a
 * length and a character range; its documentation (PutScheduledAction Schedule) gives the
 * three forms, the six cron fields and the rate units, and the cron syntax is EventBridge's
 * (Cron expressions reference, linked from the Application Auto Scaling user guide): the
 * field ranges and, as the service enforces (hashicorp/terraform-provider-aws#13995), a "?"
 * in exactly one of Day_of_Month and Day_of_Week.
 */
export const SCHEDULE_EXPRESSION: DocumentedRule = {
  id: "application-autoscaling-schedule",
  source: {
    member: "application-autoscaling.PutScheduledActionRequest.Schedule",
    quote: "The cron format consists of six fields separated by white spaces: [Minutes] [Hours] [Day_of_Month] [Month] [Day_of_Week] [Year].",
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions (via https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html)",
  },
  check: (v) => {
    const where = "(Application Auto Scaling PutScheduledAction Schedule)";
    const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(v);
    if (at) {
      const [y, mo, d, h, mi, s] = at.slice(1).map(Number);
      const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return `is not a date and time that exists; write at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-12-24T18:00:00) ${where}`;
      return undefined;
    }
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(v);
    if (rate) return Number(rate[1]) >= 1 ? undefined : `has rate value ${rate[1]}; Application Auto Scaling takes a positive whole number, e.g. rate(1 hour) ${where}`;
    const cron = /^cron\((.*)\)$/.exec(v);
    if (!cron) return `is not at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields) ${where}`;
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return `has ${fields.length} cron fields; Application Auto Scaling takes six, [Minutes] [Hours] [Day_of_Month] [Month] [Day_of_Week] [Year], e.g. ${SCHEDULE_EXAMPLE} ${where}`;
    for (let i = 0; i < 6; i++) {
      const problem = cronFieldProblem(CRON_FIELDS[i], fields[i]);
      if (problem) return `is not a cron expression Application Auto Scaling accepts: ${problem} ${where}`;
    }
    const [dom, dow] = [fields[2], fields[4]];
    if ((dom === "?") === (dow === "?")) {
      const fixed = [...fields];
      if (dom === "?") fixed[2] = "*";
      else if (dow === "*") fixed[4] = "?";
      else fixed[2] = "?";
      return `${dom === "?" ? 'has "?" in both Day_of_Month and Day_of_Week' : `names both Day_of_Month ("${dom}") and Day_of_Week ("${dow}")`}; Application Auto Scaling takes "?" in exactly one of them, e.g. cron(${fixed.join(" ")}) ${where}`;
    }
    return undefined;
  },
};

/** Application Auto Scaling's time zones: IANA names, checked against Node.js's time zone database (ICU). */
export const TIME_ZONE: DocumentedRule = {
  id: "application-autoscaling-time-zone",
  source: { member: "application-autoscaling.PutScheduledActionRequest.Timezone", quote: "Valid values are the canonical names of the IANA time zones", note: "checked with Intl.DateTimeFormat, Node.js's IANA database" },
  check: (v) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: v });
      return undefined;
    } catch {
      const near = closest(v, Intl.supportedValuesOf("timeZone"), 3);
      return `is not an IANA time zone; Application Auto Scaling takes the canonical IANA names (PutScheduledAction Timezone)${near.length ? `; the closest are ${near.map(quote).join(", ")}` : ', e.g. "Europe/Madrid"'}`;
    }
  },
};

export const DOCUMENTED_RULES: readonly DocumentedRule[] = [ACM_FIRST_NAME, ELB_NAME, SCHEDULE_EXPRESSION, TIME_ZONE];

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

const eks = (c: ShapeCheckInput) => c.platform.orchestrator !== "ecs";
const ecs = (c: ShapeCheckInput) => c.platform.orchestrator === "ecs";
const lattice = (c: ShapeCheckInput) => eks(c) && c.mesh.implementation === "vpc-lattice";
const hasPublic = (c: ShapeCheckInput) => c.workloads.app.services.some((s) => s.public);
const prefix = (c: ShapeCheckInput) => new Naming({ ...c.platform, tags: {} }).prefix;
const naming = (c: ShapeCheckInput) => new Naming({ ...c.platform, tags: {} });
/** The catalog service a `catalog:services[*]…` match is in. */
const serviceAt = (at: Match) => at.parents[2] as ResolvedService;

/** The Lattice service the AWS Gateway API Controller (v2.1.3) makes for a route: pkg/utils LatticeServiceName. */
export function latticeServiceName(route: string, namespace: string): string {
  const truncate = (s: string, n: number) => s.slice(0, n).replace(/^-+|-+$/g, "");
  return `${truncate(route, 20)}-${truncate(namespace, 18)}`;
}

/** The DNS name of a version's App Mesh TLS certificate (stacks/mesh/appmesh/tls.ts versionHostname; a test keeps the two equal). */
export function meshCertificateName(service: { readonly name: string; readonly namespace: string }, version: string): string {
  return `${service.name}-${version}.${service.namespace}.svc.cluster.local`;
}

const INSTANCE_EXAMPLES = ["t3.medium", "m7i.large", "m7g.large"];
const SHORTEN_PREFIX = "shorten platform.name or platform.environment";
const LATTICE_NAME = "3-63 lower-case letters, digits and hyphens, with no hyphen first, last or twice in a row";

export const AWS_SHAPE_RULES: readonly ShapeRule[] = [
  // --- EKS: the cluster and its managed node groups (stacks/cluster).
  { field: "platform.name", derive: (_v, c) => prefix(c), shape: "eks.ClusterName", sentTo: "EKS CreateCluster name (cluster stack)", what: "the EKS cluster name", allowed: "letters, digits, hyphens and underscores, starting with a letter or digit", when: eks, fix: SHORTEN_PREFIX },
  { field: "cluster.supportType", shape: "eks.SupportType", sentTo: "EKS CreateCluster upgradePolicy.supportType", what: "an EKS support type", when: eks },
  { field: "cluster.logging.types", shape: "eks.LogTypes", sentTo: "EKS CreateCluster logging.clusterLogging[].types", what: "an EKS control-plane log type", when: eks },
  { field: "cluster.nodeGroups.*.instanceTypes[*]", shape: "ec2.InstanceType", sentTo: "EKS CreateNodegroup instanceTypes, which EC2 launches", what: "an EC2 instance type", examples: INSTANCE_EXAMPLES, when: eks },
  { field: "cluster.nodeGroups.*.amiType", shape: "eks.AMITypes", sentTo: "EKS CreateNodegroup amiType", what: "an EKS AMI type", when: eks },
  { field: "cluster.nodeGroups.*.capacityType", shape: "eks.CapacityTypes", sentTo: "EKS CreateNodegroup capacityType", what: "an EKS capacity type", when: eks },
  { field: "cluster.nodeGroups.*.labels", shape: "eks.labelsMap", sentTo: "EKS CreateNodegroup labels", what: "a node group label", when: eks },
  { field: "cluster.nodeGroups.*.taints[*].key", shape: "eks.taintKey", sentTo: "EKS CreateNodegroup taints[].key", what: "a taint key", when: eks },
  { field: "cluster.nodeGroups.*.taints[*].value", shape: "eks.taintValue", sentTo: "EKS CreateNodegroup taints[].value", what: "a taint value", when: eks },
  { field: "cluster.nodeGroups.*.taints[*].effect", shape: "eks.TaintEffect", sentTo: "EKS CreateNodegroup taints[].effect", what: "an EKS taint effect", when: eks },
  { field: "cluster.nodeGroups.*.minSize", shape: "eks.ZeroCapacity", sentTo: "EKS CreateNodegroup scalingConfig.minSize", what: "a node count", when: eks },
  { field: "cluster.nodeGroups.*.desiredSize", shape: "eks.ZeroCapacity", sentTo: "EKS CreateNodegroup scalingConfig.desiredSize", what: "a node count", when: eks },
  { field: "cluster.nodeGroups.*.maxSize", shape: "eks.Capacity", sentTo: "EKS CreateNodegroup scalingConfig.maxSize", what: "a node count", when: eks },
  { field: "cluster.nodeGroups.*.maxUnavailable", shape: "eks.NonZeroInteger", sentTo: "EKS CreateNodegroup updateConfig.maxUnavailable", what: "a node count", when: eks },
  {
    field: "cluster.nodeGroups",
    keys: true,
    derive: (group, c) => naming(c).name(`node-${group}`),
    shape: "ec2.LaunchTemplateName",
    sentTo: "EC2 CreateLaunchTemplate LaunchTemplateName, each node group's template (the model's LaunchTemplateName shape; CreateLaunchTemplate itself types it as a string)",
    what: "the launch template name",
    allowed: "3-128 letters, digits and ( ) . - / _",
    when: eks,
    fix: `shorten the node group name, ${SHORTEN_PREFIX.replace("shorten ", "")}`,
  },
  // --- IAM: roles named after the catalog's services.
  {
    field: "catalog:services[*].name",
    derive: (name, c) => naming(c).name(`svc-${name}`),
    shape: "iam.roleNameType",
    sentTo: "IAM CreateRole RoleName, each service's IRSA role (workloads stack)",
    what: "the service's IAM role name",
    allowed: "letters, digits and + = , . @ _ -",
    when: eks,
    fix: `shorten the service name, ${SHORTEN_PREFIX.replace("shorten ", "")}`,
  },
  {
    field: "catalog:services[*].name",
    derive: (name, c) => `${naming(c).name(`ecs-${name}`)}-task`,
    shape: "iam.roleNameType",
    sentTo: "IAM CreateRole RoleName, each service's ECS task role and its execution role (<name>-exec, as long; ecs-services stack)",
    what: "the ECS task role name",
    allowed: "letters, digits and + = , . @ _ -",
    when: ecs,
    fix: `shorten the service name, ${SHORTEN_PREFIX.replace("shorten ", "")}`,
  },
  // --- VPC Lattice: the service network and the services the AWS Gateway API Controller makes.
  {
    field: "mesh.name",
    shape: "vpc-lattice.ServiceNetworkName",
    sentTo: "VPC Lattice CreateServiceNetwork name (mesh stack)",
    what: "the VPC Lattice service network name",
    allowed: LATTICE_NAME,
    when: (c) => lattice(c) && c.mesh.name !== prefix(c),
  },
  {
    field: "platform.name",
    derive: (_v, c) => prefix(c),
    shape: "vpc-lattice.ServiceNetworkName",
    sentTo: "VPC Lattice CreateServiceNetwork name: mesh.name, by default <platform.name>-<platform.environment> (mesh stack)",
    what: "the VPC Lattice service network name",
    allowed: LATTICE_NAME,
    when: (c) => lattice(c) && c.mesh.name === prefix(c),
    fix: "use single hyphens in platform.name and platform.environment, or set mesh.name",
  },
  {
    field: "catalog:services[*].name",
    derive: (name, _c, at) => latticeServiceName(name, serviceAt(at).namespace),
    shape: "vpc-lattice.ServiceName",
    sentTo: "VPC Lattice CreateService name, which the AWS Gateway API Controller builds from each route's name and namespace",
    what: "the VPC Lattice service name",
    allowed: '3-40 lower-case letters, digits and hyphens, not starting with "svc-", with no hyphen first, last or twice in a row',
    when: (c, at) => lattice(c) && carriedByLattice(serviceAt(at)),
    fix: "use single hyphens in the service name and namespace",
  },
  {
    field: "catalog:services[*].healthCheckPath",
    shape: "vpc-lattice.HealthCheckPath",
    sentTo: "VPC Lattice CreateTargetGroup config.healthCheck.path (the controller, from each version's TargetGroupPolicy)",
    what: "a health check path",
    allowed: "a path starting with / of letters, digits and @ : % _ + . ~ # ? & / = -",
    when: (c, at) => lattice(c) && carriedByLattice(serviceAt(at)) && serviceAt(at).protocol !== "grpc",
  },
  // --- ACM: the edge's certificate and App Mesh's per-version certificates.
  {
    field: "edge.domainName",
    shape: "acm.DomainNameString",
    sentTo: "ACM RequestCertificate DomainName, when the platform requests the edge's certificate (edge.hostedZoneId)",
    what: "a certificate domain name",
    allowed: "dot-separated labels of letters, digits and hyphens (1-63 each, no hyphen first or last), optionally after *.",
    when: (c) => hasPublic(c) && c.edge.tls.mode === "https" && c.edge.tls.certificate?.create === true,
    also: [ACM_FIRST_NAME],
  },
  {
    field: "catalog:services[*].versions[*].name",
    derive: (version, _c, at) => meshCertificateName(serviceAt(at), version),
    shape: "acm.DomainNameString",
    sentTo: "ACM RequestCertificate DomainName, each version's private certificate under mesh.tls.mode strict (App Mesh)",
    what: "the version's mesh certificate name",
    allowed: "dot-separated labels of letters, digits and hyphens (1-63 each, no hyphen first or last)",
    when: (c) => eks(c) && c.mesh.implementation === "appmesh" && c.mesh.tls.mode === "strict",
    also: [ACM_FIRST_NAME],
    fix: "shorten the service, version or namespace name (the certificate is <service>-<version>.<namespace>.svc.cluster.local)",
  },
  // --- EC2: flow logs and the ECS capacity provider's instances.
  { field: "network.flowLogs.trafficType", shape: "ec2.TrafficType", sentTo: "EC2 CreateFlowLogs TrafficType (network stack)", what: "a flow log traffic type", when: (c) => c.network.flowLogs.enabled },
  { field: "ecs.ec2.instanceType", shape: "ec2.InstanceType", sentTo: "EC2 CreateLaunchTemplate InstanceType of the ECS capacity provider (ecs-cluster stack)", what: "an EC2 instance type", examples: INSTANCE_EXAMPLES, when: (c) => ecs(c) && c.workloads.app.services.some((s) => ecsLaunch(s) === "ec2") },
  // --- ECS: the default capacity provider strategy.
  { field: "ecs.capacityProviderStrategy[*].weight", shape: "ecs.CapacityProviderStrategyItemWeight", sentTo: "ECS CreateService capacityProviderStrategy[].weight", what: "a capacity provider weight", when: ecs },
  { field: "ecs.capacityProviderStrategy[*].base", shape: "ecs.CapacityProviderStrategyItemBase", sentTo: "ECS CreateService capacityProviderStrategy[].base", what: "a capacity provider base", when: ecs },
  // --- Application Auto Scaling: scheduled scaling of the ECS services.
  { field: "ecs.scheduledScaling.*[*].schedule", shape: "application-autoscaling.ResourceIdMaxLen1600", sentTo: "Application Auto Scaling PutScheduledAction Schedule", what: "a schedule expression", allowed: "printable characters", when: ecs, also: [SCHEDULE_EXPRESSION] },
  { field: "ecs.scheduledScaling.*[*].timezone", shape: "application-autoscaling.ResourceIdMaxLen1600", sentTo: "Application Auto Scaling PutScheduledAction Timezone", what: "a time zone", allowed: "printable characters", when: ecs, also: [TIME_ZONE] },
  {
    field: "ecs.scheduledScaling.*[*].name",
    derive: (name, c, at) => {
      const s = c.workloads.app.services.find((x) => x.name === at.path[2]);
      const longest = (s?.versions ?? []).map((v) => v.name).reduce((a, b) => (b.length > a.length ? b : a), "");
      return `${String(at.path[2])}-${longest}-${name}`;
    },
    shape: "application-autoscaling.ScheduledActionName",
    sentTo: "Application Auto Scaling PutScheduledAction ScheduledActionName, <service>-<version>-<name> per version",
    what: "the scheduled action name",
    allowed: "1-256 characters without : / | or control characters, not starting or ending with a space",
    when: ecs,
    fix: "shorten the action's name",
  },
  // --- Elastic Load Balancing: the ECS public ALB and the target groups' health checks.
  {
    field: "platform.name",
    derive: (_v, c) => naming(c).name("ecs-public"),
    shape: "elbv2.LoadBalancerName",
    sentTo: "Elastic Load Balancing CreateLoadBalancer Name of the ECS public ALB (ecs-services stack)",
    what: "the public load balancer's name",
    when: (c) => ecs(c) && hasPublic(c),
    also: [ELB_NAME],
    fix: SHORTEN_PREFIX,
  },
  {
    field: "catalog:services[*].healthCheckPath",
    shape: "elbv2.Path",
    sentTo: "Elastic Load Balancing CreateTargetGroup HealthCheckPath of a public service (ECS target groups; on EKS through the Load Balancer Controller's healthcheck-path annotation)",
    what: "a health check path",
    when: (_c, at) => serviceAt(at).public !== undefined,
  },
  // --- AWS WAF and Route 53: the public edge.
  { field: "edge.waf.rateLimitPer5Minutes", shape: "wafv2.RateLimit", sentTo: "AWS WAF CreateWebACL rate-based statement Limit", what: "a rate limit", when: (c) => hasPublic(c) && c.edge.waf.enabled },
  { field: "edge.hostedZoneId", shape: "route53.ResourceId", sentTo: "Route 53 ChangeResourceRecordSets HostedZoneId (certificate validation, alias record)", what: "a hosted zone ID", when: (c) => hasPublic(c) && c.edge.tls.mode === "https" },
  // --- ECR: the repositories the catalog's { ecr } images live in, <platform.name>-<environment>/<ecr>.
  ...(["catalog:services[*].image.ecr", "catalog:services[*].versions[*].image.ecr"] as const).map((field): ShapeRule => ({
    field,
    derive: (repo, c) => `${naming(c).prefix}/${repo}`,
    shape: "ecr.RepositoryName",
    sentTo: "ECR CreateRepository repositoryName, <platform.name>-<environment>/<ecr> (workloads or ecs-services stack)",
    what: "the ECR repository name",
    allowed: "lower-case letters and digits in /-separated parts, joined within a part by one . or _, two _, or hyphens",
    fix: "fix image.ecr, or platform.name and platform.environment (they prefix every repository)",
  })),
  // --- DynamoDB: the catalog's tables and the state lock table.
  {
    field: "catalog:tables",
    keys: true,
    derive: (table, c) => workloadTableName(naming(c), table),
    shape: "dynamodb.TableName",
    sentTo: "DynamoDB CreateTable TableName, <platform.name>-<environment>-<table> (the TableName shape; CreateTable's member also takes ARNs)",
    what: "the DynamoDB table name",
    allowed: "3-255 letters, digits and _ . -",
    fix: `shorten the table name, ${SHORTEN_PREFIX.replace("shorten ", "")}`,
  },
  { field: "catalog:tables.*.partitionKey.name", shape: "dynamodb.KeySchemaAttributeName", sentTo: "DynamoDB CreateTable KeySchema[].AttributeName", what: "a key attribute name" },
  { field: "catalog:tables.*.sortKey.name", shape: "dynamodb.KeySchemaAttributeName", sentTo: "DynamoDB CreateTable KeySchema[].AttributeName", what: "a key attribute name" },
  { field: "catalog:tables.*.partitionKey.type", shape: "dynamodb.ScalarAttributeType", sentTo: "DynamoDB CreateTable AttributeDefinitions[].AttributeType", what: "a DynamoDB attribute type" },
  { field: "catalog:tables.*.sortKey.type", shape: "dynamodb.ScalarAttributeType", sentTo: "DynamoDB CreateTable AttributeDefinitions[].AttributeType", what: "a DynamoDB attribute type" },
  { field: "catalog:tables.*.readCapacity", shape: "dynamodb.PositiveLongObject", sentTo: "DynamoDB CreateTable ProvisionedThroughput.ReadCapacityUnits", what: "a capacity" },
  { field: "catalog:tables.*.writeCapacity", shape: "dynamodb.PositiveLongObject", sentTo: "DynamoDB CreateTable ProvisionedThroughput.WriteCapacityUnits", what: "a capacity" },
  { field: "state.dynamodbTable", shape: "dynamodb.TableName", sentTo: "DynamoDB (Terraform's S3 backend locks in this table)", what: "a DynamoDB table name", allowed: "3-255 letters, digits and _ . -", when: (c) => c.state.backend === "s3" },
  // --- CloudWatch Logs: log groups named after namespaces and services.
  {
    field: "cluster.fargateProfiles.*.selectors[*].namespace",
    derive: (namespace, c) => fargateLogGroup(naming(c), namespace),
    shape: "logs.LogGroupName",
    sentTo: "CloudWatch Logs CreateLogGroup logGroupName, one per Fargate namespace (cluster stack)",
    what: "the Fargate log group name",
    allowed: "1-512 letters, digits and . - _ / #",
    when: (c) => eks(c) && c.observability.logs.fargate.enabled,
    fix: "shorten the namespace",
  },
  {
    field: "catalog:services[*].name",
    derive: (name, c) => `${naming(c).logGroup("ecs")}/${name}`,
    shape: "logs.LogGroupName",
    sentTo: "CloudWatch Logs CreateLogGroup logGroupName, one per ECS service (ecs-services stack)",
    what: "the service's log group name",
    allowed: "1-512 letters, digits and . - _ / #",
    when: ecs,
    fix: "shorten the service name",
  },
];

// ---------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------

const quote = (v: unknown) => JSON.stringify(v);

/** Levenshtein distance, for the closest allowed values. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}

/** Characters two strings share at their start. */
function sharedStart(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The `count` allowed values nearest to `value` (case-insensitive edit distance, at most a
 * third of its length): nearest first, then the longest shared start ("t3.mediun" → the t
 * types before the m ones), then the model's order.
 */
export function closest(value: string, allowed: readonly string[], count: number): string[] {
  const v = value.toLowerCase();
  const limit = Math.max(2, Math.ceil(v.length / 3));
  return allowed
    .map((a, i) => ({ a, i, d: distance(v, a.toLowerCase()), s: sharedStart(v, a.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || y.s - x.s || x.i - y.i)
    .slice(0, count)
    .map((x) => x.a);
}

/** `taintKey in the EKS API model, botocore 1.44.8`. */
function cite(ref: string): string {
  const [service, name] = splitRef(ref);
  return `${name} in the ${serviceName(service)} API model, botocore ${BOTOCORE.botocore}`;
}

/** What is wrong with a scalar against a shape, as a clause, or undefined. */
function scalarProblem(value: unknown, ref: string, rule: ShapeRule): string | undefined {
  const shape = modelShape(ref);
  const [service, name] = splitRef(ref);
  const svc = serviceName(service);
  if (typeof value === "number") {
    if ((shape.type === "integer" || shape.type === "long") && !Number.isInteger(value)) return `is not a whole number; ${svc} takes one here (${cite(ref)})`;
    if (shape.min !== undefined && value < shape.min) return `is below ${shape.min}, the least ${svc} accepts (${cite(ref)})`;
    if (shape.max !== undefined && value > shape.max) return `is above ${shape.max}, the most ${svc} accepts (${cite(ref)})`;
    return undefined;
  }
  if (typeof value !== "string") return undefined;
  const n = chars(value);
  if (shape.enum && !shape.enum.includes(value)) {
    if (shape.enum.length <= 12) return `is not ${rule.what}: ${possessive(svc)} ${name} enumeration (botocore ${BOTOCORE.botocore}) allows ${shape.enum.map(quote).join(", ")}`;
    const near = closest(value, shape.enum, 3);
    return `is not ${rule.what}: ${possessive(svc)} ${name} enumeration (botocore ${BOTOCORE.botocore}) has ${shape.enum.length} values; ${near.length ? `the closest are ${near.map(quote).join(", ")}` : `e.g. ${(rule.examples ?? shape.enum.slice(0, 2)).map(quote).join(", ")}`}`;
  }
  if (shape.max !== undefined && n > shape.max) return `is ${n} characters; ${svc} allows at most ${shape.max} (${cite(ref)})`;
  if (shape.min !== undefined && n < shape.min) return `is ${n === 0 ? "empty" : `${n} characters`}; ${svc} needs at least ${shape.min} (${cite(ref)})`;
  if (shape.pattern && !compiledPattern(shape.pattern).test(value)) {
    return `does not fit ${possessive(svc)} ${name}: ${rule.allowed ?? `the pattern ${shape.pattern}`} (${cite(ref)}: ${shape.pattern})`;
  }
  return undefined;
}

interface Finding {
  readonly path: readonly (string | number)[];
  /** The clause after the quoted value. */
  readonly problem: string;
  /** The value (or map key) the problem is about; none for a list's or map's count. */
  readonly subject?: unknown;
}

/** The problems of one value against a shape (lists and maps: their count, then each entry), and then the documented rules. */
function findings(value: unknown, ref: string, rule: ShapeRule, path: readonly (string | number)[]): Finding[] {
  const shape = modelShape(ref);
  const [service] = splitRef(ref);
  const svc = serviceName(service);
  if (shape.type === "list" && Array.isArray(value)) {
    const out: Finding[] = [];
    if (shape.max !== undefined && value.length > shape.max) out.push({ path, problem: `lists ${value.length}; ${svc} accepts at most ${shape.max} (${cite(ref)})` });
    if (shape.min !== undefined && value.length < shape.min) out.push({ path, problem: `lists ${value.length}; ${svc} needs at least ${shape.min} (${cite(ref)})` });
    value.forEach((item, i) => out.push(...findings(item, `${service}.${shape.member}`, rule, [...path, i])));
    return out;
  }
  if (shape.type === "map" && value && typeof value === "object") {
    const out: Finding[] = [];
    const entries = Object.entries(value as Record<string, unknown>);
    if (shape.max !== undefined && entries.length > shape.max) out.push({ path, problem: `has ${entries.length} entries; ${svc} accepts at most ${shape.max} (${cite(ref)})` });
    for (const [k, v] of entries) {
      out.push(...findings(k, `${service}.${shape.key}`, { ...rule, what: `${rule.what} key` }, [...path, k]));
      out.push(...findings(v, `${service}.${shape.value}`, { ...rule, what: `${rule.what} value` }, [...path, k]));
    }
    return out;
  }
  const problem = scalarProblem(value, ref, rule) ?? (typeof value === "string" ? rule.also?.map((r) => r.check(value)).find((p) => p !== undefined) : undefined);
  return problem ? [{ path, problem, subject: value }] : [];
}

/** Every value a path pattern reaches in `root`, with its path and the containers on the way. */
export function valuesAt(root: unknown, pattern: string, keys = false): Array<{ value: unknown; at: Match }> {
  const steps = pattern.split(/\.|(?=\[\*\])/).filter(Boolean);
  let found: Array<{ value: unknown; at: Match }> = [{ value: root, at: { path: [], parents: [] } }];
  const step = (value: unknown, at: Match, key: string | number) => ({ value: (value as Record<string | number, unknown>)[key], at: { path: [...at.path, key], parents: [...at.parents, value] } });
  for (const s of steps) {
    found = found.flatMap(({ value, at }) => {
      if (s === "[*]") return Array.isArray(value) ? value.map((_v, i) => step(value, at, i)) : [];
      if (!value || typeof value !== "object" || Array.isArray(value)) return [];
      if (s === "*") return Object.keys(value).map((k) => step(value, at, k));
      return s in value ? [step(value, at, s)] : [];
    });
  }
  found = found.filter((f) => f.value !== undefined);
  if (!keys) return found;
  return found.flatMap(({ value, at }) => (value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value).map((k) => ({ value: k as unknown, at: { path: [...at.path, k], parents: [...at.parents, value] } })) : []));
}

export interface ShapeIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A value a rule checks: where it is in the config (or catalog), and what is sent (derived, where the rule derives it). */
export interface CheckedValue {
  readonly rule: ShapeRule;
  readonly value: unknown;
  readonly sent: unknown;
  readonly at: Match;
  /** The path is in the catalog, not the config. */
  readonly catalog: boolean;
}

/** Every value the table checks in a resolved config: the rules that apply, at every path they reach. */
export function checkedValues(c: ShapeCheckInput): CheckedValue[] {
  return AWS_SHAPE_RULES.flatMap((rule) => {
    const catalog = rule.field.startsWith("catalog:");
    return valuesAt(catalog ? c.workloads.app : c, catalog ? rule.field.slice("catalog:".length) : rule.field, rule.keys)
      .filter(({ at }) => !rule.when || rule.when(c, at))
      .map(({ value, at }) => ({ rule, value, at, catalog, sent: rule.derive && typeof value === "string" ? rule.derive(value, c, at) : value }));
  });
}

/** The refusals of a resolved config, each on the field to change. */
export function awsShapeIssues(c: ShapeCheckInput): ShapeIssue[] {
  const out: ShapeIssue[] = [];
  const seen = new Set<string>();
  for (const { rule, value, sent, at, catalog } of checkedValues(c)) {
    const derived = sent !== value;
    for (const f of findings(sent, rule.shape, rule, at.path)) {
      // A derived value is refused on the field it is built from.
      const what = derived
        ? `${quote(value)} makes ${rule.what} ${quote(sent)}, which ${f.problem}${rule.fix ? `; ${rule.fix}` : ""}`
        : f.subject === undefined
          ? f.problem
          : `${quote(f.subject)} ${f.problem}`;
      const issue = catalog ? { path: ["workloads", "catalog"], message: `${catalogLocation(c.workloads.origin, catalogPath(c, f.path))}: ${what}` } : { path: [...f.path], message: what };
      const key = `${issue.path.join(".")}\n${issue.message}`;
      if (!seen.has(key)) out.push(issue);
      seen.add(key);
    }
  }
  return out;
}

/** A catalog path with each service named instead of numbered, as catalog messages name them. */
function catalogPath(c: ShapeCheckInput, path: readonly (string | number)[]): (string | number)[] {
  return path.map((k, i) => (i === 1 && path[0] === "services" && typeof k === "number" ? (c.workloads.app.services[k]?.name ?? k) : k));
}

/** Adds the refusals to the config's issues (wired in config/schema/index.ts, after the apply checks). */
export function checkAwsShapes(c: ShapeCheckInput, ctx: z.RefinementCtx): void {
  for (const issue of awsShapeIssues(c)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}
