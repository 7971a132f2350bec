/**
 * What the local AWS (moto's server mode, the version pinned in requirements-dev.txt)
 * cannot do, in one place. The harness reads only this file to decide what to leave out of
 * an apply and which second-plan differences are moto's rather than the stacks'.
 *
 * Adding a stack with a resource moto lacks: add its type here with the reason (the moto
 * API that is missing). A second-plan difference goes here only once it is shown to come
 * from moto (what moto returns that AWS does not); anything else is a bug to fix in the stack.
 */

/** Resource types the harness leaves out of an apply, with the reason. */
export const MOTO_UNSUPPORTED: Readonly<Record<string, string>> = {
  aws_eks_addon:
    "moto's EKS implements clusters, node groups, Fargate profiles and tags only: no CreateAddon/DescribeAddon",
  aws_eks_access_entry: "moto's EKS has no access-entry API (CreateAccessEntry)",
  aws_eks_access_policy_association: "moto's EKS has no access-entry API (AssociateAccessPolicy)",
};

/** A second-plan difference shown to come from moto, not from the stack. */
export interface MotoDrift {
  /** Resource type whose second plan differs. */
  readonly type: string;
  /** Attribute path (prefix) that differs, as the harness prints it: `tags`, `access_config[0]`. */
  readonly attribute: string;
  /** What moto returns that AWS does not, and how that makes the plan differ. */
  readonly reason: string;
}

export const MOTO_DRIFT: readonly MotoDrift[] = [];
