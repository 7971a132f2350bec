import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { chartVersion } from "../../ops/kubernetes/objects";
import { CHARTS, DEFAULT_KUBERNETES_VERSION, GATEWAY_API } from "../../ops/kubernetes/project";
import { chartDirs, factsDir, pins } from "../../ops/kubernetes/sources";

const provenance = (set: "appmesh-controller-1.13.3" | "aws-gateway-controller-v2.1.3") => JSON.parse(fs.readFileSync(path.join(factsDir(set), "provenance.json"), "utf8"));

describe("what the Kubernetes checks validate against is what the stacks install", () => {
  it("the API server is the minor of the default cluster.kubernetesVersion", () => {
    expect(pins.kubeApiserver.version).toMatch(new RegExp(`^v${DEFAULT_KUBERNETES_VERSION.replace(".", "\\.")}\\.\\d+$`));
  });

  it("the pinned modules and facts hold the chart and CRD versions of facts/charts.ts", () => {
    expect(pins.sources["gateway-api"].version).toBe(GATEWAY_API.version);
    expect(pins.sources.karpenter.chart.version).toBe(CHARTS.karpenter.version);
    expect(chartVersion(chartDirs().karpenter!)).toBe(CHARTS.karpenter.version);
    expect(chartVersion(chartDirs()["metrics-server"]!)).toBe(CHARTS.metricsServer.version);
    expect(pins.sources["vertical-pod-autoscaler"].forChart.version).toBe(CHARTS.verticalPodAutoscaler.version);
    expect(pins.sources["vertical-pod-autoscaler"].version).toBe(`v${CHARTS.verticalPodAutoscaler.appVersion}`);
    expect(provenance("appmesh-controller-1.13.3").chart).toEqual({ name: CHARTS.appmeshController.chart, version: CHARTS.appmeshController.version });
    expect(provenance("aws-gateway-controller-v2.1.3").chart).toEqual({ name: CHARTS.gatewayController.chart, version: CHARTS.gatewayController.version });
  });
});
