/**
 * CDK Terrain, the maintained fork of CDKTF (docs/cdk-terrain.md): the project must keep
 * importing nothing from cdktf that the fork does not export, and the check that
 * synthesizes the project on the fork (npm run check:cdk-terrain) must judge outputs
 * right. The synthesis itself is the check's, not the suite's: it installs a second copy
 * of the project.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire, Module } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { CATALOGS_REFUSAL, catalogVariant, configFileOf, ENVIRONMENTS_REFUSAL, extraEnvironmentFiles, namesFromRefusal, UNKNOWN } from "../../ops/cdk-terrain/cases";
import { compareFile, compareOutputs, describeVerdict, type FileVerdict, isEquivalent, MAX_LISTED_DIFFERENCES, readablePath } from "../../ops/cdk-terrain/compare";
import { FORK_CONSTRUCTS, FORK_LIBRARY, forkPackageJson, forkVersion, type PackageJson } from "../../ops/cdk-terrain/fork";
import { CLI_NODE, nodeCacheDir, sha512Integrity } from "../../ops/cdk-terrain/node";
import { declaredExports, packageUses, projectFiles, projectUses } from "../../ops/cdk-terrain/sources";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const req = createRequire(path.join(PROJECT_ROOT, "package.json"));
const packageDir = (name: string) => path.dirname(req.resolve(`${name}/package.json`));
/** A module's own exports, loaded from its file past the require cache (where a stand-in may sit). */
function fresh<T = Record<string, unknown>>(file: string): T {
  const mod = { exports: {} as T };
  const wrapper = vm.runInThisContext(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file }) as (...args: unknown[]) => void;
  wrapper(mod.exports, createRequire(file), mod, file, path.dirname(file));
  return mod.exports;
}
const projectPkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as PackageJson;

describe("what the project takes from cdktf, against CDK Terrain's exports", () => {
  const uses = projectUses(PROJECT_ROOT, "cdktf");
  const fromMain = uses.filter((u) => u.specifier === "cdktf");
  const where = (name: string) => fromMain.filter((u) => u.names.includes(name)).map((u) => `${u.file}:${u.line}`);

  it("finds the imports by reading every source file of the project, tests included", () => {
    const files = new Set(uses.map((u) => u.file));
    // Not a list to keep up to date: only that the scan reaches the entry point, the stacks and the tests.
    expect(files.has("main.ts")).toBe(true);
    expect([...files].some((f) => f.startsWith("__tests__/"))).toBe(true);
    expect(files.size).toBeGreaterThan(5);
    expect(projectFiles(PROJECT_ROOT).some((f) => f.startsWith("node_modules/"))).toBe(false);
  });

  it("reads real names: each one is exported by the cdktf the project runs on", () => {
    const cdktf = declaredExports(packageDir("cdktf"));
    const names = [...new Set(fromMain.flatMap((u) => u.names))].filter((n) => n !== "*");
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !cdktf.has(n)).map((n) => `${n} (${where(n).join(", ")})`)).toEqual([]);
  });

  it(`imports nothing from cdktf that ${FORK_LIBRARY} ${forkVersion(projectPkg)} does not export`, () => {
    const fork = declaredExports(packageDir(FORK_LIBRARY));
    const names = new Set(fromMain.flatMap((u) => u.names));
    // `export * from "cdktf"` would pass on everything cdktf exports.
    const needed = names.has("*") ? [...declaredExports(packageDir("cdktf"))] : [...names];
    const missing = needed.filter((n) => !fork.has(n));
    expect(missing.map((n) => `${n} (${where(n).join(", ") || "export *"})`)).toEqual([]);
  });

  it("names no path inside cdktf that the fork lacks, nor one whose exports the fork's copy lacks", () => {
    for (const use of uses.filter((u) => u.specifier !== "cdktf")) {
      const inside = use.specifier.slice("cdktf/".length);
      const ours = Object.keys(fresh(req.resolve(use.specifier)));
      const theirs = new Set(Object.keys(fresh(req.resolve(`${FORK_LIBRARY}/${inside}`))));
      expect(ours.filter((n) => !theirs.has(n)), `${use.specifier} (${use.file}:${use.line})`).toEqual([]);
    }
  });

  it("pins the fork exactly, and the pinned version is the one installed", () => {
    const version = forkVersion(projectPkg);
    expect((req(`${FORK_LIBRARY}/package.json`) as { version: string }).version).toBe(version);
  });

  it("moves constructs to a version inside the fork's peer range", () => {
    const peer = (req(`${FORK_LIBRARY}/package.json`) as { peerDependencies: Record<string, string> }).peerDependencies.constructs;
    expect(semver.satisfies(FORK_CONSTRUCTS, peer), `${FORK_CONSTRUCTS} in ${peer}`).toBe(true);
  });
});

