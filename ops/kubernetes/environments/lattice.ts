import { defineConfig, dev } from "../project";

// dev with VPC Lattice through the AWS Gateway API Controller: Gateway, routes, IAM auth policies, the controller's chart.
// For npm run test:kubernetes only (docs/kubernetes-checks.md: the configurations it checks).
export default defineConfig({
  ...dev,
  platform: { ...dev.platform, environment: "lattice" },
  mesh: { ...dev.mesh, implementation: "vpc-lattice" },
});
