/**
 * A throw-away OCI registry on 127.0.0.1 (Debian's docker-registry, the CNCF distribution
 * registry), for the image checks: `npm run images` pushes to it for real, and the checks
 * pull back by digest. Plain HTTP on loopback, no auth, storage in a temporary folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTools } from "./engine";

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, the registry part of image references. */
  readonly host: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startLocalRegistry(): Promise<LocalRegistry> {
  requireTools(["docker-registry"]);
  const dir = mkdtempSync(join(tmpdir(), "eks-mesh-registry-"));
  const port = await freePort();
  const config = join(dir, "config.yml");
  // Not the package's /etc/docker/registry/config.yml (all interfaces, htpasswd auth).
  writeFileSync(config, ["version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:", `    rootdirectory: ${join(dir, "data")}`, "http:", `  addr: 127.0.0.1:${port}`, ""].join("\n"));
  let output = "";
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const host = `127.0.0.1:${port}`;
  // Ready when /v2/ answers; a registry that exits first fails with its log.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output.trim()}`);
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 200) {
      child.kill("SIGKILL");
      throw new Error(`docker-registry did not answer on ${host}: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
