import { defineConfig } from "../define";

// The embedded default: small, single NAT, local state. Every omitted field takes the
// schema's default (see docs/reference/configuration.md).
export default defineConfig({
  // Nothing here is kept or serves real users: the one environment allowed plain HTTP.
  platform: { name: "eksmesh", environment: "dev", region: "us-east-1", throwaway: true },
  state: { backend: "local" },
  // Pinned zones keep subnets where they are even when AWS adds a zone to the region.
  network: { availabilityZones: ["us-east-1a", "us-east-1b"] },
  // INSECURE: the public frontend is served over plain HTTP, because a throwaway dev
  // environment has no domain. Every synth warns about it. Give it a domain instead:
  //   edge: { domainName: "dev.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
  edge: { insecurePlainHttpForThrowawayEnvironment: true },
});