describe("the app bundle's stand-in for cdktf's stack-trace module", () => {
  type StackTraceModule = Record<string, (...args: unknown[]) => string[]>;
  const STACK_TRACE = "lib/tokens/private/stack-trace.js";
  // The suite loads the stand-in where cdktf's module is (vitest setupFiles), as the bundle does.
  const standIn = req(`cdktf/${STACK_TRACE}`) as StackTraceModule;
  const originals: Record<string, StackTraceModule> = { cdktf: fresh<StackTraceModule>(req.resolve(`cdktf/${STACK_TRACE}`)), [FORK_LIBRARY]: fresh<StackTraceModule>(req.resolve(`${FORK_LIBRARY}/${STACK_TRACE}`)) };

  it("is in place of cdktf's module in the tests, as in the bundle", () => {
    expect(standIn.captureStackTrace).not.toBe(originals.cdktf.captureStackTrace);
    expect(standIn.captureStackTrace.toString()).not.toBe(originals.cdktf.captureStackTrace.toString());
  });

  it("exports every function of the module it replaces, in cdktf and in the fork", () => {
    for (const [name, original] of Object.entries(originals)) {
      expect(Object.keys(original).filter((k) => typeof standIn[k] !== "function"), name).toEqual([]);
    }
  });

  it("captures a creation stack that starts at the caller, like the fork's", () => {
    function createdHere(capture: () => string[]): string[] {
      return [...capture()];
    }
    const lazy = createdHere(() => standIn.captureCreationStack());
    const original = createdHere(() => originals[FORK_LIBRARY].captureCreationStack());
    const frame = (line: string | undefined) => line?.replace(/:\d+:\d+\)?$/, "");
    expect(lazy.length).toBeGreaterThan(1);
    expect(lazy.length).toBe(original.length);
    expect(frame(lazy[1])).toBe(frame(original[1]));
    expect(lazy[1]).toContain("createdHere");
  });

  it("records no creation stack when the fork's CDKTN_DISABLE_CREATION_STACK asks it not to", () => {
    const before = process.env.CDKTN_DISABLE_CREATION_STACK;
    try {
      for (const value of ["true", "1"]) {
        process.env.CDKTN_DISABLE_CREATION_STACK = value;
        expect([...standIn.captureCreationStack()]).toEqual([]);
        expect([...originals[FORK_LIBRARY].captureCreationStack()]).toEqual([]);
      }
      process.env.CDKTN_DISABLE_CREATION_STACK = "no";
      expect(standIn.captureCreationStack().length).toBeGreaterThan(0);
    } finally {
      if (before === undefined) delete process.env.CDKTN_DISABLE_CREATION_STACK;
      else process.env.CDKTN_DISABLE_CREATION_STACK = before;
    }
  });
});

