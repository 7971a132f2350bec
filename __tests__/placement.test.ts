import { describe, expect, it } from "vitest";
import { decideAutoPlacements } from "../config/placement";
import { synthPlatform, withDev } from "./support/synth";

/**
 * The stacks follow the cost optimizer: every `auto` service is placed where
 * decideAutoPlacements puts it, its pods carry that placement, and the cluster's Fargate
 * profiles cover exactly the namespaces of Fargate-placed services.
 */
describe("cost-aware placement reaches the stacks", () => {
  const s = synthPlatform(withDev({ workloads: { catalog: "yelb" } }));
  const app = s.config.workloads.app;
  const decided = decideAutoPlacements(s.config);

  it("decides every auto service of the catalog", () => {
    const auto = app.services.filter((x) => x.requestedPlacement === "auto").map((x) => x.name).sort();
    expect(auto.length).toBeGreaterThan(0);
    expect(Object.keys(decided).sort()).toEqual(auto);
    // Yelb's small pods pack onto the node group the cluster pays for anyway.
    expect(decided["yelb-appserver"]).toBe("ec2");
  });

  it("renders each service's pods for the decided placement", () => {
    const deployments = s.resources("workloads", "kubernetes_deployment_v1");
    for (const service of app.services) {
      const placement = decided[service.name] ?? service.placement;
      const ids = Object.keys(deployments).filter((id) => deployments[id].metadata.labels?.app === service.name);
      expect(ids.length, service.name).toBeGreaterThan(0);
      for (const id of ids) {
        const pod = deployments[id].spec.template;
        expect(pod.metadata.labels["eks-mesh-platform/compute"], id).toBe(placement);
        if (placement === "ec2") expect(pod.spec.node_selector, id).toMatchObject({ "eks-mesh-platform/compute": "ec2" });
        else expect(pod.spec.node_selector ?? {}, id).not.toHaveProperty("eks-mesh-platform/compute");
      }
    }
  });

  it("creates Fargate profiles for exactly the namespaces of Fargate-placed services", () => {
    const fargateNamespaces = new Set(app.services.filter((x) => (decided[x.name] ?? x.placement) === "fargate").map((x) => x.namespace));
    const profiles = s.resources("cluster", "aws_eks_fargate_profile");
    const selected = new Set(Object.values(profiles).flatMap((p) => (p.selector as { namespace: string }[]).map((x) => x.namespace)));
    expect([...selected].sort()).toEqual([...fargateNamespaces].sort());
  });
});
