import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
  type ScanCommandInput,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { DynamoOp, ServiceContract, ServiceEnv } from "../contract";
import { HttpError } from "./http";

type WithoutTable<T> = Omit<T, "TableName">;

/**
 * One table as a service may use it: only the operations its contract lists
 * (apps/services/contract.ts), which are the IAM actions the workloads stack must grant.
 * An operation outside the list throws before any request is sent, so a service that
 * starts writing to a table it may only read fails its tests, not in production.
 */
export class Table {
  constructor(
    private readonly client: DynamoDBClient,
    /** The catalog name (`users`). */
    readonly logicalName: string,
    /** The AWS name (`eksmesh-dev-users`). */
    readonly name: string,
    private readonly allowed: ReadonlySet<DynamoOp>,
  ) {}

  private check(op: DynamoOp): void {
    if (!this.allowed.has(op)) throw new Error(`${op} on the ${this.logicalName} table is not in this service's contract (apps/services/contract.ts); add it there and give the service that access in the catalog`);
  }

  async getItem(input: WithoutTable<GetItemCommandInput>) {
    this.check("GetItem");
    return this.client.send(new GetItemCommand({ ...input, TableName: this.name }));
  }
  async putItem(input: WithoutTable<PutItemCommandInput>) {
    this.check("PutItem");
    return this.client.send(new PutItemCommand({ ...input, TableName: this.name }));
  }
  async updateItem(input: WithoutTable<UpdateItemCommandInput>) {
    this.check("UpdateItem");
    return this.client.send(new UpdateItemCommand({ ...input, TableName: this.name }));
  }
  async query(input: WithoutTable<QueryCommandInput>) {
    this.check("Query");
    return this.client.send(new QueryCommand({ ...input, TableName: this.name }));
  }
  async scan(input: WithoutTable<ScanCommandInput>) {
    this.check("Scan");
    return this.client.send(new ScanCommand({ ...input, TableName: this.name }));
  }
}

/** The tables of a contract, by catalog name, bound to their real names. */
export function openTables(contract: ServiceContract, env: ServiceEnv, client = dynamoClient(env)): Record<string, Table> {
  return Object.fromEntries(Object.entries(contract.tables).map(([logical, use]) => [logical, new Table(client, logical, env.tables[logical], new Set(use.ops))]));
}

/**
 * A DynamoDB client: in the cluster, credentials come from the pod's IRSA role through the
 * SDK's default chain; locally, from the endpoint and placeholder keys the dev runner sets.
 */
export function dynamoClient(env: ServiceEnv): DynamoDBClient {
  return new DynamoDBClient({
    region: env.region,
    maxAttempts: 3,
    ...(env.dynamoEndpoint ? { endpoint: env.dynamoEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
  });
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Maps a failed DynamoDB call to a 503 the caller may retry; never leaks the SDK's message. */
export function storageError(error: unknown): HttpError | unknown {
  if (error instanceof Error && "$metadata" in error) return new HttpError(503, "storage is unavailable; try again shortly");
  return error;
}
