import { defineConfig } from "../define";

// The reference catalog on Amazon ECS instead of EKS (issue 19): the network stack, then
// ecs-cluster and ecs-services (see docs/ecs.md). Small, single
// NAT (the EC2 capacity provider's instances register with ECS through it), local state.
export default defineConfig({
  platform: { name: "eksmesh", environment: "ecs", region: "us-east-1", orchestrator: "ecs", throwaway: true },
  state: { backend: "local" },
  // Pinned zones keep subnets where they are even when AWS adds a zone to the region.
  network: { availabilityZones: ["us-east-1a", "us-east-1b"] },
  // Fargate first, Spot for most of the tasks beyond the base: a small environment's bill.
  ecs: {
    capacityProviderStrategy: [
      { capacityProvider: "FARGATE", weight: 1, base: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ],
  },
  // INSECURE: the public frontend is served over plain HTTP, because a throwaway environment
  // has no domain. Every synth warns about it. Give it a domain instead:
  //   edge: { domainName: "ecs.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
  edge: { insecurePlainHttpForThrowawayEnvironment: true },
});
