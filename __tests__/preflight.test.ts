import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load";
import { EKS_VERSIONS } from "../facts/eks-versions";
import { refusal, withDev } from "./support/config";

describe("an upgrade is one config change", () => {
  it("moves every unpinned add-on build with kubernetesVersion", () => {
    const at34 = parseConfig(withDev({ cluster: { kubernetesVersion: "1.34" } }));
    const at35 = parseConfig(withDev({ cluster: { kubernetesVersion: "1.35" } }));
    expect(at34.cluster.addons["kube-proxy"].version).toBe(EKS_VERSIONS["1.34"].addons["kube-proxy"]);
    expect(at35.cluster.addons["kube-proxy"].version).toBe(EKS_VERSIONS["1.35"].addons["kube-proxy"]);
    expect(at34.cluster.addons.coredns.version).toBe(EKS_VERSIONS["1.34"].addons.coredns);
    // Only the version-bound fields differ between the two resolved configs.
    const strip = (c: typeof at34) => ({ ...c, cluster: { ...c.cluster, kubernetesVersion: "", addons: {} } });
    expect(strip(at34)).toEqual(strip(at35));
  });

  it("keeps a pinned build", () => {
    const c = parseConfig(withDev({ cluster: { kubernetesVersion: "1.34", addons: { coredns: { version: "v1.12.4-eksbuild.1" } } } }));
    expect(c.cluster.addons.coredns.version).toBe("v1.12.4-eksbuild.1");
  });

  it("covers every minor EKS still offers, with the Pod Identity agent", () => {
    for (const minor of ["1.32", "1.33", "1.34", "1.35"]) {
      expect(EKS_VERSIONS[minor].addons["eks-pod-identity-agent"]).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      expect(EKS_VERSIONS[minor].addons["kube-proxy"].startsWith(`v${minor}.`)).toBe(true);
    }
  });
});

describe("preflight: add-on builds exist for the target", () => {
  it("refuses a minor with no row in the table, naming the fix", () => {
    expect(refusal(withDev({ cluster: { kubernetesVersion: "1.36" } }))).toContain(
      'cluster.kubernetesVersion: "1.36" has no add-on builds in facts/eks-versions.ts (it lists 1.32, 1.33, 1.34, 1.35); add its row from aws eks describe-addon-versions --kubernetes-version 1.36, or pin cluster.addons.vpc-cni, kube-proxy, coredns.version',
    );
  });

  it("accepts the shipped dev environment", () => {
    expect(() => parseConfig(withDev())).not.toThrow();
  });
});
