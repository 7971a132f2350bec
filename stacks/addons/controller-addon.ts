import type { ITerraformDependable } from "cdktf";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { ChartPin } from "../../charts/versions";
import { IrsaRole } from "../constructs/irsa-role";
import { skipCheck } from "../synth/checkov";
import type { AddonContext } from "./addon";
import { HelmAddon } from "./helm-addon";

/** A controller the platform installs with Helm: where it runs, as whom, from which chart. */
export interface ControllerAddonProps {
  /** Its namespace, service account and release (facts/controllers.ts). */
  readonly controller: { readonly namespace: string; readonly serviceAccount?: string; readonly releaseName: string };
  /**
   * Create its namespace, with these labels, under this construct ID. @default none: the
   * namespace exists already (kube-system)
   */
  readonly namespace?: { readonly id: string; readonly labels: Record<string, string> };
  /**
   * Its AWS identity: a role for its service account, named `roleName`, with exactly these
   * statements; `checkovSkips` say why a documented upstream policy keeps a wildcard.
   * @default none: the controller calls no AWS API, or its role comes from another stack
   */
  readonly identity?: {
    readonly roleName: string;
    readonly description: string;
    readonly statements: DataAwsIamPolicyDocumentStatement[];
    readonly checkovSkips?: readonly (readonly [checkId: string, reason: string])[];
  };
  readonly chart: ChartPin;
  /** Exact chart version (from config; defaults in charts/versions.ts). */
  readonly version: string;
  /** Values over charts/<chart>/values.yaml; `roleArn` is the identity's role, for the service account annotation. */
  readonly values: (identity: { readonly roleArn?: string }) => Record<string, unknown>;
  /**
   * Apply the chart's CRDs with Terraform (helm-addon.ts says why), rendering the chart with
   * these static values. @default CRDs left to Helm (the chart has none)
   */
  readonly crds?: { readonly renderValues?: Record<string, unknown> };
  /** Also wait for these (e.g. CRDs the chart's objects use). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

export interface InstalledController {
  readonly release: HelmAddon;
  readonly role?: IrsaRole;
  readonly namespace?: NamespaceV1;
}

/**
 * One controller add-on, the same way for every controller: its namespace, its identity,
 * its chart with its values and CRD policy, installed after its namespace, the extra
 * dependencies, the releases whose webhooks must be up, and its role's permissions (so it
 * never starts with a role that cannot yet do anything). Parts are created in the stack
 * under `<id>-role` and `<id>`, the addresses the state already holds.
 */
export function installController(ctx: AddonContext, id: string, props: ControllerAddonProps): InstalledController {
  const { stack, cluster } = ctx;
  const { namespace, serviceAccount, releaseName } = props.controller;
  const ns = props.namespace ? new NamespaceV1(stack, props.namespace.id, { metadata: { name: namespace, labels: props.namespace.labels } }) : undefined;
  let role: IrsaRole | undefined;
  if (props.identity) {
    if (!serviceAccount) throw new Error(`installController(${id}): an identity needs the controller's service account`);
    role = new IrsaRole(stack, `${id}-role`, {
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      namespace,
      serviceAccount,
      roleName: props.identity.roleName,
      description: props.identity.description,
      statements: props.identity.statements,
    });
    const permissions = role.permissions;
    if (permissions) for (const [check, reason] of props.identity.checkovSkips ?? []) skipCheck(permissions, check, reason);
  }
  const release = new HelmAddon(stack, id, {
    chart: props.chart,
    version: props.version,
    ...ctx.helm,
    releaseName,
    namespace,
    manageCrds: props.crds !== undefined ? true : undefined,
    ...(props.crds?.renderValues ? { crdRenderValues: props.crds.renderValues } : {}),
    values: props.values({ roleArn: role?.role.arn }),
    dependsOn: [...(ns ? [ns] : []), ...(props.dependsOn ?? []), ...ctx.after.map((a) => a.release), ...(role?.permissionsInPlace() ?? [])],
  });
  return { release, role, namespace: ns };
}

/** The service-account values every chart here takes: created by the chart, with the identity's role. */
export function serviceAccountValues(name: string, roleArn: string | undefined): Record<string, unknown> {
  return { serviceAccount: { create: true, name, annotations: { "eks.amazonaws.com/role-arn": roleArn } } };
}
