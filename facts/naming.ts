import type { PlatformSettings } from "../config/schema/platform";

/** The platform stacks (EKS), in deploy order. Stack names are what `cdktf deploy <stack>` takes. */
export const STACK_ORDER = ["network", "cluster", "mesh", "workloads", "observability"] as const;
/** The stacks with `platform.orchestrator: "ecs"`: the same network, then ECS in place of cluster, mesh and workloads. */
export const ECS_STACK_ORDER = ["network", "ecs-cluster", "ecs-services"] as const;
export type StackName = (typeof STACK_ORDER)[number] | (typeof ECS_STACK_ORDER)[number];

/**
 * Every AWS name and tag the platform creates comes from here, so a rename is one edit
 * and no two stacks can disagree on what a thing is called.
 */
export class Naming {
  constructor(private readonly platform: Omit<PlatformSettings, "orchestrator">) {}

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
