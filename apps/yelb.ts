import type { CatalogInput } from "./catalog/types";

/**
 * Yelb, the App Mesh on EKS walkthrough (shared/seeds/003; aws-app-mesh-examples
 * walkthroughs/eks-getting-started): yelb-ui (public), yelb-appserver with a v2 taking
 * half the traffic, redis-server and yelb-db, all in namespace yelb. The appserver route
 * keeps the walkthrough's retry policy (appmesh-virtual-router-appserver-v1-v2.yaml):
 * 2 retries, 2000 ms per try, on server-error, client-error and gateway-error.
 * As in the walkthrough, redis and postgres use ephemeral storage: a demo, not a database.
 */
export const yelbCatalog: CatalogInput = {
  name: "yelb",
  description: "Yelb voting app with a 50/50 canary of yelb-appserver (seed 003)",
  services: [
    {
      name: "yelb-ui",
      namespace: "yelb",
      image: { external: "docker.io/mreferre/yelb-ui:0.7" },
      port: 80,
      cpu: { request: 100, limit: 250 },
      memory: { request: 128, limit: 256 },
      placement: "ec2",
      public: { path: "/" },
      healthCheckPath: "/",
      dependsOn: ["yelb-appserver"],
      // nginx writes its cache, pid file and temp files; the root filesystem stays read-only.
      writablePaths: ["/tmp", "/var/cache/nginx", "/var/run"],
    },
    {
      name: "yelb-appserver",
      namespace: "yelb",
      image: { external: "docker.io/mreferre/yelb-appserver:0.5" },
      port: 4567,
      cpu: { request: 250, limit: 500 },
      memory: { request: 256, limit: 512 },
      healthCheckPath: "/api/hostname",
      dependsOn: ["yelb-db", "redis-server"],
      versions: [
        { name: "v1", weight: 50 },
        // The walkthrough builds v2 and pushes it to ECR (build-appserver-v2.sh).
        { name: "v2", image: { ecr: "yelb-appserver", tag: "v2" }, weight: 50 },
      ],
      retryPolicy: { maxRetries: 2, perRetryTimeoutMs: 2000, httpRetryEvents: ["server-error", "client-error", "gateway-error"] },
    },
    {
      name: "redis-server",
      namespace: "yelb",
      image: { external: "docker.io/library/redis:4.0.2" },
      port: 6379,
      protocol: "tcp",
      cpu: { request: 100, limit: 250 },
      memory: { request: 128, limit: 256 },
      // One pod: page views live in its memory (as in the walkthrough).
      replicas: { min: 1, max: 1 },
      writablePaths: ["/data"],
      runAsUser: 999,
    },
    {
      name: "yelb-db",
      namespace: "yelb",
      image: { external: "docker.io/mreferre/yelb-db:0.5" },
      port: 5432,
      protocol: "tcp",
      cpu: { request: 250, limit: 500 },
      memory: { request: 256, limit: 512 },
      replicas: { min: 1, max: 1 },
      writablePaths: ["/var/lib/postgresql/data", "/var/run/postgresql", "/tmp"],
      runAsUser: 999,
    },
  ],
  tables: {},
};
