import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";

export interface EksManagedAddonProps {
  /** The cluster's name (a reference to the cluster resource, so the add-on waits for it). */
  readonly clusterName: string;
  /** Pinned build, e.g. "v1.35.3-eksbuild.2" (config; defaults in facts/eks.ts). */
  readonly version: string;
  /** The role its service account uses (IRSA). @default the node role */
  readonly serviceAccountRoleArn?: string;
  /** The add-on's own configuration, as its schema (`describe-addon-configuration`) takes it. @default none */
  readonly configurationValues?: string;
  /** Installed after these (nodes for DaemonSets and Deployments, the role's policies). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One EKS-managed add-on (AWS installs and patches it; the platform pins its build): the
 * cluster stack's shape for vpc-cni, kube-proxy, CoreDNS and the CloudWatch observability
 * agent, while the add-ons the platform installs with Helm are stacks/addons/. It overwrites
 * what is there on create and on update, so a field someone changed by hand never blocks an
 * upgrade. Address: `aws_eks_addon.addon-<name>`.
 */
export function eksManagedAddon(scope: Construct, name: string, props: EksManagedAddonProps): EksAddon {
  return new EksAddon(scope, `addon-${name}`, {
    clusterName: props.clusterName,
    addonName: name,
    addonVersion: props.version,
    ...(props.serviceAccountRoleArn !== undefined ? { serviceAccountRoleArn: props.serviceAccountRoleArn } : {}),
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
    ...(props.configurationValues !== undefined ? { configurationValues: props.configurationValues } : {}),
    ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
  });
}
