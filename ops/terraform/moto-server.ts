/**
 * The local AWS: moto's server mode from the project's .venv (npm run setup:tools), started
 * on 127.0.0.1 at a free port for one run of the checks and stopped after it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";

export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The moto_server the project's Python tools installed. */
export function motoServerBinary(projectRoot: string): string {
  const bin = process.env.MOTO_SERVER ?? join(projectRoot, ".venv", "bin", "moto_server");
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: run \`npm run setup:tools\` (installs moto[server] from requirements-dev.txt)`);
  }
  return bin;
}

/** A port nothing listens on right now, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/moto-api/`, { method: "GET", timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

export async function startMoto(projectRoot: string, log: (line: string) => void): Promise<MotoServer> {
  const bin = motoServerBinary(projectRoot);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    // AWS managed policies exist in every account; moto creates them only when asked.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited(child);
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}) before serving: ${stderr.trim()}`);
    if (await ping(url)) {
      log(`local AWS: moto_server (pid ${child.pid}) serving ${url}`);
      return { url, pid: child.pid!, stop };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`moto_server did not answer on ${url} within 60 s: ${stderr.trim()}`);
}
