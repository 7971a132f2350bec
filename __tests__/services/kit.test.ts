import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRACTS, readServiceEnv } from "../../apps/services/contract";
import { close, createServiceServer, HttpError, listen } from "../../apps/services/kit/http";
import { jsonLogger } from "../../apps/services/kit/log";
import { hashPassword, verifyPassword } from "../../apps/services/kit/passwords";
import { bearerToken, newSessionKey, SESSION_TTL_SECONDS, signSession, verifySession } from "../../apps/services/kit/session";
import { Table } from "../../apps/services/kit/tables";
import { call } from "../support/services";

describe("readServiceEnv", () => {
  it("reads the port, tables and peers a contract names", () => {
    expect(readServiceEnv(CONTRACTS["service-chat"], { PORT: "8080", DYNAMODB_TABLE_MESSAGES: "p-messages", DYNAMODB_TABLE_USERS: "p-users", AWS_REGION: "eu-west-1" })).toEqual({
      port: 8080,
      tables: { messages: "p-messages", users: "p-users" },
      peers: {},
      region: "eu-west-1",
    });
    expect(readServiceEnv(CONTRACTS.frontend, { PORT: "80", LOGIN_API_URL: "http://a:1/", REGISTRATION_API_URL: "http://b:2", CHAT_API_URL: "https://c" }).peers).toEqual({
      login: "http://a:1",
      registration: "http://b:2",
      chat: "https://c",
    });
  });

  it("names every missing or bad variable in one message", () => {
    expect(() => readServiceEnv(CONTRACTS["service-chat"], { PORT: "http", DYNAMODB_TABLE_USERS: "u" })).toThrow(
      'service-chat: cannot start: PORT="http" is not a port number; DYNAMODB_TABLE_MESSAGES is not set (the real name of the messages table); AWS_REGION is not set (EKS sets it for pods with an IRSA role; set it for local runs)',
    );
    expect(() => readServiceEnv(CONTRACTS.frontend, { LOGIN_API_URL: "service-user:8080", REGISTRATION_API_URL: "ftp://x", CHAT_API_URL: "" })).toThrow(
      'frontend: cannot start: PORT is not set (the catalog\'s port); LOGIN_API_URL="service-user:8080" is not an http(s) URL; REGISTRATION_API_URL="ftp://x" is not an http(s) URL; CHAT_API_URL is not set (base URL of service-chat)',
    );
  });
});

describe("Table", () => {
  it("refuses an operation outside the service's contract before sending anything", async () => {
    const client = new DynamoDBClient({ region: "us-east-1", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "x", secretAccessKey: "x" }, maxAttempts: 1 });
    const users = new Table(client, "users", "p-users", new Set(CONTRACTS["service-user"].tables.users.ops));
    await expect(users.putItem({ Item: { username: { S: "x" } } })).rejects.toThrow(
      "PutItem on the users table is not in this service's contract (apps/services/contract.ts); add it there and give the service that access in the catalog",
    );
    await expect(users.scan({})).rejects.toThrow("Scan on the users table is not in this service's contract");
    client.destroy();
  });
});

