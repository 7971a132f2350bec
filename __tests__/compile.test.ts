import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import { BUILD_DIR, compile } from "../input/compile.cjs";
import { ConfigError, loadConfig } from "../config/load";
import { withDev } from "./support/config";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-compile-"));
const built: string[] = [];
const load = (entry: string): { value: string } => {
  const bundle = compile(entry);
  built.push(bundle);
  return createRequire(bundle)(bundle) as { value: string };
};
afterAll(() => {
  // Only this test's bundles and records, never the app's.
  for (const b of built) for (const f of [b, b.replace(/\.[0-9a-f]{16}\.cjs$/, ".json")]) fs.rmSync(f, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("ahead-of-time compilation (input/compile.cjs) never runs stale code", () => {
  const entry = path.join(dir, "entry.ts");
  const dep = path.join(dir, "dep.ts");
  fs.writeFileSync(entry, 'import { word } from "./dep";\nexport const value: string = `${word}!`;\n');
  fs.writeFileSync(dep, 'export const word: string = "first";\n');

  it("reuses the bundle while no input changed", () => {
    expect(load(entry).value).toBe("first!");
    expect(compile(entry)).toBe(built[built.length - 1]);
  });

  it("rebuilds when an imported file changes, even to the same size", () => {
    fs.writeFileSync(dep, 'export const word: string = "later";\n');
    // Same length as before: only the modification time tells.
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(dep, later, later);
    expect(load(entry).value).toBe("later!");
  });

  it("rebuilds when an imported file is deleted, and says what does not compile", () => {
    fs.rmSync(dep);
    expect(() => compile(entry)).toThrow(/entry\.ts does not compile:[\s\S]*Could not resolve "\.\/dep"/);
  });

  it("refuses an environment file that does not compile, naming the file, line and error", () => {
    const file = path.join(dir, "broken.ts");
    fs.writeFileSync(file, 'export default {\n  network: { cidr: "10.0.0.0/16" \n};\n');
    expect(() => loadConfig({ PLATFORM_CONFIG: file })).toThrow(ConfigError);
    expect(() => loadConfig({ PLATFORM_CONFIG: file })).toThrow(`broken.ts does not compile:\n${file}:3:1: Expected "}" but found ";"`);
  });

  it("picks up an edited environment file on the next load", () => {
    const file = path.join(dir, "team.ts");
    const write = (nat: string) => fs.writeFileSync(file, `export default ${JSON.stringify(withDev({ network: { natGateways: nat as "single" } }))};\n`);
    write("per-az");
    expect(loadConfig({ PLATFORM_CONFIG: file }).config.network.natGateways).toBe("per-az");
    write("single");
    const later = new Date(Date.now() + 4000);
    fs.utimesSync(file, later, later);
    expect(loadConfig({ PLATFORM_CONFIG: file }).config.network.natGateways).toBe("single");
    for (const f of fs.readdirSync(BUILD_DIR)) if (f.startsWith("module-") && fs.readFileSync(path.join(BUILD_DIR, f), "utf8").includes(dir)) built.push(path.join(BUILD_DIR, f));
  });
});
