import { defineConfig, dev } from "../project";

// dev with Karpenter (NodePools, EC2NodeClasses, its chart) and the VPA recommender (VerticalPodAutoscalers, Fairwinds' chart).
// For npm run test:kubernetes only (docs/kubernetes-checks.md: the configurations it checks).
export default defineConfig({
  ...dev,
  platform: { ...dev.platform, environment: "karp-vpa" },
  cluster: { ...dev.cluster, autoscaling: "karpenter", verticalPodAutoscaler: true },
});
