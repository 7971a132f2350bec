import { CONTAINER_INSIGHTS_LOG_KINDS } from "./observability";

/** What names are built from: the platform section of the config. */
export interface NamingInput {
  /** `platform.name`, the prefix of every AWS name. */
  readonly name: string;
  /** `platform.environment`. */
  readonly environment: string;
  /** `platform.tags`, after the platform's own. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Every AWS name and tag the platform creates comes from here, so a rename is one edit
 * and no two stacks can disagree on what a thing is called.
 */
export class Naming {
  constructor(private readonly platform: NamingInput) {}

  /** `<name>-<environment>`, e.g. "eksmesh-dev". Also the EKS cluster name. */
  get prefix(): string {
    return `${this.platform.name}-${this.platform.environment}`;
  }

  /** `<prefix>-<purpose>`, e.g. "eksmesh-dev-flow-logs". */
  name(purpose: string): string {
    return `${this.prefix}-${purpose}`;
  }

  /** A name for an object AWS limits to `max` characters; a longer one stops synth rather than being cut. */
  bounded(purpose: string, max: number): string {
    const full = this.name(purpose);
    if (full.length > max) {
      throw new Error(`derived name "${full}" is longer than ${max} characters; shorten platform.name or platform.environment`);
    }
    return full;
  }

  /** KMS alias name for a key of the given purpose. */
  kmsAlias(purpose: string): string {
    return `alias/${this.name(purpose)}`;
  }

  /** CloudWatch log group path for the given purpose. */
  logGroup(purpose: string): string {
    return `/${this.platform.name}/${this.platform.environment}/${purpose}`;
  }

  /**
   * Log group for logs an AWS service delivers (vended logs, e.g. VPC Lattice access logs):
   * under /aws/vendedlogs/, which CloudWatch Logs' delivery resource policy covers with one
   * wildcard instead of growing a statement per group.
   */
  vendedLogGroup(purpose: string): string {
    return `/aws/vendedlogs/${this.platform.name}/${this.platform.environment}/${purpose}`;
  }

  /** Log group of an AWS WAF web ACL: WAF logs only to groups whose name starts with "aws-waf-logs-". */
  wafLogGroup(purpose: string): string {
    return `aws-waf-logs-${this.name(purpose)}`;
  }

  /** Tags every resource of a stack carries: platform's, then the user's, then the stack's. */
  tags(stack: string): Record<string, string> {
    return {
      "eks-mesh-platform/project": this.platform.name,
      "eks-mesh-platform/environment": this.platform.environment,
      "eks-mesh-platform/managed-by": "cdktf",
      ...this.platform.tags,
      "eks-mesh-platform/stack": stack,
    };
  }
}

// ---------------------------------------------------------------------------------------
// Names several stacks must agree on, derived here once: the log groups the cluster stack
// creates are the ones the mesh stack's Fluent Bit configuration writes to; the alarms'
// dimensions are the names the cluster, workloads and Load Balancer Controller give the
// things they watch; Karpenter's discovery tag is set by two stacks and read by a third.
// ---------------------------------------------------------------------------------------

/** Log group of one Fargate namespace: `/<name>/<environment>/fargate/<namespace>`. */
export function fargateLogGroup(naming: Naming, namespace: string): string {
  return naming.logGroup(`fargate/${namespace}`);
}

/** Container Insights log groups (`/aws/containerinsights/<cluster>/<kind>`), fixed by the add-on. */
export function containerInsightsLogGroup(clusterName: string, kind: (typeof CONTAINER_INSIGHTS_LOG_KINDS)[number]): string {
  return `/aws/containerinsights/${clusterName}/${kind}`;
}

/** DynamoDB table name of a catalog table (the workloads stack names its tables with this). */
export function workloadTableName(naming: Naming, table: string): string {
  return naming.name(table);
}

/** The IngressGroup every public service joins: one ALB (the workloads stack uses this). */
export function publicIngressGroup(naming: Naming): string {
  return naming.bounded("public", 63);
}

/** Deployment of one service version (Microservice names them `<service>-<version>`); Container Insights' PodName. */
export function deploymentName(service: { readonly name: string }, version: string): string {
  return `${service.name}-${version}`;
}

/**
 * The AWS Load Balancer Controller's resource tag on a service's target group:
 * `<namespace>/<ingress>-<service>:<port>` (its ingress model builder's target-group
 * resource ID). The Ingress and its backend Service are both named after the service.
 */
export function targetGroupResourceTag(service: { readonly name: string; readonly namespace: string; readonly port: number }): string {
  return `${service.namespace}/${service.name}-${service.name}:${service.port}`;
}

/** Alarm name: `<prefix>-<service>-<what>`. */
export function alarmName(naming: Naming, service: string, what: string): string {
  return naming.name(`${service}-${what}`);
}

/** Tag key Karpenter's getting-started guide uses for subnet and security-group discovery. */
export const KARPENTER_DISCOVERY_TAG_KEY = "karpenter.sh/discovery";

/** `{ "karpenter.sh/discovery": <cluster name> }`: on the private subnets and the node security group. */
export function karpenterDiscoveryTags(naming: Naming): Record<string, string> {
  return { [KARPENTER_DISCOVERY_TAG_KEY]: naming.prefix };
}

/** The EC2NodeClass selector terms that find what karpenterDiscoveryTags() tagged. */
export function karpenterDiscoverySelector(naming: Naming): { tags: Record<string, string> }[] {
  return [{ tags: karpenterDiscoveryTags(naming) }];
}

/** Name prefix reserved for the Fargate profiles generated from the catalog (`workloads-<n>`). */
export const GENERATED_PROFILE_PREFIX = "workloads-";

/**
 * ECS names: the EC2 capacity (ecs-cluster stack), the public load balancer and each
 * service's security group, roles and log group (ecs-services stack). A service named so
 * that its name is one of the first two would collide with them.
 */
export const ECS_CAPACITY_PURPOSE = "ecs-ec2";
export const ECS_PUBLIC_ALB_PURPOSE = "ecs-public";
export function ecsServicePurpose(service: string): string {
  return `ecs-${service}`;
}
