import { defineConfig } from "../../../config/define";
import dev from "../../../config/environments/dev";

// dev with Karpenter (issue 18), for `npm run test:terraform` only: the shipped environments
// leave it off, and this is what puts its interruption queue, EventBridge rules, node and
// controller roles and the network's discovery tags through Terraform and the local AWS.
export default defineConfig({
  ...dev,
  platform: { ...dev.platform, environment: "karpenter" },
  cluster: { ...dev.cluster, autoscaling: "karpenter" },
});
