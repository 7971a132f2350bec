import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceCatalog } from "../../apps/reference";
import { catalogSchema } from "../../apps/catalog/types";
import { bearer, call } from "../support/services";

/** Debian's chromium, installed by `npm run setup:tools` (scripts/setup-tools.sh). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots a person can look at after the run (git-ignored). */
const ARTIFACTS = path.join(__dirname, "..", "..", ".artifacts");

/** What the flow needs of a running reference system, wherever its services run. */
export interface SystemUnderTest {
  readonly frontendUrl: string;
  readonly dynamoEndpoint: string;
  /** Catalog table name → table name in the local DynamoDB. */
  readonly tables: Readonly<Record<string, string>>;
  /** Each service's base URL, as this machine reaches it. */
  readonly services: Readonly<Record<string, { readonly url: string }>>;
  /** The services' JSON log lines so far. */
  logs(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * The end-to-end flow a person goes through (register, login, chat, the page in Chromium),
 * against a system started by `start`: in process (e2e.test.ts, the stack `npm run dev`
 * starts) or from the images (containers/images.containers.ts, `npm run test:images`).
 */
export function endToEnd(label: string, start: () => Promise<SystemUnderTest>, options: { screenshot: string; startTimeout?: number }): void {
  describe(`the reference system end to end (${label})`, () => {
    let system: SystemUnderTest;

    beforeAll(async () => {
      system = await start();
    }, options.startTimeout ?? 30_000);
    afterAll(async () => {
      await system?.stop();
    });

    it("creates the catalog's tables, with the catalog's keys, in the local DynamoDB", async () => {
      const client = new DynamoDBClient({ region: "us-east-1", endpoint: system.dynamoEndpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
      const catalog = catalogSchema.parse(referenceCatalog);
      for (const [name, table] of Object.entries(catalog.tables)) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: system.tables[name] }));
        expect(Table!.KeySchema).toEqual([{ AttributeName: table.partitionKey.name, KeyType: "HASH" }, ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: "RANGE" }] : [])]);
      }
      client.destroy();
    });

    it("registers, refuses a duplicate and a wrong password, logs in, posts and lists messages through the frontend's API", async () => {
      const web = system.frontendUrl;
      expect(await call(web, "POST", "/api/register", { username: "fernando", password: "Kubernetes-2020", message: "hello world" })).toMatchObject({ status: 201, body: { numero: 1 } });
      expect(await call(web, "POST", "/api/register", { username: "fernando", password: "Another-pass-1" })).toMatchObject({ status: 409, body: { error: 'username "fernando" is already registered; choose another' } });
      expect(await call(web, "POST", "/api/login", { username: "fernando", password: "kubernetes-2020" })).toMatchObject({ status: 401, body: { error: "wrong username or password" } });
      const login = await call(web, "POST", "/api/login", { username: "fernando", password: "Kubernetes-2020" });
      expect(login.status).toBe(200);
      const auth = bearer(login.body.token);
      expect(await call(web, "GET", "/api/session", undefined, auth)).toMatchObject({ status: 200, body: { username: "fernando" } });
      for (const text of ["hola", "que tal"]) expect(await call(web, "POST", "/api/rooms/eks/messages", { text }, auth)).toMatchObject({ status: 201, body: { author: "fernando", text } });
      const list = await call(web, "GET", "/api/rooms/eks/messages", undefined, auth);
      expect(list.body.messages.map((m: { author: string; text: string }) => [m.author, m.text])).toEqual([["fernando", "hola"], ["fernando", "que tal"]]);
      expect(await call(web, "GET", "/api/rooms/eks/messages")).toMatchObject({ status: 401 });
      expect((await call(web, "GET", "/api/registros")).body).toEqual([{ numero: 1, message: "hello world" }]);
    });

    it("logs JSON lines from every service", async () => {
      const parsed = (await system.logs()).map((l) => JSON.parse(l) as { service: string; level: string });
      expect(new Set(parsed.map((l) => l.service))).toEqual(new Set(["frontend", "service-user", "service-registro", "service-chat"]));
      expect(parsed.filter((l) => l.level === "error")).toEqual([]);
    });

    describe("the page, in headless Chromium", () => {
      let context: BrowserContext;
      let profile: string;
      beforeAll(async () => {
        if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run setup:tools\` (it installs Debian's chromium), or set CHROMIUM_PATH`);
        profile = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-chromium-"));
        // A fresh profile, no network but loopback: no sync, updates or background fetches.
        context = await chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
          viewport: { width: 1280, height: 800 },
          timeout: 30_000,
        });
      }, 40_000);
      afterAll(async () => {
        await context?.close();
        if (profile) fs.rmSync(profile, { recursive: true, force: true });
      });

      it("registers, logs in and chats, with no script or policy error; the screenshot is kept", async () => {
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        const problems: string[] = [];
        page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
        page.on("pageerror", (e) => problems.push(e.message));
        await page.goto(`${system.frontendUrl}/`);
        await page.locator("#registros li").first().waitFor();

        const register = page.locator("#register-form");
        await register.getByLabel("Username").fill("diego");
        await register.getByLabel("Password").fill("Chinchilla-2020");
        await register.getByLabel("Message").fill("hola desde el navegador");
        await register.getByRole("button", { name: "Register" }).click();
        await expect.poll(() => page.locator("#register-status").textContent(), { timeout: 20_000 }).toBe("Registered diego as #2");
        await expect.poll(() => page.locator("#registros li").allTextContents()).toEqual(["#1: hello world", "#2: hola desde el navegador"]);

        const login = page.locator("#login-form");
        await login.getByLabel("Username").fill("diego");
        await login.getByLabel("Password").fill("wrong-password-1");
        await login.getByRole("button", { name: "Log in" }).click();
        await expect.poll(() => page.locator("#login-status").textContent(), { timeout: 20_000 }).toBe("wrong username or password");
        await login.getByLabel("Username").fill("diego");
        await login.getByLabel("Password").fill("Chinchilla-2020");
        await login.getByRole("button", { name: "Log in" }).click();
        await expect.poll(() => page.locator("#who").textContent(), { timeout: 20_000 }).toBe("Logged in as diego");

        const chat = page.locator("#chat-form");
        await chat.getByLabel("Message").fill("<b>hola</b> EKS");
        await chat.getByRole("button", { name: "Send" }).click();
        await expect.poll(() => page.locator("#messages li").allTextContents(), { timeout: 20_000 }).toEqual([expect.stringMatching(/^diego .+<b>hola<\/b> EKS$/)]);
        // Text from the API is shown as text, never as markup.
        expect(await page.locator("#messages b").count()).toBe(0);

        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, options.screenshot), fullPage: true });
        expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
      }, 90_000);
    });

    it("stops everything: no service and no database answers afterwards", async () => {
      const urls = [...Object.values(system.services).map((s) => `${s.url}/health`), system.dynamoEndpoint];
      await system.stop();
      for (const url of urls) await expect(fetch(url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
      system = undefined as unknown as SystemUnderTest;
    });
  });
}
