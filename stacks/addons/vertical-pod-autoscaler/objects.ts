import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { ResolvedService } from "../../../apps/catalog";

/**
 * A VerticalPodAutoscaler (autoscaling.k8s.io/v1) per Deployment of a service, in
 * recommendation mode: updateMode "Off", so nothing is evicted or rewritten (Fargate pods
 * are sized once at creation, and HorizontalPodAutoscalers scale these Deployments on CPU
 * utilization, which moving requests would skew). Only the application container gets a
 * recommendation; the injected Envoy sidecar is the mesh's to size. Read them with
 * `kubectl describe vpa -n <namespace>` and write the target into the catalog.
 */
export function verticalPodAutoscalerManifest(service: Pick<ResolvedService, "name" | "namespace">, version: string): Record<string, unknown> {
  const deployment = `${service.name}-${version}`;
  return {
    apiVersion: "autoscaling.k8s.io/v1",
    kind: "VerticalPodAutoscaler",
    metadata: { name: deployment, namespace: service.namespace, labels: { app: service.name, version, "app.kubernetes.io/managed-by": "terraform" } },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment },
      updatePolicy: { updateMode: "Off" },
      resourcePolicy: {
        containerPolicies: [
          { containerName: service.name, mode: "Auto", controlledResources: ["cpu", "memory"] },
          { containerName: "*", mode: "Off" },
        ],
      },
    },
  };
}

export interface VerticalPodAutoscalersProps {
  readonly services: readonly ResolvedService[];
  /** Namespaces must exist first. */
  readonly dependsOn: ITerraformDependable[];
}

/** Addresses: `kubernetes_manifest.<service>-vpa-<version>`. */
export class VerticalPodAutoscalers extends Construct {
  constructor(scope: Construct, id: string, props: VerticalPodAutoscalersProps) {
    super(scope, id);
    for (const s of props.services) {
      for (const v of s.versions) {
        new Manifest(this, `${s.name}-${v.name}`, { manifest: verticalPodAutoscalerManifest(s, v.name), dependsOn: props.dependsOn }).overrideLogicalId(`${s.name}-vpa-${v.name}`);
      }
    }
  }
}
