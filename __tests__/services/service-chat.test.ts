import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readServiceEnv } from "../../apps/services/contract";
import { close, createServiceServer, listen } from "../../apps/services/kit/http";
import { jsonLogger } from "../../apps/services/kit/log";
import { newSessionKey, signSession } from "../../apps/services/kit/session";
import { openTables } from "../../apps/services/kit/tables";
import { contract, routes } from "../../apps/services/service-chat/src/app";
import { bearer, call, startTestDb, testEnv, type TestDb } from "../support/services";

describe("service-chat", () => {
  let db: TestDb;
  let base = "";
  let token = "";
  let now = Date.UTC(2030, 0, 1);
  // A clock the test moves: same-millisecond posts and ordering are deterministic.
  const server = (() => {
    let built: ReturnType<typeof createServiceServer> | undefined;
    return async () => {
      const env = readServiceEnv(contract, testEnv("service-chat", db));
      const t = openTables(contract, env);
      built = createServiceServer({ service: contract.name, healthPath: contract.healthPath, logger: jsonLogger("chat", () => {}), routes: routes({ messages: t.messages, users: t.users }, () => now) });
      return built;
    };
  })();
  let srv: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    db = await startTestDb();
    srv = await server();
    base = `http://127.0.0.1:${await listen(srv, 0, "127.0.0.1")}`;
    const key = newSessionKey();
    await db.client.send(new PutItemCommand({ TableName: db.tables.users, Item: { username: { S: "ana" }, passwordHash: { S: "x" }, sessionKey: { S: key } } }));
    token = (await signSession("ana", key)).token;
  });
  afterAll(async () => {
    if (srv) await close(srv);
    await db?.stop();
  });

  it("posts messages and lists a room in order, two in the same millisecond included", async () => {
    const first = await call(base, "POST", "/rooms/general/messages", { text: "hola" }, bearer(token));
    expect(first).toMatchObject({ status: 201, body: { roomId: "general", sentAt: now, author: "ana", text: "hola" } });
    expect((await call(base, "POST", "/rooms/general/messages", { text: "same ms" }, bearer(token))).body.sentAt).toBe(now + 1);
    now += 1000;
    await call(base, "POST", "/rooms/general/messages", { text: "  later  " }, bearer(token));
    await call(base, "POST", "/rooms/other/messages", { text: "elsewhere" }, bearer(token));
    const list = await call(base, "GET", "/rooms/general/messages", undefined, bearer(token));
    expect(list.body).toEqual({
      roomId: "general",
      messages: [
        { sentAt: Date.UTC(2030, 0, 1), author: "ana", text: "hola" },
        { sentAt: Date.UTC(2030, 0, 1) + 1, author: "ana", text: "same ms" },
        { sentAt: now, author: "ana", text: "later" },
      ],
    });
  });

  it("lists the latest messages with limit, and only newer ones with after", async () => {
    const latest = await call(base, "GET", "/rooms/general/messages?limit=2", undefined, bearer(token));
    expect(latest.body.messages.map((m: { text: string }) => m.text)).toEqual(["same ms", "later"]);
    const after = await call(base, "GET", `/rooms/general/messages?after=${Date.UTC(2030, 0, 1)}`, undefined, bearer(token));
    expect(after.body.messages.map((m: { text: string }) => m.text)).toEqual(["same ms", "later"]);
  });

  it("checks the author's token against the users table", async () => {
    expect(await call(base, "POST", "/rooms/general/messages", { text: "x" })).toMatchObject({ status: 401, body: { error: "log in first: send the session token as Authorization: Bearer <token>" } });
    const ghost = (await signSession("ghost", newSessionKey())).token;
    expect(await call(base, "POST", "/rooms/general/messages", { text: "x" }, bearer(ghost))).toMatchObject({ status: 401, body: { error: "the session token is invalid or expired; log in again" } });
    expect(await call(base, "GET", "/rooms/general/messages", undefined, bearer(ghost))).toMatchObject({ status: 401 });
  });

  it.each([
    ["POST", "/rooms/General!/messages", { text: "x" }, "room must be 1-40 characters: lower-case letters, digits or '-', starting with a letter or digit"],
    ["POST", "/rooms/general/messages", { text: "   " }, "text is empty"],
    ["POST", "/rooms/general/messages", { text: "x".repeat(1001) }, "text must be at most 1000 characters"],
    ["POST", "/rooms/general/messages", {}, "text is required"],
    ["GET", "/rooms/general/messages?limit=0", undefined, "limit must be between 1 and 100"],
    ["GET", "/rooms/general/messages?after=yesterday", undefined, "after must be a whole number"],
  ])("%s %s is refused with a 400", async (method, path, body, error) => {
    expect(await call(base, method, path, body, bearer(token))).toMatchObject({ status: 400, body: { error } });
  });
});
