import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./log";

/**
 * The small HTTP layer every service shares (node:http, no framework): routes with
 * `:params`, JSON bodies with a size limit, JSON errors, one access-log line per request,
 * the health path, and a graceful stop. Bad input is an HttpError (4xx with a message the
 * caller can act on); anything else is logged and answered 500 without internals.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (400 when it is not JSON, 415 when not sent as JSON, 413 when too large). */
  json(): Promise<unknown>;
}

export interface Reply {
  readonly status: number;
  /** Serialized as JSON unless it is a Buffer. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (req: Request) => Promise<Reply> | Reply;

export interface Route {
  readonly method: "GET" | "POST";
  /** `/rooms/:roomId/messages`: a `:name` segment matches one URL segment. */
  readonly path: string;
  readonly handler: Handler;
}

export interface ServiceServerOptions {
  readonly service: string;
  readonly routes: readonly Route[];
  readonly healthPath: string;
  readonly logger: Logger;
  /** Largest accepted body. @default 16 KiB */
  readonly maxBodyBytes?: number;
  /** Headers added to every response. @default none */
  readonly headers?: Readonly<Record<string, string>>;
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((seg) => {
      if (!seg.startsWith(":")) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(seg.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `the request body is larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function createServiceServer(options: ServiceServerOptions): http.Server {
  const { service, logger } = options;
  const limit = options.maxBodyBytes ?? 16 * 1024;
  const routes = options.routes.map(compile);
  const health: Route = { method: "GET", path: options.healthPath, handler: () => ({ status: 200, body: { status: "ok", service } }) };
  routes.unshift(compile(health));

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const send = (reply: Reply) => {
      const isBuffer = Buffer.isBuffer(reply.body);
      const payload = reply.body === undefined ? undefined : isBuffer ? (reply.body as Buffer) : Buffer.from(JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        ...options.headers,
        ...(payload && !isBuffer ? { "content-type": "application/json; charset=utf-8" } : {}),
        ...(payload ? { "content-length": String(payload.length) } : {}),
        ...reply.headers,
      });
      res.end(payload);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Health probes every few seconds would drown the log.
      if (url.pathname !== options.healthPath) logger.log(reply.status >= 500 ? "error" : "info", "request", { method, path: url.pathname, status: reply.status, ms: Math.round(ms * 10) / 10 });
    };

    const handle = async (): Promise<Reply> => {
      const candidates = routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((x) => x.m);
      if (!candidates.length) throw new HttpError(404, `no such path: ${url.pathname}`);
      const match = candidates.find((x) => x.r.route.method === method || (method === "HEAD" && x.r.route.method === "GET"));
      if (!match) throw new HttpError(405, `${method} is not allowed on ${url.pathname}; use ${[...new Set(candidates.map((x) => x.r.route.method))].join(" or ")}`);
      const params: Record<string, string> = {};
      match.r.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(match.m![i + 1]);
        } catch {
          throw new HttpError(400, `the ${name} in the path is not valid URL encoding`);
        }
      });
      let body: Promise<unknown> | undefined;
      const request: Request = {
        method,
        path: url.pathname,
        params,
        query: url.searchParams,
        headers: req.headers,
        json: () =>
          (body ??= (async () => {
            const type = String(req.headers["content-type"] ?? "");
            if (!/^application\/json\b/i.test(type)) throw new HttpError(415, "send the body as JSON (Content-Type: application/json)");
            const raw = await readBody(req, limit);
            try {
              return JSON.parse(raw.toString("utf8")) as unknown;
            } catch {
              throw new HttpError(400, "the request body is not valid JSON");
            }
          })()),
      };
      return match.r.route.handler(request);
    };

    handle()
      .then(send)
      .catch((error: unknown) => {
        if (error instanceof HttpError) {
          send({ status: error.status, body: { error: error.message } });
        } else {
          logger.log("error", "unhandled error", { method, path: url.pathname, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
          send({ status: 500, body: { error: "internal error" } });
        }
      });
  });
  // Slow clients cannot hold a connection open forever.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  return server;
}

/** Listens and resolves with the bound port (port 0 picks a free one). */
export function listen(server: http.Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections, lets requests in flight finish, then closes idle keep-alive sockets. */
export function close(server: http.Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * For a service's main: SIGTERM (Kubernetes stopping the pod) and SIGINT close the server
 * gracefully and exit 0. Kubernetes keeps routing to a terminating pod for a moment, so
 * in-flight requests finish before the process ends.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log("info", "stopping", { signal });
    stop().then(
      () => {
        logger.log("info", "stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.log("error", "stop failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