describe("reading a source file's uses of a package", () => {
  it("finds every form of import, require and type reference, with the names taken", () => {
    const text = [
      'import { App, TerraformStack as Stack, type ITerraformDependable } from "cdktf";',
      'import * as cdk from "cdktf";',
      "const t: cdk.TerraformOutput | undefined = undefined; cdk.Fn.join(',', []);",
      'import "cdktf";',
      'export { Token } from "cdktf";',
      'import Lazy = require("cdktf");',
      "Lazy.Lazy.stringValue;",
      'const { S3Backend, LocalBackend: Local } = require("cdktf");',
      'const testing = require("cdktf").Testing;',
      'type R = import("cdktf").TerraformResource;',
      'const p = require.resolve("cdktf/lib/tokens/private/stack-trace.js");',
      'const later = import("cdktf");',
      'import { App as Other } from "cdktf-cli";',
      'import { Construct } from "constructs";',
    ].join("\n");
    const uses = packageUses("sample.ts", text, "cdktf").map((u) => `${u.line} ${u.specifier} ${[...u.names].sort().join(",")}`);
    expect(uses).toEqual([
      "1 cdktf App,ITerraformDependable,TerraformStack",
      "2 cdktf Fn,TerraformOutput",
      "4 cdktf ",
      "5 cdktf Token",
      "6 cdktf Lazy",
      "8 cdktf LocalBackend,S3Backend",
      "9 cdktf Testing",
      "10 cdktf TerraformResource",
      "11 cdktf/lib/tokens/private/stack-trace.js ",
      "12 cdktf ",
    ]);
  });

  it("counts `export *` as taking the whole module", () => {
    expect(packageUses("index.ts", 'export * from "cdktf";', "cdktf")[0].names).toEqual(["*"]);
  });

  it("ignores mentions that are not module references", () => {
    expect(packageUses("notes.ts", '// import { App } from "cdktf"\nconst s = "cdktf";\nconsole.log(s);', "cdktf")).toEqual([]);
  });
});

