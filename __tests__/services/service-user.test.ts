import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../apps/services/kit/passwords";
import { newSessionKey } from "../../apps/services/kit/session";
import { bearer, call, startTestDb, startTestService, type TestDb } from "../support/services";

describe("service-user (login)", () => {
  let db: TestDb;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  beforeAll(async () => {
    db = await startTestDb();
    svc = await startTestService("service-user", db);
    await db.client.send(
      new PutItemCommand({
        TableName: db.tables.users,
        Item: { username: { S: "ana" }, passwordHash: { S: await hashPassword("Secret-pass-1") }, sessionKey: { S: newSessionKey() }, numero: { N: "1" }, message: { S: "hi" } },
      }),
    );
  });
  afterAll(async () => {
    await svc?.stop();
    await db?.stop();
  });

  it("answers a session token for the right password, which its own /session accepts", async () => {
    const login = await call(svc.url, "POST", "/login", { username: "ana", password: "Secret-pass-1" });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ username: "ana", token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), expiresAt: expect.any(String) });
    expect(await call(svc.url, "GET", "/session", undefined, bearer(login.body.token))).toMatchObject({ status: 200, body: { username: "ana" } });
  });

  it("refuses a wrong password and an unknown or malformed user with the same 401", async () => {
    const wrong = { status: 401, body: { error: "wrong username or password" } };
    expect(await call(svc.url, "POST", "/login", { username: "ana", password: "Secret-pass-2" })).toMatchObject(wrong);
    expect(await call(svc.url, "POST", "/login", { username: "nobody", password: "Secret-pass-1" })).toMatchObject(wrong);
    expect(await call(svc.url, "POST", "/login", { username: "#registros", password: "Secret-pass-1" })).toMatchObject(wrong);
  });

  it("rejects malformed input with a 400 that says what is missing", async () => {
    expect(await call(svc.url, "POST", "/login", { username: "ana" })).toMatchObject({ status: 400, body: { error: "password is required" } });
    expect(await call(svc.url, "POST", "/login", { username: "ana", password: 42 })).toMatchObject({ status: 400, body: { error: "password must be a string" } });
    expect(await call(svc.url, "POST", "/login", [1, 2])).toMatchObject({ status: 400, body: { error: "send a JSON object" } });
    expect(await call(svc.url, "GET", "/session")).toMatchObject({ status: 401, body: { error: "log in first: send the session token as Authorization: Bearer <token>" } });
    expect(await call(svc.url, "GET", "/session", undefined, bearer("a.b.c"))).toMatchObject({ status: 401, body: { error: "the session token is invalid or expired; log in again" } });
  });

  it("answers its health path", async () => {
    expect(await call(svc.url, "GET", "/health")).toMatchObject({ status: 200, body: { status: "ok", service: "service-user" } });
  });
});
