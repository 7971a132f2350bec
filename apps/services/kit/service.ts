import { readServiceEnv, type ServiceContract, type ServiceEnv } from "../contract";
import { close, createServiceServer, listen, stopOnSignals, type Route } from "./http";
import { jsonLogger, type Logger, type LogSink } from "./log";

export interface RunningService {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Environment to read (the process's in a container; a prepared one in tests and `npm run dev`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default "0.0.0.0" (all interfaces, as in a pod); tests and `npm run dev` use loopback */
  readonly host?: string;
  /** @default stdout */
  readonly logSink?: LogSink;
  /** Extra headers on every response. @default none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Starts one service: reads its environment through its contract, builds its routes, listens. */
export async function startService(
  contract: ServiceContract,
  routes: (env: ServiceEnv, logger: Logger) => Route[],
  options: StartOptions,
): Promise<RunningService> {
  const env = readServiceEnv(contract, options.env);
  const logger = jsonLogger(contract.name, options.logSink);
  const server = createServiceServer({ service: contract.name, routes: routes(env, logger), healthPath: contract.healthPath, logger, headers: options.headers });
  const host = options.host ?? "0.0.0.0";
  const port = await listen(server, env.port, host);
  logger.log("info", "listening", { host, port });
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host;
  return { name: contract.name, port, url: `http://${shown}:${port}`, stop: () => close(server) };
}

/** A container's entry point: the process environment, stdout logs, a clean stop on SIGTERM. */
export function main(start: (options: StartOptions) => Promise<RunningService>, name: string): void {
  const logger = jsonLogger(name);
  start({ env: process.env }).then(
    (running) => stopOnSignals(() => running.stop(), logger),
    (error: unknown) => {
      logger.log("error", "failed to start", { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
}
