import { defineConfig, dev } from "../project";

// dev with the managed Prometheus scraper: the scrape annotations and the in-cluster RBAC the scraper needs.
// For npm run test:kubernetes only (docs/kubernetes-checks.md: the configurations it checks).
export default defineConfig({
  ...dev,
  platform: { ...dev.platform, environment: "prometheus" },
  observability: { ...dev.observability, metrics: { prometheus: { enabled: true } } },
});
