"use strict";
/**
 * Ahead-of-time compilation of the project's TypeScript, with a freshness check, so the
 * app command runs plain JavaScript without a TypeScript loader and still never runs
 * stale code.
 *
 * A build bundles an entry file (and, for the app, the packages it imports) with esbuild
 * into .build/<name>.<content hash>.cjs and records every input file's size and mtime in
 * .build/<name>.json, with the paths resolution reads that esbuild does not list (tsconfig,
 * package.json files, shadowing files, nested node_modules: resolutionProbes). A later run
 * stats those (a few milliseconds) and rebuilds when any differs, so an edit to a stack, a catalog, an
 * environment file or an installed package is picked up by the next synth. Bundles are
 * content-addressed, so processes running at the same time never read a half-written or
 * mismatched file.
 *
 * Plain JavaScript on purpose: this is what runs before anything is compiled.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");
const { spawnSync } = require("node:child_process");

const PROJECT_ROOT = path.resolve(__dirname, "..");
const BUILD_DIR = path.join(PROJECT_ROOT, ".build");
/** cdktf's per-token stack traces, captured as before but formatted only when read. */
const LAZY_STACK_TRACE = path.join(__dirname, "lazy-stack-trace.cjs");

/**
 * esbuild rewrites a bundled file's __dirname/__filename to the bundle's folder. The
 * project's sources read files next to them (charts/ values), so each source's own
 * folder is restored relative to the bundle, which keeps working wherever the project is.
 */
const sourcePaths = {
  name: "source-paths",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = fs.readFileSync(args.path, "utf8");
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined;
      const fromBundle = (p) => JSON.stringify(path.relative(BUILD_DIR, p).split(path.sep).join("/"));
      const dir = `require("node:path").join(__dirname, ${fromBundle(path.dirname(args.path))})`;
      const file = `require("node:path").join(__dirname, ${fromBundle(args.path)})`;
      const contents = text.replace(/\b__dirname\b/g, `(${dir})`).replace(/\b__filename\b/g, `(${file})`);
      return { contents, loader: path.extname(args.path).slice(1).replace(/^[cm]/, "") };
    });
  },
};

/**
 * cdktf formats a full stack trace for every token it creates; the bundle takes them
 * lazily instead (input/lazy-stack-trace.cjs says why).
 */
const lazyStackTraces = {
  name: "lazy-stack-traces",
  setup(build) {
    build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
      contents: fs.readFileSync(LAZY_STACK_TRACE, "utf8"),
      loader: "js",
    }));
  },
};

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function stamp(file) {
  const s = fs.statSync(file);
  return [s.size, s.mtimeMs];
}

function isFresh(record, key) {
  if (!record || record.key !== key || !record.probes || !fs.existsSync(path.join(BUILD_DIR, record.bundle))) return false;
  for (const [file, [size, mtime]] of Object.entries(record.inputs)) {
    let now;
    try {
      now = stamp(path.resolve(PROJECT_ROOT, file));
    } catch {
      return false;
    }
    if (now[0] !== size || now[1] !== mtime) return false;
  }
  for (const [file, was] of Object.entries(record.probes)) {
    if (JSON.stringify(probe(path.resolve(PROJECT_ROOT, file))) !== JSON.stringify(was)) return false;
  }
  return true;
}

/**
 * What a path is, for the files resolution reads without listing them as inputs: absent
 * (null), a folder ("dir": only its existence matters) or a file ([size, mtime]).
 */
function probe(file) {
  const s = fs.statSync(file, { throwIfNoEntry: false });
  if (!s) return null;
  return s.isDirectory() ? "dir" : [s.size, s.mtimeMs];
}

// esbuild's resolveExtensions, in the order it tries them.
const RESOLVE_EXTENSIONS = [".tsx", ".ts", ".jsx", ".js", ".css", ".json"];

