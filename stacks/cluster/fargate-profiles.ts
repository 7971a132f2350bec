import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import type { FargateProfile } from "../../config/schema/cluster";

export interface FargateProfilesProps {
  readonly clusterName: string;
  readonly podExecutionRoleArn: string;
  /** Private subnets only: Fargate pods never get a public IP and EKS rejects public subnets here. */
  readonly subnetIds: string[];
  /** Profiles by name, as resolved in the config (the user's plus any generated ones). */
  readonly profiles: Record<string, FargateProfile>;
  /** What the first profile waits for (e.g. the pod execution role's policy attachment). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One `aws_eks_fargate_profile` per configured profile, addressed
 * `aws_eks_fargate_profile.fargate-profile-<name>`.
 *
 * EKS creates and deletes one Fargate profile at a time per cluster (a second call fails
 * with ResourceInUseException), so the profiles are chained with depends_on in name order:
 * Terraform then creates them one after another and deletes them in reverse. Name order is
 * stable, so adding a profile only changes its neighbour's depends_on, never an address.
 *
 * Profiles are immutable: changing a profile's selectors (or subnets or role) replaces it.
 */
export class FargateProfiles extends Construct {
  /** The profiles in creation order. */
  readonly profiles: EksFargateProfile[] = [];

  constructor(scope: Construct, id: string, props: FargateProfilesProps) {
    super(scope, id);
    let previous: ITerraformDependable[] = props.dependsOn ?? [];
    for (const name of Object.keys(props.profiles).sort()) {
      const profile = new EksFargateProfile(this, name, {
        clusterName: props.clusterName,
        fargateProfileName: name,
        podExecutionRoleArn: props.podExecutionRoleArn,
        subnetIds: props.subnetIds,
        selector: props.profiles[name].selectors.map((s) => ({
          namespace: s.namespace,
          labels: s.labels && Object.keys(s.labels).length > 0 ? s.labels : undefined,
        })),
        tags: { Name: name },
        dependsOn: previous,
      });
      profile.overrideLogicalId(`fargate-profile-${name}`);
      this.profiles.push(profile);
      previous = [profile];
    }
  }
}
