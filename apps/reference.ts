import type { CatalogInput } from "./catalog/types";

/**
 * The reference system (shared/seeds/000): a login (user) API, a registration API and a
 * chat API, each in its own namespace on Fargate as in the seed, and a frontend on the
 * EC2 node group, public through the ALB. Users and chat messages live in DynamoDB; each
 * API may touch only the tables it uses. Ports are 8080 like the seed's services.
 *
 * The code is in apps/services/: each service reads PORT, its peers' URLs (here) and
 * DYNAMODB_TABLE_<TABLE> (set by the workloads stack) as apps/services/contract.ts says,
 * and may send only the DynamoDB operations listed there; __tests__/services/contract.test.ts
 * fails when this catalog and that contract disagree.
 */
const PORT = 8080;

export const referenceCatalog: CatalogInput = {
  name: "reference",
  description: "Login, registration and chat APIs on Fargate with a public frontend on EC2 (seed 000)",
  services: [
    {
      name: "frontend",
      namespace: "frontend",
      image: { ecr: "frontend", tag: "1.0.0" },
      port: PORT,
      cpu: { request: 250, limit: 500 },
      memory: { request: 256, limit: 512 },
      placement: "ec2",
      nodeSelector: { "eks-mesh-platform/node-group": "general" },
      public: { path: "/" },
      healthCheckPath: "/health",
      dependsOn: ["service-user", "service-registro", "service-chat"],
      env: {
        PORT: String(PORT),
        LOGIN_API_URL: `http://service-user.apiuser.svc.cluster.local:${PORT}`,
        REGISTRATION_API_URL: `http://service-registro.apiregistro.svc.cluster.local:${PORT}`,
        CHAT_API_URL: `http://service-chat.apichat.svc.cluster.local:${PORT}`,
      },
    },
    {
      // The seed's login service ("service-user" in namespace apiuser): reads users.
      name: "service-user",
      namespace: "apiuser",
      image: { ecr: "service-user", tag: "1.0.0" },
      port: PORT,
      // 240m + Envoy's 10m fits Fargate's 0.25 vCPU size; 250m would be billed as 0.5 vCPU.
      cpu: { request: 240, limit: 500 },
      memory: { request: 512, limit: 512 },
      // The seed runs its APIs on Fargate; pinned so the optimizer does not move them
      // (on this small catalog packing them onto the node group would be cheaper: npm run cost).
      placement: "fargate",
      tables: { users: "read" },
      env: { PORT: String(PORT) },
    },
    {
      // Registration ("service-registro" in apiregistro): creates users and lists the
      // registrations (a Scan), so it reads as well as writes.
      name: "service-registro",
      namespace: "apiregistro",
      image: { ecr: "service-registro", tag: "1.0.0" },
      port: PORT,
      // 240m + Envoy's 10m fits Fargate's 0.25 vCPU size; 250m would be billed as 0.5 vCPU.
      cpu: { request: 240, limit: 500 },
      memory: { request: 512, limit: 512 },
      // The seed runs its APIs on Fargate; pinned so the optimizer does not move them
      // (on this small catalog packing them onto the node group would be cheaper: npm run cost).
      placement: "fargate",
      tables: { users: "readwrite" },
      env: { PORT: String(PORT) },
    },
    {
      // Chat ("service-chat" in apichat): stores messages and looks up their authors.
      name: "service-chat",
      namespace: "apichat",
      image: { ecr: "service-chat", tag: "1.0.0" },
      port: PORT,
      // 240m + Envoy's 10m fits Fargate's 0.25 vCPU size; 250m would be billed as 0.5 vCPU.
      cpu: { request: 240, limit: 500 },
      memory: { request: 512, limit: 512 },
      // The seed runs its APIs on Fargate; pinned so the optimizer does not move them
      // (on this small catalog packing them onto the node group would be cheaper: npm run cost).
      placement: "fargate",
      tables: { messages: "readwrite", users: "read" },
      env: { PORT: String(PORT) },
    },
  ],
  tables: {
    users: { partitionKey: { name: "username", type: "S" } },
    messages: { partitionKey: { name: "roomId", type: "S" }, sortKey: { name: "sentAt", type: "N" } },
  },
};