describe("comparing a file of the two outputs", () => {
  const stack = (version: string, body: string, indent = "  ") =>
    `{\n${indent}"//": {\n${indent}${indent}"metadata": {\n${indent}${indent}${indent}"backend": "local",\n${indent}${indent}${indent}"version": "${version}"\n${indent}${indent}}\n${indent}},\n${indent}"resource": ${body}\n}`;
  const verdict = (a: string, b: string, file = "stacks/network/cdk.tf.json") => compareFile(file, Buffer.from(a), Buffer.from(b));
  const text = (v: FileVerdict) => (v.kind === "same-json" ? v.text : v.kind);

  it("calls equal bytes identical", () => {
    expect(verdict(stack("0.21.0", "{}"), stack("0.21.0", "{}"))).toEqual({ kind: "identical" });
  });

  it("sets aside the library's version in a stack's metadata and in the manifest, and names them", () => {
    const v = verdict(stack("0.21.0", '{"a": 1}'), stack("0.24.0", '{"a": 1}'));
    expect(v).toEqual({ kind: "same-json", text: "stamps-only", stamps: [{ pointer: "/~1~1/metadata/version", reference: "0.21.0", fork: "0.24.0" }] });
    expect(describeVerdict(v)).toBe("differs only in version stamps (//.metadata.version 0.21.0 → 0.24.0)");
    const manifest = verdict('{\n  "stacks": {},\n  "version": "0.21.0"\n}', '{\n  "stacks": {},\n  "version": "0.24.0"\n}', "manifest.json");
    expect(text(manifest)).toBe("stamps-only");
  });

  it("does not take another `version` for a stamp: a changed chart version is a difference", () => {
    const v = verdict(stack("0.21.0", '{"helm_release": {"x": {"version": "0.21.0"}}}'), stack("0.24.0", '{"helm_release": {"x": {"version": "0.24.0"}}}'));
    expect(v.kind).toBe("differs");
    expect(describeVerdict(v)).toBe("DIFFERS in 1 place(s): resource.helm_release.x.version: changed \"0.21.0\" → \"0.24.0\"");
    // A top-level `version` is a stamp only in the manifest.
    expect(verdict('{"version": "0.21.0"}', '{"version": "0.24.0"}', "stacks/a/cdk.tf.json").kind).toBe("differs");
  });

  it("still sees only stamps when a chart happens to carry the stamp's value on both sides", () => {
    const body = '{"helm_release": {"x": {"version": "0.24.0"}}}';
    expect(text(verdict(stack("0.21.0", body), stack("0.24.0", body)))).toBe("stamps-only");
  });

  it("tells the fork's one-line empty arrays and objects apart from other whitespace and other formatting", () => {
    const empty = verdict(stack("0.21.0", '{"a": [\n  ],\n  "b": {\n  }}'), stack("0.24.0", '{"a": [],\n  "b": {}}'));
    expect(empty).toMatchObject({ kind: "same-json", text: "empty-containers", example: { line: 8 } });
    expect(describeVerdict(empty)).toContain("in layout: empty arrays and objects on one line (first at line 8)");
    expect(text(verdict(stack("0.21.0", '{"a": 1}'), stack("0.24.0", '{"a": 1}', "    ")))).toBe("whitespace");
    expect(text(verdict(stack("0.21.0", '{"a": 1.0}'), stack("0.24.0", '{"a": 1}')))).toBe("other-formatting");
    expect(text(verdict(stack("0.21.0", '{"a": "\\u0041"}'), stack("0.24.0", '{"a": "A"}')))).toBe("other-formatting");
    // Whitespace inside a string is content, not layout.
    expect(text(verdict(stack("0.21.0", '{"a": "x  y"}'), stack("0.24.0", '{"a": "x y"}')))).toBe("differs");
  });

  it("reports keys on one side only, changed values, lengths and key order by JSON Pointer", () => {
    const v = verdict('{"a": {"x": 1, "y": 2}, "l": [1, 2], "o": {"p": 1, "q": 2}}', '{"a": {"x": 3, "z": 4}, "l": [1], "o": {"q": 2, "p": 1}}');
    expect(v.kind === "differs" && v.differences).toEqual([
      { pointer: "/a/y", kind: "only-reference", reference: "2" },
      { pointer: "/a/z", kind: "only-fork", fork: "4" },
      { pointer: "/a/x", kind: "changed", reference: "1", fork: "3" },
      { pointer: "/l/1", kind: "only-reference", reference: "2" },
      { pointer: "/o", kind: "key-order", reference: "p,q", fork: "q,p" },
    ]);
    expect(isEquivalent(v)).toBe(false);
  });

  it(`lists the first ${MAX_LISTED_DIFFERENCES} differences and counts them all`, () => {
    const many = (n: number) => JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, n])));
    const v = verdict(many(1), many(2));
    expect(v.kind === "differs" && [v.differences.length, v.total]).toEqual([MAX_LISTED_DIFFERENCES, 30]);
    expect(describeVerdict(v)).toMatch(/; and 10 more$/);
  });

  it("compares bytes when a file is not JSON", () => {
    expect(verdict("plain", "other").kind).toBe("differs");
    expect(verdict("plain", "plain").kind).toBe("identical");
  });

  it("fails a file present on one side only, and compares the union of files in path order", () => {
    const ref = new Map([["manifest.json", Buffer.from("{}")], ["stacks/a/cdk.tf.json", Buffer.from("{}")]]);
    const fork = new Map([["manifest.json", Buffer.from("{}")], ["stacks/b/cdk.tf.json", Buffer.from("{}")]]);
    const result = compareOutputs(ref, fork).map((c) => [c.file, c.verdict.kind, isEquivalent(c.verdict)]);
    expect(result).toEqual([
      ["manifest.json", "identical", true],
      ["stacks/a/cdk.tf.json", "only-reference", false],
      ["stacks/b/cdk.tf.json", "only-fork", false],
    ]);
  });

  it("writes JSON Pointers the way a reader writes paths", () => {
    expect(readablePath("/~1~1/metadata/version")).toBe("//.metadata.version");
    expect(readablePath("/resource/aws_iam_role/x/tags/kubernetes.io~1cluster")).toBe('resource.aws_iam_role.x.tags["kubernetes.io/cluster"]');
    expect(readablePath("/list/2/name")).toBe("list[2].name");
  });
});

