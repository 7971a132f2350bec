/**
 * A Kubernetes API server on 127.0.0.1 for the checks: Debian's etcd and the kube-apiserver
 * that ops/kubernetes/setup.sh built, with a static bearer token and AlwaysAllow (the server
 * listens on loopback only and lives as long as the run). No nodes, no controllers: it
 * stores, validates and admits objects, which is what the checks ask of it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import * as path from "node:path";
import { cacheDir } from "./sources";

export interface Tools {
  readonly kubeApiserver: string;
  readonly helm: string;
  readonly etcd: string;
}

export class ToolsMissing extends Error {}

/** The binaries setup.sh listed in tools.json; throws naming the command that installs them. */
export function findTools(env: NodeJS.ProcessEnv = process.env): Tools {
  const file = path.join(cacheDir(env), "tools.json");
  let tools: Tools;
  try {
    tools = JSON.parse(fs.readFileSync(file, "utf8")) as Tools;
  } catch {
    throw new ToolsMissing(`kube-apiserver, helm and etcd are not installed (${file} is missing); run npm run setup:kubernetes (builds them once per machine)`);
  }
  for (const [name, bin] of Object.entries(tools)) {
    if (!fs.existsSync(bin)) throw new ToolsMissing(`${name} is listed at ${bin}, which does not exist; run npm run setup:kubernetes`);
  }
  return tools;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ApiResponse {
  readonly status: number;
  readonly body: any;
  readonly warnings: string[];
}

export interface ApiServer {
  readonly url: string;
  readonly version: string;
  readonly kubeconfig: string;
  call(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** Starts etcd and kube-apiserver in `workDir` (emptied first); resolves once /readyz says ok. */
export async function startApiServer(tools: Tools, workDir: string, log: (line: string) => void): Promise<ApiServer> {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const token = randomBytes(24).toString("hex");
  fs.writeFileSync(path.join(workDir, "tokens.csv"), `${token},checks,checks-uid,system:masters\n`, { mode: 0o600 });
  // Service-account tokens need a signing key; one made per run, never kept.
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  fs.writeFileSync(path.join(workDir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  fs.writeFileSync(path.join(workDir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));

  const logs = fs.openSync(path.join(workDir, "servers.log"), "a");
  const children: ChildProcess[] = [];
  const start = (bin: string, args: string[]) => {
    const child = spawn(bin, args, { stdio: ["ignore", logs, logs], cwd: workDir });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill("SIGTERM");
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => (c.kill("SIGKILL"), resolve()), 10_000);
          c.once("exit", () => (clearTimeout(t), resolve()));
        });
      }
    }
  };

  start(tools.etcd, [
    "--name", "checks",
    "--data-dir", path.join(workDir, "etcd"),
    "--listen-client-urls", `http://127.0.0.1:${etcdClient}`,
    "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`,
    "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`,
    "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`,
    "--initial-cluster", `checks=http://127.0.0.1:${etcdPeer}`,
    // The run's data is thrown away: no fsync per write.
    "--unsafe-no-fsync",
  ]);
  const certDir = path.join(workDir, "certs");
  const apiserver = start(tools.kubeApiserver, [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    `--cert-dir=${certDir}`,
    `--token-auth-file=${path.join(workDir, "tokens.csv")}`,
    "--authorization-mode=AlwaysAllow",
    "--anonymous-auth=false",
    `--service-account-key-file=${path.join(workDir, "sa.pub")}`,
    `--service-account-signing-key-file=${path.join(workDir, "sa.key")}`,
    "--service-account-issuer=https://kubernetes.default.svc",
    "--service-cluster-ip-range=10.96.0.0/16",
    "--enable-priority-and-fairness=false",
    "--profiling=false",
  ]);

  const url = `https://127.0.0.1:${apiPort}`;
  let ca: Buffer | undefined;
  const call = (method: string, urlPath: string, body?: unknown, contentType = "application/json"): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const req = request(
        `${url}${urlPath}`,
        { method, ca, headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...(data ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(data) } : {}) }, timeout: 60_000 },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* plain text (readyz) */
            }
            const warning = res.headers.warning;
            const warnings = (Array.isArray(warning) ? warning : warning ? [warning] : []).flatMap((w) => w.split(/,(?=\s*\d{3} )/)).map((w) => w.replace(/^\s*299 - "?|"$/g, ""));
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
      if (data) req.write(data);
      req.end();
    });

  const started = Date.now();
  try {
    for (;;) {
      if (apiserver.exitCode !== null) throw new Error(`kube-apiserver exited with ${apiserver.exitCode}; see ${path.join(workDir, "servers.log")}`);
      if (Date.now() - started > 180_000) throw new Error(`kube-apiserver was not ready after 180 s; see ${path.join(workDir, "servers.log")}`);
      const crt = path.join(certDir, "apiserver.crt");
      if (!ca && fs.existsSync(crt)) ca = fs.readFileSync(crt);
      if (ca) {
        const ready = await call("GET", "/readyz").catch(() => undefined);
        if (ready?.status === 200) break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const version = (await call("GET", "/version")).body.gitVersion as string;
  const kubeconfig = path.join(workDir, "kubeconfig");
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "checks", cluster: { server: url, "certificate-authority-data": ca!.toString("base64") } }],
      users: [{ name: "checks", user: { token } }],
      contexts: [{ name: "checks", context: { cluster: "checks", user: "checks" } }],
      "current-context": "checks",
    }),
    { mode: 0o600 },
  );
  log(`kube-apiserver ${version} ready on ${url} (etcd on 127.0.0.1:${etcdClient}) after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, version, kubeconfig, call, stop };
}
