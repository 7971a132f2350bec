import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestDb, startTestService, type TestDb } from "../support/services";

describe("service-registro (registration)", () => {
  let db: TestDb;
  let svc: Awaited<ReturnType<typeof startTestService>>;
  beforeAll(async () => {
    db = await startTestDb();
    svc = await startTestService("service-registro", db);
  });
  afterAll(async () => {
    await svc?.stop();
    await db?.stop();
  });

  it("creates users numbered in order and lists the registrations as the seed shows them", async () => {
    expect(await call(svc.url, "POST", "/registros", { username: "fernando", password: "Arquitectura-1", message: "hello world" })).toMatchObject({
      status: 201,
      body: { numero: 1, username: "fernando", message: "hello world" },
    });
    expect(await call(svc.url, "POST", "/registros", { username: "diego", password: "Arquitectura-2", message: "hola" })).toMatchObject({ status: 201, body: { numero: 2 } });
    expect(await call(svc.url, "POST", "/registros", { username: "miguel", password: "Arquitectura-3" })).toMatchObject({ status: 201, body: { numero: 3, message: "hello world" } });
    expect((await call(svc.url, "GET", "/registros")).body).toEqual([
      { numero: 1, message: "hello world" },
      { numero: 2, message: "hola" },
      { numero: 3, message: "hello world" },
    ]);
  });

  it("stores only a slow salted hash of the password", async () => {
    const item = (await db.client.send(new GetItemCommand({ TableName: db.tables.users, Key: { username: { S: "fernando" } } }))).Item!;
    expect(item.passwordHash.S).toMatch(/^scrypt\$15\$8\$3\$/);
    expect(JSON.stringify(item)).not.toContain("Arquitectura-1");
    expect(item.sessionKey.S).toMatch(/^[\w-]{43}$/);
  });

  it("refuses a duplicate with a 409 without using up a number", async () => {
    expect(await call(svc.url, "POST", "/registros", { username: "diego", password: "Otra-clave-99" })).toMatchObject({
      status: 409,
      body: { error: 'username "diego" is already registered; choose another' },
    });
    expect(await call(svc.url, "POST", "/registros", { username: "sanchez", password: "Arquitectura-4" })).toMatchObject({ status: 201, body: { numero: 4 } });
  });

  it.each([
    [{ password: "Arquitectura-1" }, "username is required"],
    [{ username: "Ab", password: "Arquitectura-1" }, "username must be 3-32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"],
    [{ username: "#registros", password: "Arquitectura-1" }, "username must be 3-32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"],
    [{ username: "weak1" }, "password is required"],
    [{ username: "weak1", password: "Short-1" }, "password is too weak: use at least 10 characters"],
    [{ username: "weak1", password: "alllowercaseletters" }, "password is too weak: mix at least two of lower-case, upper-case, digits and symbols"],
    [{ username: "weak1", password: "my-weak1-name" }, "password is too weak: it contains the username"],
    [{ username: "weak1", password: "Arquitectura-1", message: "x".repeat(281) }, "message must be at most 280 characters"],
    [{ username: "weak1", password: "Arquitectura-1", message: 7 }, "message must be a string"],
  ])("refuses %j with a 400: %s", async (body, error) => {
    expect(await call(svc.url, "POST", "/registros", body)).toMatchObject({ status: 400, body: { error } });
  });

  it("keeps the refused registrations out of the list", async () => {
    expect((await call(svc.url, "GET", "/registros")).body.map((r: { numero: number }) => r.numero)).toEqual([1, 2, 3, 4]);
  });
});