/**
 * The paths whose change alters a bundle without touching one of esbuild's listed inputs
 * (issue #29): the tsconfig.json/jsconfig.json esbuild reads for each source (and what they
 * extend), package.json files (a dependency's `exports`/`main`), a node_modules folder that
 * appears nearer to a source than the one it resolved from, and a file that would win the
 * resolution of an import (a `foo.ts` added beside `foo/index.ts`, a `.tsx` beside a `.ts`).
 * Only stats at check time; the list is built once per build.
 */
function resolutionProbes(inputFiles) {
  const paths = new Set();
  const dirs = new Set();
  for (const rel of inputFiles) {
    const file = path.resolve(PROJECT_ROOT, rel);
    const parts = file.split(path.sep);
    const nm = parts.lastIndexOf("node_modules");
    if (nm >= 0) {
      // A package's own package.json decides its entry points and exports.
      const depth = parts[nm + 1]?.startsWith("@") ? 3 : 2;
      paths.add(path.join(parts.slice(0, nm + depth).join(path.sep), "package.json"));
      continue;
    }
    const dir = path.dirname(file);
    const ext = path.extname(file);
    const stem = path.join(dir, path.basename(file, ext));
    const at = RESOLVE_EXTENSIONS.indexOf(ext);
    for (const earlier of at >= 0 ? RESOLVE_EXTENSIONS.slice(0, at) : []) paths.add(stem + earlier);
    // `./foo` tries foo.<ext> before foo/index.<ext>.
    if (path.basename(file, ext) === "index") for (const e of RESOLVE_EXTENSIONS) paths.add(dir + e);
    for (let d = dir; !dirs.has(d); d = path.dirname(d)) {
      dirs.add(d);
      if (path.dirname(d) === d) break;
    }
  }
  for (const d of dirs) {
    for (const name of ["tsconfig.json", "jsconfig.json", "package.json", "node_modules"]) paths.add(path.join(d, name));
  }
  for (const tsconfig of [...paths].filter((p) => /[\\/][tj]sconfig\.json$/.test(p))) {
    for (const extended of tsconfigExtends(tsconfig)) paths.add(extended);
  }
  const probes = {};
  for (const p of paths) probes[path.relative(PROJECT_ROOT, p)] = probe(p);
  return probes;
}

/** The files a tsconfig extends (relative `extends` only; a package's config is under node_modules, probed as a package). */
function tsconfigExtends(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  let config;
  try {
    // tsconfig allows comments and trailing commas; strip the common forms before parsing.
    const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "").replace(/,(\s*[}\]])/g, "$1");
    config = JSON.parse(text);
  } catch {
    return [];
  }
  const found = [];
  for (const ext of [config?.extends ?? []].flat()) {
    if (typeof ext !== "string" || !ext.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), ext.endsWith(".json") ? ext : `${ext}.json`);
    found.push(target, ...tsconfigExtends(target, seen));
  }
  return found;
}

/** Writes a file so that readers see either the old content or the new, never a part. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** What a bundle depends on besides its inputs: this builder itself, esbuild, Node. */
function buildKey(abs, packages) {
  const esbuildVersion = readJson(path.join(PROJECT_ROOT, "node_modules", "esbuild", "package.json"))?.version;
  const builder = crypto.createHash("sha256").update(fs.readFileSync(__filename)).update(fs.readFileSync(LAZY_STACK_TRACE)).digest("hex").slice(0, 16);
  return JSON.stringify([builder, abs, packages, esbuildVersion, process.versions.node]);
}

/**
 * Returns the path of a fresh CommonJS bundle of `entry`, building it when an input
 * changed since the last build.
 *
 * @param {string} entry the TypeScript entry file (absolute, or relative to the project)
 * @param {{ name?: string, packages?: "bundle" | "external" }} [options]
 *   name: the bundle's name in .build/ (default: derived from the entry's path);
 *   packages: "bundle" inlines node_modules too (one file to read and compile instead of
 *   hundreds, the app's case), "external" leaves them to require (default "bundle").
 */
