import { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";

export interface IrsaRoleProps {
  /** ARN of the cluster's IAM OIDC provider (cluster stack output `oidc_provider_arn`). */
  readonly oidcProviderArn: string;
  /** Issuer URL of the cluster (`https://oidc.eks...`; output `oidc_issuer_url`). */
  readonly oidcIssuerUrl: string;
  /** The one namespace whose service account may assume the role. */
  readonly namespace: string;
  /** The one service account that may assume the role. */
  readonly serviceAccount: string;
  /** IAM role name (use Naming so it is unique per platform and environment). */
  readonly roleName: string;
  /** Inline permissions, least privilege. @default none */
  readonly statements?: DataAwsIamPolicyDocumentStatement[];
  /** AWS-managed or customer policies to attach. @default none */
  readonly managedPolicyArns?: string[];
  /** @default "IRSA role for <namespace>/<serviceAccount>" */
  readonly description?: string;
}

/**
 * An IAM role for exactly one Kubernetes service account (IRSA). Pods on Fargate cannot
 * use EKS Pod Identity, so IRSA is the mechanism for every workload here. The trust
 * policy pins the audience to STS and the subject to `system:serviceaccount:<ns>:<sa>`
 * with StringEquals, never a wildcard.
 */
export class IrsaRole extends Construct {
  readonly role: IamRole;
  /** The inline permissions document (when `statements` were given): checks are skipped on it with a reason. */
  readonly permissions?: DataAwsIamPolicyDocument;
  /** The inline policy that carries them. */
  private readonly inlinePolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const issuer = Fn.replace(props.oidcIssuerUrl, "https://", "");
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [props.oidcProviderArn] }],
          condition: [
            { test: "StringEquals", variable: `${issuer}:sub`, values: [`system:serviceaccount:${props.namespace}:${props.serviceAccount}`] },
            { test: "StringEquals", variable: `${issuer}:aud`, values: ["sts.amazonaws.com"] },
          ],
        },
      ],
    });
    trust.overrideLogicalId(`${id}-trust`);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description ?? `IRSA role for ${props.namespace}/${props.serviceAccount}`,
      assumeRolePolicy: trust.json,
    });
    this.role.overrideLogicalId(id);

    if (props.statements?.length) {
      this.permissions = new DataAwsIamPolicyDocument(this, "permissions", { statement: props.statements });
      this.permissions.overrideLogicalId(`${id}-permissions`);
      this.inlinePolicy = new IamRolePolicy(this, "policy", { name: "permissions", role: this.role.id, policy: this.permissions.json });
      this.inlinePolicy.overrideLogicalId(`${id}-permissions`);
    }
    (props.managedPolicyArns ?? []).forEach((arn, i) => {
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn }).overrideLogicalId(`${id}-managed-${i}`);
    });
  }

  /**
   * What a workload using the role must wait for: its inline policy, so a controller never
   * starts with a role that cannot yet do anything (its first calls would fail with
   * AccessDenied and back off).
   */
  permissionsInPlace(): ITerraformDependable[] {
    return this.inlinePolicy ? [this.inlinePolicy] : [];
  }
}
