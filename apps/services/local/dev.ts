/**
 * `npm run dev [-- --port 8080]`: the reference system on this machine (see
 * apps/services/local/system.ts). Prints the frontend's URL; Ctrl-C stops everything.
 */
import { parseArgs } from "node:util";
import { startLocalSystem } from "./system";

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8080" }, host: { type: "string", default: "127.0.0.1" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port number (0 picks a free one)`);
  const system = await startLocalSystem({ frontendPort: port, host: values.host });
  for (const [name, s] of Object.entries(system.services)) process.stderr.write(`dev: ${name.padEnd(17)} ${s.url}\n`);
  process.stderr.write(`dev: dynamodb (dynalite) ${system.dynamoEndpoint}, tables ${Object.values(system.tables).join(", ")}\n`);
  process.stdout.write(`Frontend: ${system.frontendUrl}/  (Ctrl-C stops everything)\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write("dev: stopping\n");
    system.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`dev: ${message}${/EADDRINUSE/.test(message) ? " (the port is taken: pass --port <another> or --port 0)" : ""}\n`);
  process.exit(1);
});
