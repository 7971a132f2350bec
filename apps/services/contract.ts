/**
 * What each service of the reference system reads from its environment: the one place
 * the code and the catalog (apps/reference.ts) meet. The services read their settings
 * only through `readServiceEnv`, and __tests__/services/contract.test.ts synthesizes the
 * workloads stack and fails when a Deployment's env, port, health check or IAM policy
 * disagrees with what is written here. Dependency-free: it is bundled into every image.
 */

/** DynamoDB operations a service may send; each is also the IAM action `dynamodb:<op>`. */
export const DYNAMO_OPS = ["GetItem", "PutItem", "UpdateItem", "Query", "Scan"] as const;
export type DynamoOp = (typeof DYNAMO_OPS)[number];

export interface TableUse {
  /** Variable holding the table's real (AWS) name, set by the workloads stack. */
  readonly env: string;
  /** Every operation the code sends to it; anything else is refused at run time. */
  readonly ops: readonly DynamoOp[];
}

export interface ServiceContract {
  /** The catalog service name. */
  readonly name: string;
  /** Path answered for liveness and readiness (the catalog's healthCheckPath). */
  readonly healthPath: string;
  /** Catalog table name → how the code uses it. */
  readonly tables: Readonly<Record<string, TableUse>>;
  /** Services it calls: variable holding the base URL, and which catalog service it is. */
  readonly peers: Readonly<Record<string, { readonly env: string; readonly service: string }>>;
}

/** Port to listen on; the catalog sets it to the service's `port`. */
export const PORT_ENV = "PORT";

/**
 * Variables a service reads that the catalog does not set: AWS_REGION is injected into
 * every pod with an IRSA role by EKS's pod identity webhook; DYNAMODB_ENDPOINT exists only
 * in local runs (npm run dev), pointing at the local DynamoDB-compatible server.
 */
export const AMBIENT_ENV = ["AWS_REGION", "DYNAMODB_ENDPOINT"] as const;

export const CONTRACTS = {
  "service-user": {
    name: "service-user",
    healthPath: "/health",
    // Login: reads a user's password hash and session key.
    tables: { users: { env: "DYNAMODB_TABLE_USERS", ops: ["GetItem"] } },
    peers: {},
  },
  "service-registro": {
    name: "service-registro",
    healthPath: "/health",
    // Registration: refuses a taken name (GetItem, then a conditional PutItem), numbers
    // registrations with a counter (UpdateItem ADD) and lists them (Scan).
    tables: { users: { env: "DYNAMODB_TABLE_USERS", ops: ["GetItem", "PutItem", "UpdateItem", "Scan"] } },
    peers: {},
  },
  "service-chat": {
    name: "service-chat",
    healthPath: "/health",
    tables: {
      messages: { env: "DYNAMODB_TABLE_MESSAGES", ops: ["PutItem", "Query"] },
      // Authors: the token is checked against the author's user record.
      users: { env: "DYNAMODB_TABLE_USERS", ops: ["GetItem"] },
    },
    peers: {},
  },
  frontend: {
    name: "frontend",
    healthPath: "/health",
    tables: {},
    peers: {
      login: { env: "LOGIN_API_URL", service: "service-user" },
      registration: { env: "REGISTRATION_API_URL", service: "service-registro" },
      chat: { env: "CHAT_API_URL", service: "service-chat" },
    },
  },
} as const satisfies Record<string, ServiceContract>;

export type ServiceName = keyof typeof CONTRACTS;
export const SERVICE_NAMES = Object.keys(CONTRACTS) as ServiceName[];

/** Every variable a service requires (the catalog or the platform must set each). */
export function requiredEnv(contract: ServiceContract): string[] {
  return [PORT_ENV, ...Object.values(contract.tables).map((t) => t.env), ...Object.values(contract.peers).map((p) => p.env)];
}

export interface ServiceEnv {
  readonly port: number;
  /** Catalog table name → real table name. */
  readonly tables: Record<string, string>;
  /** Peer key → base URL without a trailing slash. */
  readonly peers: Record<string, string>;
  readonly region: string;
  readonly dynamoEndpoint?: string;
}

/** Reads and checks a service's environment; names every missing or bad variable at once. */
export function readServiceEnv(contract: ServiceContract, env: Readonly<Record<string, string | undefined>>): ServiceEnv {
  const problems: string[] = [];
  const rawPort = env[PORT_ENV];
  const port = Number(rawPort);
  if (rawPort === undefined || rawPort === "") problems.push(`${PORT_ENV} is not set (the catalog's port)`);
  else if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`${PORT_ENV}=${JSON.stringify(rawPort)} is not a port number`);
  const tables: Record<string, string> = {};
  for (const [name, use] of Object.entries(contract.tables)) {
    const value = env[use.env];
    if (!value) problems.push(`${use.env} is not set (the real name of the ${name} table)`);
    else tables[name] = value;
  }
  const peers: Record<string, string> = {};
  for (const [key, peer] of Object.entries(contract.peers)) {
    const value = env[peer.env];
    if (!value) {
      problems.push(`${peer.env} is not set (base URL of ${peer.service})`);
      continue;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${peer.env}=${JSON.stringify(value)} is not a URL`);
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") problems.push(`${peer.env}=${JSON.stringify(value)} is not an http(s) URL`);
    else peers[key] = value.replace(/\/+$/, "");
  }
  const needsAws = Object.keys(contract.tables).length > 0;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "";
  if (needsAws && !region) problems.push("AWS_REGION is not set (EKS sets it for pods with an IRSA role; set it for local runs)");
  if (problems.length) throw new Error(`${contract.name}: cannot start: ${problems.join("; ")}`);
  return { port, tables, peers, region, ...(env.DYNAMODB_ENDPOINT ? { dynamoEndpoint: env.DYNAMODB_ENDPOINT } : {}) };
}