function compile(entry, options = {}) {
  const abs = path.resolve(PROJECT_ROOT, entry);
  const name = options.name ?? `module-${crypto.createHash("sha256").update(abs).digest("hex").slice(0, 16)}`;
  const packages = options.packages ?? "bundle";
  const record = readJson(path.join(BUILD_DIR, `${name}.json`));
  if (isFresh(record, buildKey(abs, packages))) return path.join(BUILD_DIR, record.bundle);
  // esbuild runs plugins only in its asynchronous API; a child process keeps compile() synchronous.
  const run = spawnSync(process.execPath, [__filename, JSON.stringify({ abs, name, packages })], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${path.relative(PROJECT_ROOT, abs) || abs} does not compile:\n${(run.stderr || run.error?.message || "").trim()}`);
  return run.stdout.trim();
}

/** The build itself, in its own process (see compile()). Prints the bundle's path. */
async function build({ abs, name, packages }) {
  const esbuild = require("esbuild");
  const started = Date.now();
  const result = await esbuild.build({
    entryPoints: [abs],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    // Only the compilers stay outside: they are loaded, if ever, for other files.
    external: packages === "bundle" ? ["esbuild", "tsx", "tsx/*"] : undefined,
    packages: packages === "external" ? "external" : undefined,
    plugins: [sourcePaths, lazyStackTraces],
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const hash = crypto.createHash("sha256").update(code).digest("hex").slice(0, 16);
  const bundle = `${name}.${hash}.cjs`;
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  if (!fs.existsSync(path.join(BUILD_DIR, bundle))) writeAtomic(path.join(BUILD_DIR, bundle), code);
  const inputs = {};
  let editedDuringBuild = false;
  for (const file of Object.keys(result.metafile.inputs)) {
    // Plugin namespaces and esbuild's own helpers are not files.
    if (file.includes(":")) continue;
    const s = stamp(path.resolve(PROJECT_ROOT, file));
    if (s[1] > started) editedDuringBuild = true;
    inputs[file] = s;
  }
  // An input edited while building may not be in the bundle: leave no record, so the next run builds again.
  const probes = resolutionProbes(Object.keys(inputs));
  if (!editedDuringBuild) writeAtomic(path.join(BUILD_DIR, `${name}.json`), JSON.stringify({ key: buildKey(abs, packages), bundle, inputs, probes }));
  for (const old of fs.readdirSync(BUILD_DIR)) {
    if (old.startsWith(`${name}.`) && old !== bundle && old !== `${name}.json` && !old.startsWith(`${bundle}.`) && !old.endsWith(".tmp")) {
      fs.rmSync(path.join(BUILD_DIR, old), { force: true });
    }
  }
  process.stdout.write(path.join(BUILD_DIR, bundle) + "\n");
}

/**
 * Runs a bundle as the main module, with a V8 code cache next to it: compiling the
 * bundle's 6 MB is most of the start-up, and V8 can skip it when it has compiled the same
 * source before. The cache is written after the first successful run, so it holds the
 * functions that run actually compiled.
 *
 * @param {string} bundle path returned by compile()
 */
function runMain(bundle) {
  const source = fs.readFileSync(bundle, "utf8");
  const cacheFile = `${bundle}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = new Module(bundle, null);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  require.cache[bundle] = mod;
  const fn = script.runInThisContext();
  fn.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  if (!cachedData || script.cachedDataRejected) {
    try {
      writeAtomic(cacheFile, script.createCachedData());
    } catch {
      // A read-only checkout still synthesizes, only without the cache.
    }
  }
}

module.exports = { compile, runMain, BUILD_DIR };

if (require.main === module) {
  build(JSON.parse(process.argv[2])).catch((e) => {
    // Files inside the project by their project path, others by their full path.
    const where = (file) => (file.startsWith("..") ? path.resolve(PROJECT_ROOT, file) : file);
    process.stderr.write(`${(e.errors ?? []).map((m) => (m.location ? `${where(m.location.file)}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join("\n") || e.stack}\n`);
    process.exit(1);
  });
}
