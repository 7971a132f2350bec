import { defineConfig } from "../define";

// A production-shaped example: three zones, a NAT gateway per zone, private endpoints
// for image pulls and AWS APIs, and team state in S3 (create the bucket with the
// bootstrap stack first; see the README).
export default defineConfig({
  platform: { name: "eksmesh", environment: "prod", region: "us-east-1", tags: { owner: "platform-team" } },
  state: {
    backend: "s3",
    bucket: "eksmesh-terraform-state",
    keyPrefix: "eks-mesh-platform",
    // Replace with the bootstrap stack's `state_kms_key_arn` output for your account.
    kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:alias/eksmesh-terraform-state",
  },
  network: {
    cidr: "10.20.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    natGateways: "per-az",
    vpcEndpoints: { s3: true, ecr: true, sts: true, logs: true },
  },
  // AWS App Mesh stopped operating on 2026-09-30; VPC Lattice is deployable today (docs/mesh.md).
  // TLS between services is on by default with it (mesh.tls.mode "strict": HTTPS listeners, no extra cost).
  mesh: { implementation: "vpc-lattice" },
  // HTTPS at the public edge: the platform requests an ACM certificate for the domain,
  // validates it by DNS in this Route 53 zone, and points the domain at the ALB.
  // Replace both with your own domain and public hosted zone.
  edge: {
    domainName: "shop.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    waf: { enabled: true },
  },
});
