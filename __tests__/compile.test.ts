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

describe("the compile cache follows what resolution reads, not only esbuild's inputs", () => {
  let n = 0;
  let writes = 0;
  const started = Date.now() - 600_000;
  /** A fresh folder per case, so one case's files cannot resolve another's imports. */
  const project = (files: Record<string, string>): string => {
    const root = path.join(dir, `resolution-${n++}`);
    for (const [file, text] of Object.entries(files)) write(path.join(root, file), text);
    return root;
  };
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    // In the past (a build ignores what changes while it runs) and later than anything
    // written before, whatever the file system's time resolution.
    const at = new Date(started + 1000 * ++writes);
    fs.utimesSync(file, at, at);
  };
  const recordOf = (bundle: string) => bundle.replace(/\.[0-9a-f]{16}\.cjs$/, ".json");
  /** Builds, and proves the cache would be reused before the change under test. */
  const first = (entry: string, value: string) => {
    expect(load(entry).value).toBe(value);
    expect(compile(entry)).toBe(built[built.length - 1]);
  };

  it("an unchanged project reuses the bundle without rewriting its record", () => {
    const root = project({ "entry.ts": 'import { word } from "./lib";\nexport const value = word;\n', "lib/index.ts": 'export const word = "index";\n' });
    const entry = path.join(root, "entry.ts");
    expect(load(entry).value).toBe("index");
    const record = recordOf(built[built.length - 1]);
    const before = fs.statSync(record).mtimeMs;
    expect(compile(entry)).toBe(built[built.length - 1]);
    expect(fs.statSync(record).mtimeMs).toBe(before);
  });

  it("rebuilds when a tsconfig.json changes how an import resolves", () => {
    const tsconfig = (target: string) => JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@word": [target] } } });
    const root = project({
      "tsconfig.json": tsconfig("./word-a.ts"),
      "word-a.ts": 'export const word = "a";\n',
      "word-b.ts": 'export const word = "b";\n',
      "entry.ts": 'import { word } from "@word";\nexport const value = word;\n',
    });
    const entry = path.join(root, "entry.ts");
    first(entry, "a");
    write(path.join(root, "tsconfig.json"), tsconfig("./word-b.ts"));
    expect(load(entry).value).toBe("b");
  });

  it("rebuilds when a tsconfig.json it extends changes", () => {
    const base = (target: string) => JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@word": [target] } } });
    const root = project({
      "base.json": base("./word-a.ts"),
      "tsconfig.json": '{\n  // comments are allowed here\n  "extends": "./base.json",\n}\n',
      "word-a.ts": 'export const word = "a";\n',
      "word-b.ts": 'export const word = "b";\n',
      "entry.ts": 'import { word } from "@word";\nexport const value = word;\n',
    });
    const entry = path.join(root, "entry.ts");
    first(entry, "a");
    write(path.join(root, "base.json"), base("./word-b.ts"));
    expect(load(entry).value).toBe("b");
  });

  it("rebuilds when a dependency's package.json points elsewhere (its main or exports)", () => {
    const root = project({
      "node_modules/dep/package.json": JSON.stringify({ name: "dep", main: "a.js" }),
      "node_modules/dep/a.js": 'exports.word = "a";\n',
      "node_modules/dep/b.js": 'exports.word = "b";\n',
      "entry.ts": 'import { word } from "dep";\nexport const value: string = word;\n',
    });
    const entry = path.join(root, "entry.ts");
    first(entry, "a");
    write(path.join(root, "node_modules/dep/package.json"), JSON.stringify({ name: "dep", exports: { ".": "./b.js" } }));
    expect(load(entry).value).toBe("b");
  });

  it("rebuilds when a new foo.ts beside foo/index.ts takes over the import", () => {
    const root = project({ "entry.ts": 'import { word } from "./lib";\nexport const value = word;\n', "lib/index.ts": 'export const word = "index";\n' });
    const entry = path.join(root, "entry.ts");
    first(entry, "index");
    write(path.join(root, "lib.ts"), 'export const word = "sibling";\n');
    expect(load(entry).value).toBe("sibling");
  });

  it("rebuilds when a .tsx beside a .ts takes over the import", () => {
    const root = project({ "entry.ts": 'import { word } from "./word";\nexport const value = word;\n', "word.ts": 'export const word = "ts";\n' });
    const entry = path.join(root, "entry.ts");
    first(entry, "ts");
    write(path.join(root, "word.tsx"), 'export const word = "tsx";\n');
    expect(load(entry).value).toBe("tsx");
  });

  it("rebuilds when a nested node_modules appears nearer to the importing file", () => {
    const root = project({
      "node_modules/dep/package.json": JSON.stringify({ name: "dep", main: "index.js" }),
      "node_modules/dep/index.js": 'exports.word = "outer";\n',
      "app/entry.ts": 'import { word } from "dep";\nexport const value: string = word;\n',
    });
    const entry = path.join(root, "app/entry.ts");
    first(entry, "outer");
    write(path.join(root, "app/node_modules/dep/package.json"), JSON.stringify({ name: "dep", main: "index.js" }));
    write(path.join(root, "app/node_modules/dep/index.js"), 'exports.word = "nested";\n');
    expect(load(entry).value).toBe("nested");
  });
});

