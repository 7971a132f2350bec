import type { CostInput } from "../placement/types";

/**
 * The reference system of the source document (seed 000, "Prueba de
 * concepto"): three back-end APIs on Fargate (user/login, registration, chat),
 * a front end on an EC2 node, a DynamoDB store for users and messages, one
 * VPC with public and private subnets in two AZs. Sizes follow the issue:
 * APIs 0.25 vCPU / 512Mi × 2 replicas, front end 0.5 vCPU / 1Gi × 2,
 * node group 2 × t3.medium on demand (min 1), 1 NAT gateway, 1 ALB.
 */
export const REFERENCE_SYSTEM: CostInput = {
  region: "us-east-1",
  services: [
    { name: "api-user", replicas: 2, containers: [{ name: "app", cpuMillicores: 250, memoryMiB: 512 }], placement: "fargate" },
    { name: "api-registro", replicas: 2, containers: [{ name: "app", cpuMillicores: 250, memoryMiB: 512 }], placement: "fargate" },
    { name: "api-chat", replicas: 2, containers: [{ name: "app", cpuMillicores: 250, memoryMiB: 512 }], placement: "fargate" },
    { name: "frontend", replicas: 2, containers: [{ name: "web", cpuMillicores: 500, memoryMiB: 1024 }], placement: "ec2" },
  ],
  nodeGroup: { instanceType: "t3.medium", minSize: 1, desiredSize: 2, maxSize: 3, capacityType: "ON_DEMAND" },
  natGateways: 1,
  albs: 1,
  // Two small tables (users, messages): well inside the 25 GB free tier.
  dynamodb: { tables: 2, storageGiB: 1 },
};

const api = (name: string, replicas: number, cpuMillicores: number, memoryMiB: number) =>
  ({ name, replicas, containers: [{ name: "app", cpuMillicores, memoryMiB }], placement: "auto" }) as const;

/**
 * The document's second analysis ("a larger scale"): a catalog that needs
 * several nodes when all on EC2, where a mix is cheaper than either pure
 * choice. Services sized 990m / 1760Mi become exactly 1 vCPU / 2 GB on
 * Fargate once Envoy and Fargate's 256 MB are added, but leave most of an
 * m5.large idle; small services pack densely on nodes.
 */
export const SCALED_SYSTEM: CostInput = {
  region: "us-east-1",
  services: [
    api("catalog", 2, 990, 1760),
    api("search", 2, 990, 1760),
    api("orders", 2, 990, 1760),
    api("payments", 2, 990, 1760),
    api("recommendations", 2, 990, 1760),
    api("users", 3, 200, 384),
    api("sessions", 3, 150, 256),
    api("chat", 3, 200, 512),
    api("notifications", 2, 100, 256),
    api("registration", 2, 150, 384),
    api("inventory", 2, 250, 512),
    api("shipping", 2, 200, 384),
    api("reviews", 2, 100, 256),
    api("media", 2, 300, 768),
    { name: "frontend", replicas: 3, containers: [{ name: "web", cpuMillicores: 500, memoryMiB: 1024 }], placement: "ec2" },
    {
      name: "log-agent",
      replicas: 1,
      containers: [{ name: "fluent-bit", cpuMillicores: 50, memoryMiB: 100 }],
      placement: "ec2",
      meshSidecar: false,
      constraints: { daemonSet: true },
    },
  ],
  nodeGroup: { instanceType: "m5.large", minSize: 2, desiredSize: 3, maxSize: 12, capacityType: "ON_DEMAND" },
  natGateways: 2,
  albs: 1,
  logs: { ingestGiBPerMonth: 50, retentionDays: 30 },
  dynamodb: { tables: 3, storageGiB: 40 },
};

export const EXAMPLES = { reference: REFERENCE_SYSTEM, scaled: SCALED_SYSTEM } as const;
export type ExampleName = keyof typeof EXAMPLES;