describe("what the check learns from the app: environments, catalogs, the config file read", () => {
  const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
  const runApp = (selection: Record<string, string>) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cdk-terrain-cases-"));
    const env: NodeJS.ProcessEnv = { ...process.env, ...selection, CDKTF_OUTDIR: path.join(out, "cdktf.out") };
    for (const key of ["PLATFORM_ENV", "PLATFORM_CONFIG"]) if (!(key in selection)) delete env[key];
    try {
      const r = spawnSync("bash", ["-c", app], { cwd: PROJECT_ROOT, env, encoding: "utf8" });
      return { status: r.status ?? 1, output: `${r.stderr}\n${r.stdout}`, stdout: r.stdout, out };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  };

  it("lists the environments when it refuses an unknown PLATFORM_ENV", () => {
    const r = runApp({ PLATFORM_ENV: UNKNOWN });
    // dev is the embedded default the README's first command synthesizes.
    expect(namesFromRefusal(r.status, r.output, ENVIRONMENTS_REFUSAL), r.output).toContain("dev");
  });

  it("names the config file it read, and lists the catalogs when a generated variant names an unknown one", () => {
    const dev = runApp({ PLATFORM_ENV: "dev" });
    const file = configFileOf(dev.stdout);
    expect(file && fs.existsSync(path.join(PROJECT_ROOT, file)), dev.stdout).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdk-terrain-variant-"));
    try {
      const refused = runApp({ PLATFORM_CONFIG: catalogVariant(dir, PROJECT_ROOT, file!, "dev", UNKNOWN) });
      // "reference" is the catalog dev deploys (the generated config changed only the catalog).
      expect(namesFromRefusal(refused.status, refused.output, CATALOGS_REFUSAL), refused.output).toContain("reference");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads nothing from an accepted selection or another refusal", () => {
    expect(namesFromRefusal(0, "use one of dev, prod", ENVIRONMENTS_REFUSAL)).toBeUndefined();
    expect(namesFromRefusal(1, "PLATFORM_CONFIG points at x.yaml, which does not exist", ENVIRONMENTS_REFUSAL)).toBeUndefined();
    expect(configFileOf("Synthesized cdktf.out from config/environments/prod.ts with pull-request plan stand-ins\n")).toBe("config/environments/prod.ts");
    expect(configFileOf("WARNING: something\n")).toBeUndefined();
    expect(extraEnvironmentFiles(["ops/terraform/environments/karpenter.ts", "ops/terraform/environments/README.md", "config/environments/dev.ts"])).toEqual(["ops/terraform/environments/karpenter.ts"]);
  });
});

describe("the scratch copy's package.json", () => {
  const version = forkVersion(projectPkg);
  const { pkg, changes } = forkPackageJson(projectPkg, version);

  it("loads the fork under the name cdktf, for the project and for the prebuilt @cdktf providers", () => {
    expect(pkg.dependencies?.cdktf).toBe(`npm:cdktn@${version}`);
    expect(pkg.overrides?.cdktf).toBe("$cdktf");
    expect(pkg.dependencies?.constructs).toBe(FORK_CONSTRUCTS);
    // The providers stay as they are: the fork publishes no kubernetes, helm or http provider.
    for (const [name, v] of Object.entries(projectPkg.dependencies ?? {})) if (name.startsWith("@cdktf/provider-")) expect(pkg.dependencies?.[name]).toBe(v);
  });

  it("swaps the CLI and the scripts that call it, and says so", () => {
    expect(pkg.devDependencies?.["cdktf-cli"]).toBeUndefined();
    expect(pkg.devDependencies?.["cdktn-cli"]).toBe(version);
    for (const script of Object.values(pkg.scripts ?? {})) expect(script).not.toMatch(/(^|\s)cdktf\s/);
    expect(pkg.scripts?.synth).toMatch(/(^|\s)cdktn synth/);
    expect(changes).toContain(`devDependencies: cdktf-cli ${projectPkg.devDependencies?.["cdktf-cli"]} → cdktn-cli ${version}`);
    // The project's own package.json is left as it is.
    expect(projectPkg.dependencies?.cdktf).not.toMatch(/^npm:/);
  });

  it("refuses a package.json that does not depend on cdktf, or pins the fork loosely", () => {
    expect(() => forkPackageJson({ dependencies: { constructs: "10.4.2" } }, version)).toThrow("declares no dependency on cdktf");
    expect(() => forkVersion({ devDependencies: { cdktn: "^0.24.0" } })).toThrow('must pin cdktn to an exact version in devDependencies (found "^0.24.0")');
  });
});

describe("the Node.js the fork's CLI runs on", () => {
  it("is pinned with the sha512 of its npm package, in the format npm reports", () => {
    for (const pin of Object.values(CLI_NODE.packages)) expect(pin.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "integrity-"));
    try {
      fs.writeFileSync(path.join(dir, "f"), "abc");
      expect(sha512Integrity(path.join(dir, "f"))).toBe("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is cached outside the repository", () => {
    expect(path.relative(PROJECT_ROOT, nodeCacheDir()).startsWith("..")).toBe(true);
  });
});
