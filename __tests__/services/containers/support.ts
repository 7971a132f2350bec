/**
 * Containers for the image checks (npm run test:images): podman with the project's own
 * store and settings (ops/images/engine.ts), and the reference system started from its
 * images against the local DynamoDB the dev setup uses (dynalite).
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { referenceCatalog } from "../../../apps/reference";
import { createTableInput, localEnv, startOrder } from "../../../apps/services/local/system";
import { catalogSchema } from "../../../apps/catalog/types";
import { check, limits, podman, run } from "../../../ops/images/engine";
import { freePort } from "../../../ops/images/registry";
import type { SystemUnderTest } from "../e2e-flow";

/**
 * Kubernetes' default terminationGracePeriodSeconds (the workloads stack sets none):
 * SIGTERM, then SIGKILL this many seconds later.
 */
export const GRACE_SECONDS = 30;

let seq = 0;
const names: string[] = [];

/**
 * Starts a container as the cluster would run it: read-only root without podman's extra
 * tmpfs mounts (Kubernetes' readOnlyRootFilesystem has none), no capabilities, no privilege
 * escalation. The health check runs only when asked (`podman healthcheck run`): there is no
 * systemd here to time it.
 */
export function startContainer(image: string, env: Record<string, string>, network: "none" | "host"): string {
  const name = `eks-mesh-check-${process.pid}-${++seq}`;
  names.push(name);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  check(podman("run", "--detach", "--name", name, ...limits(), "--network", network, "--read-only", "--read-only-tmpfs=false", "--cap-drop=ALL", "--security-opt=no-new-privileges", "--health-interval=disable", "--stop-timeout", String(GRACE_SECONDS), ...envArgs, image));
  return name;
}

export const logsOf = (name: string): string[] => {
  const r = run(podman("logs", name));
  return (r.stdout + r.stderr).split("\n").filter((l) => l.trim());
};

export const inspectContainer = (name: string) => JSON.parse(check(podman("container", "inspect", name)))[0] as { State: { Pid: number; Running: boolean; ExitCode: number; Status: string; Health?: { Status: string; FailingStreak: number } } };

/** Waits (bounded by count, not by a clock assertion) until the service logs "listening". */
export async function waitListening(name: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const line = logsOf(name).find((l) => l.includes('"listening"'));
    if (line) return JSON.parse(line);
    const state = inspectContainer(name).State;
    if (!state.Running) throw new Error(`${name} exited (${state.ExitCode}) before listening:\n${logsOf(name).join("\n")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never logged "listening":\n${logsOf(name).join("\n")}`);
}

/** Stops with SIGTERM (the image's stop signal) and the grace period; removes the container. */
export function stopContainer(name: string): { exitCode: number; logs: string[] } {
  check(podman("stop", "--time", String(GRACE_SECONDS), name));
  const exitCode = inspectContainer(name).State.ExitCode;
  const logs = logsOf(name);
  run(podman("rm", "--force", name));
  names.splice(names.indexOf(name), 1);
  return { exitCode, logs };
}

/** Every container this process started and has not removed (for afterAll). */
export function removeAll(): void {
  for (const name of names.splice(0)) run(podman("rm", "--force", "--time", "0", name));
}

/**
 * The reference system from its images: dynalite with the catalog's tables on 127.0.0.1,
 * and each service in a container on the host's network (so it reaches the database and its
 * peers on loopback, and nothing else is needed), with exactly the environment
 * `npm run dev` gives it (localEnv: the catalog's env, PORT, tables, peers' URLs).
 */
export async function startContainerSystem(images: Readonly<Record<string, string>>): Promise<SystemUnderTest> {
  const catalog = catalogSchema.parse(referenceCatalog);
  const db: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, "127.0.0.1", () => resolve()));
  const dynamoEndpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region: "us-east-1", endpoint: dynamoEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const tables: Record<string, string> = {};
  for (const [name, table] of Object.entries(catalog.tables)) {
    tables[name] = `containers-${name}`;
    await client.send(new CreateTableCommand(createTableInput(tables[name], table)));
  }
  client.destroy();
  const containers: Record<string, string> = {};
  const services: Record<string, { url: string }> = {};
  const stopAll = async () => {
    for (const name of Object.keys(containers).reverse()) stopContainer(containers[name]);
    await new Promise<void>((resolve) => {
      db.close(() => resolve());
      db.closeAllConnections?.();
    });
  };
  try {
    for (const name of startOrder(catalog)) {
      if (!images[name]) throw new Error(`no image for the catalog service ${name}`);
      const port = await freePort();
      const env = localEnv(catalog, name, { port, tableName: (t) => tables[t], urlOf: (peer) => services[peer].url, dynamoEndpoint });
      containers[name] = startContainer(images[name], env, "host");
      await waitListening(containers[name]);
      services[name] = { url: `http://127.0.0.1:${port}` };
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  let stopped = false;
  return {
    frontendUrl: services.frontend.url,
    dynamoEndpoint,
    tables,
    services,
    logs: async () => Object.values(containers).flatMap(logsOf),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopAll();
    },
  };
}
