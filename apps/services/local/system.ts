import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type KeySchemaElement } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import type { AddressInfo } from "node:net";
import { referenceCatalog } from "../../reference";
import { tableEnvVar } from "../../catalog/service-env";
import { catalogSchema, type Catalog, type Table } from "../../catalog/types";
import type { LogSink } from "../kit/log";
import type { RunningService, StartOptions } from "../kit/service";
import { start as startChat } from "../service-chat/src/app";
import { start as startRegistro } from "../service-registro/src/app";
import { start as startUser } from "../service-user/src/app";
import { start as startFrontend } from "../frontend/src/app";

/** The code behind each catalog service of the reference system. */
export const STARTERS: Record<string, (options: StartOptions) => Promise<RunningService>> = {
  frontend: startFrontend,
  "service-user": startUser,
  "service-registro": startRegistro,
  "service-chat": startChat,
};

export interface LocalSystemOptions {
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** Port of the frontend. @default 0 (a free port) */
  readonly frontendPort?: number;
  /** Table names are `<prefix>-<table>`, as in the cloud. @default "local" */
  readonly prefix?: string;
  /** Where the services' JSON log lines go. @default stdout */
  readonly logSink?: LogSink;
}

export interface LocalSystem {
  readonly frontendUrl: string;
  readonly services: Readonly<Record<string, RunningService>>;
  readonly dynamoEndpoint: string;
  /** Catalog table name → local table name. */
  readonly tables: Readonly<Record<string, string>>;
  /** The environment each service was started with. */
  readonly env: Readonly<Record<string, Readonly<Record<string, string>>>>;
  stop(): Promise<void>;
}

const REGION = "us-east-1";

/** CreateTable input for a catalog table: the same keys, types and billing the workloads stack gives DynamoDB. */
export function createTableInput(name: string, table: Table) {
  const keys = [{ ...table.partitionKey, role: "HASH" as const }, ...(table.sortKey ? [{ ...table.sortKey, role: "RANGE" as const }] : [])];
  return {
    TableName: name,
    AttributeDefinitions: keys.map((k): AttributeDefinition => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: keys.map((k): KeySchemaElement => ({ AttributeName: k.name, KeyType: k.role })),
    ...(table.billing === "provisioned"
      ? { BillingMode: "PROVISIONED" as const, ProvisionedThroughput: { ReadCapacityUnits: table.readCapacity!, WriteCapacityUnits: table.writeCapacity! } }
      : { BillingMode: "PAY_PER_REQUEST" as const }),
  };
}

/** Services in an order where each starts after the services it calls. */
export function startOrder(catalog: Pick<Catalog, "services">): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    const s = catalog.services.find((x) => x.name === name)!;
    s.dependsOn.forEach(visit);
    order.push(name);
  };
  catalog.services.forEach((s) => visit(s.name));
  return order;
}

/**
 * The environment a service gets locally: exactly what the catalog and the workloads stack
 * set in the cluster (its env, PORT, DYNAMODB_TABLE_*), with in-cluster URLs of other
 * catalog services (`http://<name>.<namespace>.svc.cluster.local:<port>`) pointed at their
 * loopback address, and the local DynamoDB endpoint.
 */
export function localEnv(
  catalog: Pick<Catalog, "services">,
  service: string,
  opts: { port: number; tableName: (table: string) => string; urlOf: (service: string) => string; dynamoEndpoint: string },
): Record<string, string> {
  const s = catalog.services.find((x) => x.name === service)!;
  const env: Record<string, string> = { ...s.env };
  for (const [key, value] of Object.entries(env)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    const peer = catalog.services.find((p) => url.hostname === `${p.name}.${p.namespace}.svc.cluster.local`);
    if (peer) env[key] = opts.urlOf(peer.name) + url.pathname.replace(/\/$/, "");
  }
  for (const t of Object.keys(s.tables)) env[tableEnvVar(t)] = opts.tableName(t);
  env.PORT = String(opts.port);
  env.AWS_REGION = REGION;
  env.DYNAMODB_ENDPOINT = opts.dynamoEndpoint;
  return env;
}

/**
 * The reference system on one machine: a DynamoDB-compatible server (dynalite, in memory)
 * with the catalog's tables, and the four services on loopback ports, in process.
 */
export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const host = options.host ?? "127.0.0.1";
  const prefix = options.prefix ?? "local";
  const catalog = catalogSchema.parse(referenceCatalog);
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    db.once("error", reject);
    db.listen(0, host, () => resolve());
  });
  const dynamoEndpoint = `http://${host}:${(db.address() as AddressInfo).port}`;
  const services: Record<string, RunningService> = {};
  const envs: Record<string, Record<string, string>> = {};
  const stopAll = async () => {
    for (const name of Object.keys(services).reverse()) await services[name].stop();
    await new Promise<void>((resolve) => {
      db.close(() => resolve());
      db.closeAllConnections?.();
    });
  };
  try {
    const client = new DynamoDBClient({ region: REGION, endpoint: dynamoEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const tables: Record<string, string> = {};
    for (const [name, table] of Object.entries(catalog.tables)) {
      tables[name] = `${prefix}-${name}`;
      await client.send(new CreateTableCommand(createTableInput(tables[name], table)));
    }
    client.destroy();
    for (const name of startOrder(catalog)) {
      const start = STARTERS[name];
      if (!start) throw new Error(`the catalog service ${name} has no code under apps/services/`);
      envs[name] = localEnv(catalog, name, {
        port: name === "frontend" ? (options.frontendPort ?? 0) : 0,
        tableName: (t) => tables[t],
        urlOf: (peer) => services[peer].url,
        dynamoEndpoint,
      });
      services[name] = await start({ env: envs[name], host, logSink: options.logSink });
    }
    return { frontendUrl: services.frontend.url, services, dynamoEndpoint, tables, env: envs, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
