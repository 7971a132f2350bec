import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECURITY_HEADERS } from "../../apps/services/frontend/src/app";
import { bearer, call, startTestService } from "../support/services";

/** A stand-in API that records what it received and answers what a test asks. */
function fakeApi(answer: (req: http.IncomingMessage, body: string) => { status: number; body: string; type?: string }) {
  const seen: { method: string; url: string; body: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, body, authorization: req.headers.authorization });
      const a = answer(req, body);
      res.writeHead(a.status, { "content-type": a.type ?? "application/json" });
      res.end(a.body);
    });
  });
  return { server, seen, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("frontend", () => {
  const login = fakeApi(() => ({ status: 401, body: JSON.stringify({ error: "wrong username or password" }) }));
  const chat = fakeApi(() => ({ status: 503, body: "upstream connect error or disconnect/reset before headers", type: "text/plain" }));
  let svc: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    for (const api of [login, chat]) await new Promise<void>((r) => api.server.listen(0, "127.0.0.1", () => r()));
    // Registration points at a closed port: unreachable.
    svc = await startTestService("frontend", undefined, { LOGIN_API_URL: login.url(), CHAT_API_URL: chat.url(), REGISTRATION_API_URL: "http://127.0.0.1:9" });
  });
  afterAll(async () => {
    await svc?.stop();
    for (const api of [login, chat]) await new Promise<void>((r) => api.server.close(() => r()));
  });

  it("serves the page and its files with a strict content security policy", async () => {
    const page = await call(svc.url, "GET", "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<script src="/app.js" defer></script>');
    expect(page.headers.get("content-security-policy")).toBe(SECURITY_HEADERS["content-security-policy"]);
    expect((await call(svc.url, "GET", "/app.js")).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await call(svc.url, "GET", "/../package.json")).toMatchObject({ status: 404 });
    expect(await call(svc.url, "GET", "/health")).toMatchObject({ status: 200, body: { service: "frontend" } });
  });

  it("forwards an API call to the catalog's URL and passes the answer through", async () => {
    expect(await call(svc.url, "POST", "/api/login", { username: "ana", password: "x" })).toMatchObject({ status: 401, body: { error: "wrong username or password" } });
    expect(login.seen.at(-1)).toMatchObject({ method: "POST", url: "/login", body: JSON.stringify({ username: "ana", password: "x" }) });
  });

  it("passes the session token and only the known query parameters to the chat API", async () => {
    await call(svc.url, "GET", "/api/rooms/general/messages?after=5&limit=2&evil=1", undefined, bearer("t.k.n"));
    expect(chat.seen.at(-1)).toMatchObject({ method: "GET", url: "/rooms/general/messages?after=5&limit=2", authorization: "Bearer t.k.n" });
  });

  it("wraps a proxy's plain-text error as JSON and says which API is unreachable", async () => {
    expect(await call(svc.url, "GET", "/api/rooms/general/messages")).toMatchObject({ status: 503, body: { error: "upstream connect error or disconnect/reset before headers" } });
    expect(await call(svc.url, "GET", "/api/registros")).toMatchObject({ status: 502, body: { error: "the registration service is unreachable; try again shortly" } });
  });

  it("refuses a bad room or body itself, without calling the API", async () => {
    const before = chat.seen.length;
    expect(await call(svc.url, "POST", "/api/rooms/..%2Fadmin/messages", { text: "x" })).toMatchObject({ status: 400 });
    expect(await call(svc.url, "POST", "/api/login", "{oops")).toMatchObject({ status: 400, body: { error: "the request body is not valid JSON" } });
    expect(chat.seen.length).toBe(before);
  });
});
