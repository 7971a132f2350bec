import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { type ITerraformDependable, TerraformIterator, Token } from "cdktf";
import { DataHelmTemplate } from "@cdktf/provider-helm/lib/data-helm-template";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { parse, stringify } from "yaml";
import { CHARTS_DIR } from "../../facts/paths";
import type { ChartPin } from "../../facts/charts";
import { COMPUTE_LABEL } from "../../config/schema/cluster";


/** Field manager Terraform applies CRDs with (server-side apply). */
export const CRD_FIELD_MANAGER = "eks-mesh-platform";

export interface HelmAddonOptions {
  /** Exact chart version to install (from config; defaults in charts/versions.ts). */
  readonly version: string;
  /** Seconds Helm waits for the release to become ready. */
  readonly timeoutSeconds: number;
  /** Release revisions Helm keeps. */
  readonly maxHistory: number;
}

export interface HelmAddonProps extends HelmAddonOptions {
  /** Repository, chart name and values folder (charts/versions.ts). */
  readonly chart: ChartPin;
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace to install into; it must exist (this construct never creates namespaces). */
  readonly namespace: string;
  /**
   * Values computed at synth (region, cluster name, IRSA annotation, config switches),
   * deep-merged over charts/<valuesDir>/values.yaml; these win.
   */
  readonly values: Record<string, unknown>;
  /**
   * Apply the chart's CRDs with Terraform and tell Helm to skip them. Helm installs a
   * chart's crds/ once and never upgrades them (aws-controllers-k8s community #1419,
   * app-mesh-controller #416). @default false
   */
  readonly manageCrds?: boolean;
  /**
   * Static values the chart needs merely to render (e.g. a `required` clusterName) when its
   * CRDs are read. They must be known at plan: the CRD set keys `for_each`. @default {}
   */
  readonly crdRenderValues?: Record<string, unknown>;
  /** Installed before this release (namespaces, other releases whose webhooks must be up). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One pinned Helm chart as a `helm_release`: values from the chart's values file under
 * charts/ merged with computed values, passed as one YAML document; atomic installs that
 * roll back and clean up on failure; and, when the chart ships CRDs, those CRDs applied by
 * Terraform from the same chart package at the same version, so a chart upgrade upgrades
 * them in the same plan.
 */
export class HelmAddon extends Construct {
  readonly release: Release;
  /** The chart's CRDs, one `kubernetes_manifest` instance per CRD name (when managed). */
  readonly crds?: Manifest;
  /** The merged values, as passed to Helm (tokens still unresolved). */
  readonly valuesYaml: string;

  constructor(scope: Construct, id: string, props: HelmAddonProps) {
    super(scope, id);
    const fromFile = readValuesFile(props.chart.valuesDir);
    // Platform add-ons run on the managed EC2 nodes: they are up before any Fargate pod and
    // their webhooks start fast there. Set here from the label the cluster stack puts on nodes.
    const onEc2Nodes = { nodeSelector: { [COMPUTE_LABEL]: "ec2" } };
    this.valuesYaml = toYaml(deepMerge(deepMerge(onEc2Nodes, fromFile), props.values));

    const dependsOn: ITerraformDependable[] = [...(props.dependsOn ?? [])];
    if (props.manageCrds) {
      this.crds = this.manageCrds(id, props);
      dependsOn.push(this.crds);
    }

    this.release = new Release(this, "release", {
      name: props.releaseName,
      namespace: props.namespace,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.version,
      values: [this.valuesYaml],
      // The namespace is a Terraform resource with labels; Helm must not create a bare one.
      createNamespace: false,
      skipCrds: props.manageCrds ?? false,
      // A failed install or upgrade rolls back and deletes what it created, so the next
      // apply starts clean instead of from a release stuck in "pending-upgrade".
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: props.timeoutSeconds,
      maxHistory: props.maxHistory,
      dependencyUpdate: false,
      dependsOn,
    });
    this.release.overrideLogicalId(id);
  }

  /**
   * Renders the pinned chart client-side (`data "helm_template"`, nothing installed) to get
   * its crds/ files, splits them into documents with the Kubernetes provider's
   * `manifest_decode_multi` function, and server-side-applies each CRD by name. `status`
   * and null metadata (`creationTimestamp: null`) are dropped: the API server owns them and
   * `kubernetes_manifest` refuses `status`. force_conflicts takes ownership of CRDs an
   * earlier `helm install` created.
   */
  private manageCrds(id: string, props: HelmAddonProps): Manifest {
    const template = new DataHelmTemplate(this, "chart", {
      name: props.releaseName,
      namespace: props.namespace,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.version,
      includeCrds: true,
      skipTests: true,
      values: [toYaml(props.crdRenderValues ?? {})],
    });
    template.overrideLogicalId(`${id}-chart`);

    const documents = `flatten([for file in ${template.fqn}.crds : provider::kubernetes::manifest_decode_multi(file)])`;
    const byName =
      `\${{ for doc in ${documents} : doc.metadata.name => merge(` +
      `{ for key, value in doc : key => value if key != "status" }, ` +
      `{ metadata = { for key, value in doc.metadata : key => value if value != null } }) }}`;
    const each = TerraformIterator.fromMap(Token.asAnyMap(byName));
    const crds = new Manifest(this, "crds", {
      forEach: each,
      manifest: each.value,
      fieldManager: { name: CRD_FIELD_MANAGER, forceConflicts: true },
    });
    crds.overrideLogicalId(`${id}-crds`);
    return crds;
  }
}

function readValuesFile(dir: string): Record<string, unknown> {
  const file = path.join(CHARTS_DIR, dir, "values.yaml");
  const parsed: unknown = parse(fs.readFileSync(file, "utf8"));
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`charts/${dir}/values.yaml must be a YAML mapping`);
  return parsed as Record<string, unknown>;
}

/**
 * YAML for Helm. Strings are double-quoted and never folded: values carry Terraform
 * references (a role ARN, the cluster name) that become text only at plan time, and a
 * quoted scalar stays a string whatever they turn out to be.
 */
export function toYaml(values: Record<string, unknown>): string {
  return stringify(values, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 });
}

/** Deep merge of plain objects; `over` wins, arrays are replaced, not concatenated. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isPlainObject(value) && isPlainObject(prior) ? deepMerge(prior, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