describe("passwords", () => {
  it("are stored as salted scrypt hashes, never in clear, and verified in constant time", async () => {
    const a = await hashPassword("correct-horse-9");
    const b = await hashPassword("correct-horse-9");
    expect(a).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct-horse");
    expect(await verifyPassword("correct-horse-9", a)).toBe(true);
    expect(await verifyPassword("correct-horse-8", a)).toBe(false);
    expect(await verifyPassword("correct-horse-9", undefined)).toBe(false);
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});

describe("session tokens", () => {
  const key = newSessionKey();
  const keyOf = async (user: string) => (user === "ana" ? key : undefined);

  it("verify with the user's own key and name the user", async () => {
    const { token, expiresAt } = await signSession("ana", key, Date.UTC(2030, 0, 1));
    expect(expiresAt).toBe(new Date(Date.UTC(2030, 0, 1) + SESSION_TTL_SECONDS * 1000).toISOString());
    expect(await verifySession(token, keyOf, Date.UTC(2030, 0, 1, 0, 30))).toBe("ana");
  });

  it("are refused once expired, with another user's key, tampered, or for an unknown user", async () => {
    const refused = "the session token is invalid or expired; log in again";
    const { token } = await signSession("ana", key, Date.UTC(2030, 0, 1));
    await expect(verifySession(token, keyOf, Date.UTC(2030, 0, 1, 2))).rejects.toThrow(refused);
    await expect(verifySession(token, async () => newSessionKey(), Date.UTC(2030, 0, 1))).rejects.toThrow(refused);
    const [h, p, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "root" })).toString("base64url");
    await expect(verifySession(`${h}.${forged}.${sig}`, async () => key, Date.UTC(2030, 0, 1))).rejects.toThrow(refused);
    const other = await signSession("bob", key, Date.UTC(2030, 0, 1));
    await expect(verifySession(other.token, keyOf, Date.UTC(2030, 0, 1))).rejects.toThrow(refused);
    await expect(verifySession("not-a-jwt", keyOf)).rejects.toBeInstanceOf(HttpError);
  });

  it("are read from Authorization, or from X-Original-Authorization when a VPC Lattice signing proxy took Authorization for SigV4", () => {
    expect(bearerToken({ authorization: "Bearer abc.def.ghi" })).toBe("abc.def.ghi");
    const sigv4 = "AWS4-HMAC-SHA256 Credential=ASIA.../vpc-lattice-svcs/aws4_request, SignedHeaders=host, Signature=00";
    expect(bearerToken({ authorization: sigv4, "x-original-authorization": "Bearer abc.def.ghi" })).toBe("abc.def.ghi");
    expect(() => bearerToken({ authorization: sigv4 })).toThrow("log in first: send the session token as Authorization: Bearer <token>");
  });
});

describe("the HTTP layer", () => {
  const lines: Record<string, any>[] = [];
  const server = createServiceServer({
    service: "t",
    healthPath: "/healthz",
    logger: jsonLogger("t", (l) => lines.push(JSON.parse(l))),
    maxBodyBytes: 64,
    routes: [
      { method: "POST", path: "/echo/:id", handler: async (req) => ({ status: 200, body: { id: req.params.id, body: await req.json() } }) },
      { method: "GET", path: "/boom", handler: () => Promise.reject(new Error("secret internals")) },
      { method: "GET", path: "/teapot", handler: () => Promise.reject(new HttpError(418, "short and stout")) },
    ],
  });
  let base = "";
  beforeAll(async () => {
    base = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
  });
  afterAll(() => close(server));

  it("routes with params, answers the health path, and logs one JSON line per request", async () => {
    expect(await call(base, "POST", "/echo/a%20b", { x: 1 })).toMatchObject({ status: 200, body: { id: "a b", body: { x: 1 } } });
    expect(await call(base, "GET", "/healthz")).toMatchObject({ status: 200, body: { status: "ok", service: "t" } });
    expect(lines.find((l) => l.msg === "request" && l.path === "/echo/a%20b")).toMatchObject({ level: "info", service: "t", method: "POST", status: 200 });
    expect(lines.some((l) => l.path === "/healthz")).toBe(false);
  });

  it("answers bad input with a 4xx and a message, and a bug with a 500 that leaks nothing", async () => {
    expect(await call(base, "GET", "/nope")).toMatchObject({ status: 404, body: { error: "no such path: /nope" } });
    expect(await call(base, "GET", "/echo/1")).toMatchObject({ status: 405, body: { error: "GET is not allowed on /echo/1; use POST" } });
    expect(await call(base, "POST", "/echo/1", "{not json")).toMatchObject({ status: 400, body: { error: "the request body is not valid JSON" } });
    expect(await call(base, "POST", "/echo/1", "x=1", { "content-type": "application/x-www-form-urlencoded" })).toMatchObject({
      status: 415,
      body: { error: "send the body as JSON (Content-Type: application/json)" },
    });
    expect(await call(base, "POST", "/echo/1", { big: "x".repeat(100) })).toMatchObject({ status: 413, body: { error: "the request body is larger than 64 bytes" } });
    expect(await call(base, "POST", "/echo/%E0%A4%A", {})).toMatchObject({ status: 400, body: { error: "the id in the path is not valid URL encoding" } });
    expect(await call(base, "GET", "/teapot")).toMatchObject({ status: 418, body: { error: "short and stout" } });
    const boom = await call(base, "GET", "/boom");
    expect(boom).toMatchObject({ status: 500, body: { error: "internal error" } });
    expect(JSON.stringify(boom.body)).not.toContain("secret");
    expect(lines.find((l) => l.msg === "unhandled error")?.error).toContain("secret internals");
  });
});
