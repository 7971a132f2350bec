import * as fs from "node:fs";
import * as path from "node:path";
import { CONTRACTS, type ServiceEnv } from "../../contract";
import { HttpError, type Reply, type Request, type Route } from "../../kit/http";
import type { Logger } from "../../kit/log";
import { startService, type StartOptions } from "../../kit/service";
import { roomId } from "../../kit/validate";

export const contract = CONTRACTS.frontend;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The page's files, read once at start: only these are served (no path ever touches the disk). */
function loadPublic(dir: string): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(`/${name}`, { body: fs.readFileSync(path.join(dir, name)), type });
  }
  if (!files.has("/index.html")) throw new Error(`${dir} has no index.html`);
  return files;
}

/** The page may load only its own files and call only this server. */
export const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
} as const;

const PEER_NAMES: Record<keyof typeof contract.peers, string> = { login: "login", registration: "registration", chat: "chat" };

/**
 * The frontend (seed 000's front, public through the ALB): serves the page and forwards
 * its calls to the three APIs at the in-cluster URLs the catalog gives it. The browser
 * talks only to this server; the APIs stay private to the cluster.
 *
 *   GET  /                               the page
 *   POST /api/register                   → service-registro POST /registros
 *   GET  /api/registros                  → service-registro GET  /registros
 *   POST /api/login                      → service-user     POST /login
 *   GET  /api/session                    → service-user     GET  /session
 *   GET|POST /api/rooms/:roomId/messages → service-chat     (same path)
 */
export function routes(env: ServiceEnv, logger: Logger, publicDir: string, timeoutMs = 5000): Route[] {
  const files = loadPublic(publicDir);
  const forward = (peer: keyof typeof contract.peers, method: "GET" | "POST", upstreamPath: (req: Request) => string, query: string[] = []) => async (req: Request): Promise<Reply> => {
    const url = new URL(`${env.peers[peer]}${upstreamPath(req)}`);
    for (const q of query) if (req.query.has(q)) url.searchParams.set(q, req.query.get(q)!);
    const headers: Record<string, string> = { accept: "application/json" };
    if (req.headers.authorization) headers.authorization = String(req.headers.authorization);
    let body: string | undefined;
    if (method === "POST") {
      body = JSON.stringify(await req.json());
      headers["content-type"] = "application/json";
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    } catch (error) {
      logger.log("warn", "upstream unreachable", { peer, url: url.origin, error: error instanceof Error ? error.message : String(error) });
      throw new HttpError(502, `the ${PEER_NAMES[peer]} service is unreachable; try again shortly`);
    }
    const raw = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // A proxy's plain-text error (Envoy's "upstream connect error", say).
      parsed = { error: raw.slice(0, 200) || res.statusText };
    }
    return { status: res.status, body: parsed };
  };

  const page = (name: string): Route => ({
    method: "GET",
    path: name === "/index.html" ? "/" : name,
    handler: () => {
      const f = files.get(name)!;
      return { status: 200, body: f.body, headers: { "content-type": f.type, "cache-control": "no-cache" } };
    },
  });

  return [
    ...[...files.keys()].map(page),
    { method: "POST", path: "/api/register", handler: forward("registration", "POST", () => "/registros") },
    { method: "GET", path: "/api/registros", handler: forward("registration", "GET", () => "/registros") },
    { method: "POST", path: "/api/login", handler: forward("login", "POST", () => "/login") },
    { method: "GET", path: "/api/session", handler: forward("login", "GET", () => "/session") },
    { method: "GET", path: "/api/rooms/:roomId/messages", handler: forward("chat", "GET", (r) => `/rooms/${encodeURIComponent(roomId(r.params.roomId))}/messages`, ["after", "limit"]) },
    { method: "POST", path: "/api/rooms/:roomId/messages", handler: forward("chat", "POST", (r) => `/rooms/${encodeURIComponent(roomId(r.params.roomId))}/messages`) },
  ];
}

/** Where the page's files are: next to the bundle in the image, beside src/ in the repository. */
export function defaultPublicDir(): string {
  const bundled = path.join(__dirname, "public");
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, "..", "public");
}

export function start(options: StartOptions & { publicDir?: string }) {
  return startService(contract, (env, logger) => routes(env, logger, options.publicDir ?? defaultPublicDir()), { ...options, headers: { ...SECURITY_HEADERS, ...options.headers } });
}
