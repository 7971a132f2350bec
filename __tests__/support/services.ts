import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { referenceCatalog } from "../../apps/reference";
import { tableEnvVar } from "../../apps/catalog/service-env";
import { CONTRACTS, type ServiceName } from "../../apps/services/contract";
import type { RunningService } from "../../apps/services/kit/service";
import { createTableInput, STARTERS } from "../../apps/services/local/system";
import { catalogSchema } from "../../apps/catalog/types";

/** A dynalite server with the reference catalog's tables, for one test file. */
export interface TestDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Catalog table name → table name in this server. */
  readonly tables: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestDb(): Promise<TestDb> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const catalog = catalogSchema.parse(referenceCatalog);
  const tables: Record<string, string> = {};
  for (const [name, table] of Object.entries(catalog.tables)) {
    tables[name] = `test-${name}`;
    await client.send(new CreateTableCommand(createTableInput(tables[name], table)));
  }
  return {
    endpoint,
    client,
    tables,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment a service needs against a test db (its contract's variables), plus overrides. */
export function testEnv(name: ServiceName, db: TestDb | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const contract = CONTRACTS[name];
  const env: Record<string, string> = { PORT: "0", AWS_REGION: "us-east-1", ...extra };
  if (db) {
    env.DYNAMODB_ENDPOINT = db.endpoint;
    for (const t of Object.keys(contract.tables)) env[tableEnvVar(t)] = db.tables[t];
  }
  return env;
}

/** Starts one service on loopback; its log lines are collected in `logs`. */
export async function startTestService(name: ServiceName, db: TestDb | undefined, extra: Record<string, string> = {}): Promise<RunningService & { logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  const running = await STARTERS[name]({ env: testEnv(name, db, extra), host: "127.0.0.1", logSink: (line) => logs.push(JSON.parse(line)) });
  return Object.assign(running, { logs });
}

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
}

/** One JSON request. */
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
