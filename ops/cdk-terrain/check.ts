import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import semver from "semver";
import { compareOutputs, describeVerdict, type FileComparison, isEquivalent } from "./compare";
import { FORK_CLI, FORK_CONSTRUCTS, FORK_LIBRARY, forkPackageJson, forkVersion, type PackageJson } from "./fork";
import { extractSynthWarnings } from "../synth-warnings";
import { CATALOGS_REFUSAL, catalogVariant, configFileOf, ENVIRONMENTS_REFUSAL, extraEnvironmentFiles, namesFromRefusal, UNKNOWN } from "./cases";
import { checkCacheDir, CLI_NODE, ensureCliNode } from "./node";
import { projectFiles } from "./sources";

/**
 * The CDK Terrain compatibility check (docs/cdk-terrain.md):
 *
 *   npm run check:cdk-terrain     the report lands in .scratch/cdk-terrain/ (report.md, report.json, logs/)
 *
 * It copies the project (every file git tracks or would track) to a scratch folder outside
 * it (<cache>/eks-mesh-platform/cdk-terrain/work/project, whose node_modules is kept from run
 * to run: installing into it again takes seconds, deleting it took minutes), moves that copy's package.json to the fork (ops/cdk-terrain/fork.ts), installs it,
 * type-checks it, and synthesizes every shipped environment, each with every shipped
 * catalog, on both sides: the project as it is (cdktf) and the copy (cdktn). Then the same
 * through each side's CLI (`npm run synth`: cdktf-cli on this Node.js, cdktn-cli on a
 * Node.js it supports). Environments and catalogs are the ones the app itself names, so
 * the check follows files that move. Exit 0 only when every file is the same JSON on both
 * sides (identical, or differing in the library's version stamp and layout).
 */

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const REPORT_DIR = path.join(PROJECT_ROOT, ".scratch", "cdk-terrain");
const LOG_DIR = path.join(REPORT_DIR, "logs");

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

interface SynthCase {
  readonly name: string;
  /** PLATFORM_ENV / PLATFORM_CONFIG for each side (a generated config differs in its path only). */
  readonly reference: Record<string, string>;
  readonly fork: Record<string, string>;
}

interface CaseResult {
  readonly name: string;
  readonly mode: "library" | "cli";
  readonly reference: { seconds: number; status: number; log: string };
  readonly fork: { seconds: number; status: number; log: string };
  readonly files: readonly FileComparison[];
  /** CLI only: the warnings the plan comment reads from each CLI's output (ops/synth-warnings.ts). */
  readonly warnings?: { readonly reference: number; readonly fork: number; readonly same: boolean };
  readonly error?: string;
}

interface Step {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail: string;
}

const started = Date.now();
const steps: Step[] = [];
const results: CaseResult[] = [];

function say(line: string): void {
  console.log(`[cdk-terrain ${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s] ${line}`);
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; log?: string }): Run {
  const t = Date.now();
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const result = { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}`, seconds: (Date.now() - t) / 1000 };
  if (options.log) fs.writeFileSync(path.join(LOG_DIR, options.log), `$ (cd ${options.cwd} && ${command} ${args.join(" ")})\nexit ${result.status} after ${result.seconds.toFixed(1)} s\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  return result;
}

/** A step that must pass for the rest to mean anything; a failure stops the check. */
function step<T>(name: string, body: () => { value: T; detail: string }): T {
  const t = Date.now();
  say(`${name} ...`);
  try {
    const { value, detail } = body();
    steps.push({ name, ok: true, seconds: (Date.now() - t) / 1000, detail });
    say(`${name}: ${detail} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    return value;
  } catch (e) {
    steps.push({ name, ok: false, seconds: (Date.now() - t) / 1000, detail: (e as Error).message });
    throw new StepFailed(`${name}: ${(e as Error).message}`);
  }
}

class StepFailed extends Error {}
class LockHeld extends Error {}

/** One check at a time per machine: they share the scratch copy. Returns the release. */
function lock(file: string): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(fs.readFileSync(file, "utf8"));
      if (holder && alive(holder)) throw new LockHeld(`another check:cdk-terrain (pid ${holder}) is using ${path.dirname(file)}; run this one after it`);
      fs.rmSync(file, { force: true }); // left by a run that was killed
    }
  }
  throw new LockHeld(`could not take ${file}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The environment a synth runs in: no selection, outdir or Node.js inherited from the caller. */
function synthEnv(selection: Record<string, string>, nodeBin?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", ...selection };
  for (const key of ["PLATFORM_ENV", "PLATFORM_CONFIG", "CDKTF_OUTDIR", "CDKTF_CONTEXT_JSON"]) if (!(key in selection)) delete env[key];
  if (nodeBin) env.PATH = `${nodeBin}${path.delimiter}${env.PATH ?? ""}`;
  return env;
}

/** Runs the app command of cdktf.json (what either CLI runs) into `outdir`. */
function synthApp(root: string, outdir: string, selection: Record<string, string>, log: string): Run {
  const { app } = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { app: string };
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  return run("bash", ["-c", app], { cwd: root, env: { ...synthEnv(selection), CDKTF_OUTDIR: outdir }, log });
}

/** `npm run synth -- --output <outdir>`: the project's own synth command, through its CLI. */
function synthCli(root: string, outdir: string, selection: Record<string, string>, log: string, nodeBin?: string): Run {
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  return run("npm", ["run", "--silent", "synth", "--", "--output", outdir], { cwd: root, env: { ...synthEnv(selection, nodeBin), CI: "true" }, log });
}

function readOutput(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else files.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  if (fs.existsSync(dir)) walk("");
  return files;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/** Every `node_modules/<name>/package.json` under a tree, nested copies included. */
function installedCopies(nodeModules: string, name: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const pkgDir = path.join(dir, e.name);
      if (e.name.startsWith("@")) {
        for (const s of fs.readdirSync(pkgDir, { withFileTypes: true })) if (s.isDirectory()) visit(path.join(pkgDir, s.name, "node_modules"));
        continue;
      }
      if (e.name === name && fs.existsSync(path.join(pkgDir, "package.json"))) found.push(path.join(pkgDir, "package.json"));
      visit(path.join(pkgDir, "node_modules"));
    }
  };
  visit(nodeModules);
  return found;
}

function compareCase(name: string, mode: "library" | "cli", ref: Run, fork: Run, refDir: string, forkDir: string, logs: [string, string]): CaseResult {
  const base = { name, mode, reference: { seconds: ref.seconds, status: ref.status, log: logs[0] }, fork: { seconds: fork.seconds, status: fork.status, log: logs[1] } };
  if (ref.status !== 0 || fork.status !== 0) {
    const which = ref.status !== 0 ? `the reference synth failed (exit ${ref.status}; .scratch/cdk-terrain/logs/${logs[0]})` : `the fork's synth failed (exit ${fork.status}; .scratch/cdk-terrain/logs/${logs[1]}): ${lastLines(fork.stderr || fork.stdout)}`;
    return { ...base, files: [], error: which };
  }
  return { ...base, files: compareOutputs(readOutput(refDir), readOutput(forkDir)) };
}

function lastLines(text: string, n = 6): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

function caseOk(r: CaseResult): boolean {
  return !r.error && r.files.length > 0 && r.files.every((f) => isEquivalent(f.verdict));
}

function main(): number {
  const work = path.join(checkCacheDir(), "work");
  let unlock: () => void;
  try {
    unlock = lock(path.join(work, ".lock"));
  } catch (e) {
    if (!(e instanceof LockHeld)) throw e;
    console.error(`check:cdk-terrain: ${e.message}`);
    return 1;
  }
  try {
    return check(work);
  } finally {
    unlock();
  }
}

function check(work: string): number {
  fs.rmSync(REPORT_DIR, { recursive: true, force: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const projectPkg = readJson<PackageJson>(path.join(PROJECT_ROOT, "package.json"));
  const version = forkVersion(projectPkg);
  if (!fs.existsSync(path.join(PROJECT_ROOT, "node_modules", "cdktf-cli", "package.json"))) {
    console.error("check:cdk-terrain compares with the project as installed: run `npm ci` first");
    return 1;
  }
  const refLibrary = readJson<{ version: string }>(path.join(PROJECT_ROOT, "node_modules", "cdktf", "package.json")).version;
  const refCli = readJson<{ version: string }>(path.join(PROJECT_ROOT, "node_modules", "cdktf-cli", "package.json")).version;
  say(`CDK Terrain ${version} (${FORK_LIBRARY}, ${FORK_CLI} on Node.js ${CLI_NODE.version}) against cdktf ${refLibrary} (cdktf-cli ${refCli} on Node.js ${process.versions.node})`);

  const scratch = path.join(work, "project");
  const outputs = path.join(work, "out");
  let changes: string[] = [];
  try {
    // Everything from the last run but the installed packages.
    fs.rmSync(outputs, { recursive: true, force: true });
    fs.rmSync(path.join(work, "variants"), { recursive: true, force: true });
    fs.mkdirSync(scratch, { recursive: true });
    for (const entry of fs.readdirSync(scratch)) if (entry !== "node_modules") fs.rmSync(path.join(scratch, entry), { recursive: true, force: true });

    const nodeBin = step(`Node.js ${CLI_NODE.version} for ${FORK_CLI}`, () => {
      const bin = ensureCliNode(say);
      return { value: bin, detail: `${path.join(bin, "node")} (sha512 of the npm package and sha256 of the binary checked)` };
    });

    step("scratch copy of the project", () => {
      const files = projectFiles(PROJECT_ROOT);
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(scratch, f)), { recursive: true });
        fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(scratch, f));
      }
      const moved = forkPackageJson(projectPkg, version);
      changes = moved.changes;
      fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify(moved.pkg, null, 2) + "\n");
      return { value: undefined, detail: `${files.length} files in ${scratch}; package.json: ${changes.length} changes` };
    });

    step("npm install in the scratch copy (from the project's lockfile)", () => {
      // The copied lockfile keeps every package the project pins; npm resolves only what changed.
      const r = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: scratch, log: "npm-install.log" });
      if (r.status !== 0) throw new Error(`npm install failed (exit ${r.status}; .scratch/cdk-terrain/logs/npm-install.log):\n${lastLines(r.stderr, 15)}`);
      return { value: undefined, detail: "installed" };
    });

    step("the scratch copy loads the fork, and only the fork", () => {
      const nm = path.join(scratch, "node_modules");
      const alias = readJson<{ name: string; version: string }>(path.join(nm, "cdktf", "package.json"));
      if (alias.name !== FORK_LIBRARY || alias.version !== version) throw new Error(`node_modules/cdktf is ${alias.name}@${alias.version}, not ${FORK_LIBRARY}@${version}`);
      const realCdktf = installedCopies(nm, "cdktf").filter((f) => readJson<{ name: string }>(f).name === "cdktf");
      if (realCdktf.length) throw new Error(`CDKTF itself is still installed at ${realCdktf.map((f) => path.relative(scratch, path.dirname(f))).join(", ")}`);
      const req = createRequire(path.join(scratch, "package.json"));
      const constructs = (req("constructs/package.json") as { version: string }).version;
      const peer = readJson<{ peerDependencies: Record<string, string> }>(path.join(nm, "cdktf", "package.json")).peerDependencies.constructs;
      if (constructs !== FORK_CONSTRUCTS || !semver.satisfies(constructs, peer)) throw new Error(`constructs ${constructs} is installed; the fork needs ${peer} and the check pins ${FORK_CONSTRUCTS}`);
      const cli = readJson<{ version: string; engines?: { node?: string } }>(path.join(nm, FORK_CLI, "package.json"));
      if (cli.version !== version) throw new Error(`${FORK_CLI} ${cli.version} is installed, not ${version}`);
      if (cli.engines?.node && !semver.satisfies(CLI_NODE.version, cli.engines.node)) throw new Error(`${FORK_CLI} ${version} requires Node.js ${cli.engines.node}; ops/cdk-terrain/node.ts pins ${CLI_NODE.version}`);
      return { value: undefined, detail: `cdktf → ${alias.name}@${alias.version}, no cdktf left in the tree, constructs ${constructs} (fork needs ${peer}), ${FORK_CLI} ${cli.version} (needs Node.js ${cli.engines?.node ?? "any"})` };
    });

    step("type-check of the whole project against the fork's declarations", () => {
      const r = run(process.execPath, [path.join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: scratch, log: "typecheck.log" });
      if (r.status !== 0) throw new Error(`tsc found errors (.scratch/cdk-terrain/logs/typecheck.log):\n${lastLines(r.stdout, 20)}`);
      return { value: undefined, detail: "no errors" };
    });

    const cases = step("shipped environments, as the app names them", () => {
      const refusal = synthApp(PROJECT_ROOT, path.join(outputs, "list", "cdktf.out"), { PLATFORM_ENV: UNKNOWN }, "list-environments.log");
      const envs = namesFromRefusal(refusal.status, `${refusal.stderr}\n${refusal.stdout}`, ENVIRONMENTS_REFUSAL);
      if (!envs) throw new Error(`the app did not list its environments when refusing PLATFORM_ENV=${UNKNOWN} (exit ${refusal.status}):\n${lastLines(refusal.stderr || refusal.stdout)}`);
      const extra = extraEnvironmentFiles(projectFiles(PROJECT_ROOT));
      const base: SynthCase[] = [
        ...envs.map((e) => ({ name: e, reference: { PLATFORM_ENV: e }, fork: { PLATFORM_ENV: e } })),
        ...extra.map((f) => ({ name: path.basename(f, path.extname(f)), reference: { PLATFORM_CONFIG: f }, fork: { PLATFORM_CONFIG: f } })),
      ];
      return { value: base, detail: `environments ${envs.join(", ")}; extra environment files ${extra.join(", ") || "none"}` };
    });

    // Library swap: the app command of cdktf.json, on this Node.js, on both sides.
    const sources = new Map<string, string>();
    const libraryCase = (c: SynthCase) => {
      const refDir = path.join(outputs, "library", "reference", c.name, "cdktf.out");
      const forkDir = path.join(outputs, "library", "fork", c.name, "cdktf.out");
      const logs: [string, string] = [`library-reference-${c.name}.log`, `library-fork-${c.name}.log`];
      const ref = synthApp(PROJECT_ROOT, refDir, c.reference, logs[0]);
      const fork = synthApp(scratch, forkDir, c.fork, logs[1]);
      const source = ref.status === 0 ? configFileOf(ref.stdout) : undefined;
      if (source) sources.set(c.name, source);
      const result = compareCase(c.name, "library", ref, fork, refDir, forkDir, logs);
      results.push(result);
      say(`library  ${c.name.padEnd(28)} ${summarizeCase(result)}`);
    };
    for (const c of cases) libraryCase(c);

    const catalogs = step("shipped catalogs", () => {
      const unnamed = cases.filter((c) => !sources.has(c.name) && results.some((r) => r.name === c.name && r.reference.status === 0));
      if (unnamed.length) throw new Error(`the app did not say which config file it read for ${unnamed.map((c) => c.name).join(", ")} ("Synthesized <folder> from <file>"), so their catalog variants cannot be written`);
      const first = cases.find((c) => sources.has(c.name));
      if (!first) throw new Error("no environment synthesized on the reference side; see .scratch/cdk-terrain/logs/");
      const variant = catalogVariant(path.join(work, "variants", "reference"), PROJECT_ROOT, sources.get(first.name)!, first.name, UNKNOWN);
      const refusal = synthApp(PROJECT_ROOT, path.join(outputs, "list", "cdktf.out"), { PLATFORM_CONFIG: variant }, "list-catalogs.log");
      fs.rmSync(variant);
      const names = namesFromRefusal(refusal.status, `${refusal.stderr}\n${refusal.stdout}`, CATALOGS_REFUSAL);
      if (!names) throw new Error(`the app did not list its catalogs when refusing workloads.catalog "${UNKNOWN}" (exit ${refusal.status}):\n${lastLines(refusal.stderr || refusal.stdout)}`);
      return { value: names, detail: names.join(", ") };
    });
    for (const c of cases) {
      const file = sources.get(c.name);
      if (!file) continue;
      for (const catalog of catalogs) {
        const name = `${c.name}+${catalog}`;
        libraryCase({
          name,
          reference: { PLATFORM_CONFIG: catalogVariant(path.join(work, "variants", "reference"), PROJECT_ROOT, file, c.name, catalog) },
          fork: { PLATFORM_CONFIG: catalogVariant(path.join(work, "variants", "fork"), scratch, file, c.name, catalog) },
        });
      }
    }

    // The CLIs: `npm run synth` on each side (cdktf-cli here, cdktn-cli on the pinned Node.js).
    const cliOutputs = new Map<string, string>();
    for (const c of cases) {
      const refDir = path.join(outputs, "cli", "reference", c.name, "cdktf.out");
      const forkDir = path.join(outputs, "cli", "fork", c.name, "cdktf.out");
      const logs: [string, string] = [`cli-reference-${c.name}.log`, `cli-fork-${c.name}.log`];
      const ref = synthCli(PROJECT_ROOT, refDir, c.reference, logs[0]);
      const fork = synthCli(scratch, forkDir, c.fork, logs[1], nodeBin);
      if (fork.status === 0) cliOutputs.set(c.name, forkDir);
      // The plan workflow captures the CLI's stdout and shows the app's warnings from it.
      const [refWarnings, forkWarnings] = [ref, fork].map((r) => extractSynthWarnings(r.stdout).sort());
      const warnings = { reference: refWarnings.length, fork: forkWarnings.length, same: JSON.stringify(refWarnings) === JSON.stringify(forkWarnings) };
      const compared = compareCase(c.name, "cli", ref, fork, refDir, forkDir, logs);
      const result: CaseResult = {
        ...compared,
        warnings,
        error: compared.error ?? (warnings.same ? undefined : `the synth warnings in the CLIs' output differ (${warnings.reference} from cdktf-cli, ${warnings.fork} from ${FORK_CLI}; logs ${logs.join(", ")})`),
      };
      results.push(result);
      say(`cli      ${c.name.padEnd(28)} ${summarizeCase(result)}`);
    }

    // The project relies on the CLI's clean-up of stack folders no longer synthesized
    // (main.ts): switch between two environments with different stacks in one output.
    step(`${FORK_CLI}: one output folder, switching environments`, () => {
      const stacksOf = (dir: string) => fs.readdirSync(path.join(dir, "stacks")).sort().join(",");
      const withStacks = cases.filter((c) => cliOutputs.has(c.name));
      const first = withStacks[0];
      const second = withStacks.find((c) => stacksOf(cliOutputs.get(c.name)!) !== stacksOf(cliOutputs.get(first?.name ?? "")!));
      if (!first || !second) throw new Error("no two environments with different stacks synthesized under the fork's CLI");
      // The environment with more stacks second would hide a clean-up failure: take the larger first.
      const [a, b] = stacksOf(cliOutputs.get(first.name)!).split(",").length >= stacksOf(cliOutputs.get(second.name)!).split(",").length ? [first, second] : [second, first];
      const shared = path.join(outputs, "cli", "switch", "cdktf.out");
      const one = synthCli(scratch, shared, a.fork, "cli-switch-1.log", nodeBin);
      const two = synthCli(scratch, shared, b.fork, "cli-switch-2.log", nodeBin);
      if (one.status !== 0 || two.status !== 0) throw new Error(`synth of ${one.status !== 0 ? a.name : b.name} failed (logs cli-switch-*.log): ${lastLines((one.status !== 0 ? one : two).stderr)}`);
      const diff = compareOutputs(readOutput(cliOutputs.get(b.name)!), readOutput(shared)).filter((f) => f.verdict.kind !== "identical");
      if (diff.length) throw new Error(`after ${a.name} then ${b.name}, the output is not ${b.name}'s: ${diff.map((f) => `${f.file} ${describeVerdict(f.verdict)}`).join("; ")}`);
      return { value: undefined, detail: `${a.name} then ${b.name}: exit 0 both times, the output is exactly ${b.name}'s (stacks ${stacksOf(shared)})` };
    });
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
    say(`STOPPED: ${e.message}`);
  }
  say(`the scratch copy and both sides' outputs stay in ${work} until the next run`);

  const ok = steps.every((s) => s.ok) && results.length > 0 && results.every(caseOk);
  const seconds = (Date.now() - started) / 1000;
  const report = { fork: { library: FORK_LIBRARY, cli: FORK_CLI, version, node: CLI_NODE.version }, reference: { library: "cdktf", version: refLibrary, cli: refCli, node: process.versions.node }, ok, seconds, changes, steps, results };
  fs.writeFileSync(path.join(REPORT_DIR, "report.json"), JSON.stringify(report, null, 2) + "\n");
  fs.writeFileSync(path.join(REPORT_DIR, "report.md"), markdownReport(report));
  const files = results.flatMap((r) => r.files);
  const count = (pred: (f: FileComparison) => boolean) => files.filter(pred).length;
  say(
    `${ok ? "PASSED" : "FAILED"}: ${results.length} synth comparisons (${results.filter((r) => r.mode === "library").length} library, ${results.filter((r) => r.mode === "cli").length} CLI), ${files.length} files: ` +
      `${count((f) => f.verdict.kind === "identical")} identical, ${count((f) => f.verdict.kind === "same-json" && f.verdict.text === "stamps-only")} only version stamps, ` +
      `${count((f) => f.verdict.kind === "same-json" && f.verdict.text !== "stamps-only")} same JSON with version stamps and layout, ${count((f) => !isEquivalent(f.verdict))} different; ` +
      `${results.filter((r) => r.error).length} synth failures; ${seconds.toFixed(0)} s. Report: .scratch/cdk-terrain/report.md`,
  );
  return ok ? 0 : 1;
}

function summarizeCase(r: CaseResult): string {
  if (r.error) return `FAILED: ${r.error}`;
  const bad = r.files.filter((f) => !isEquivalent(f.verdict));
  const kinds = new Map<string, number>();
  for (const f of r.files) {
    const k = f.verdict.kind === "same-json" ? f.verdict.text : f.verdict.kind;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const text = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ");
  const warnings = r.warnings ? `; the same ${r.warnings.fork} synth warning(s) in both CLIs' output` : "";
  return `${bad.length ? "DIFFERS" : "same"}: ${r.files.length} files (${text})${warnings} [${r.reference.seconds.toFixed(1)} s / ${r.fork.seconds.toFixed(1)} s]`;
}

function markdownReport(report: {
  fork: { version: string; node: string };
  reference: { version: string; cli: string; node: string };
  ok: boolean;
  seconds: number;
  changes: string[];
  steps: Step[];
  results: CaseResult[];
}): string {
  const lines = [
    `# CDK Terrain compatibility check: ${report.ok ? "passed" : "FAILED"}`,
    "",
    `CDK Terrain ${report.fork.version} (cdktn; cdktn-cli on Node.js ${report.fork.node}) against cdktf ${report.reference.version} (cdktf-cli ${report.reference.cli} on Node.js ${report.reference.node}); ${report.seconds.toFixed(0)} s. Written by \`npm run check:cdk-terrain\` (docs/cdk-terrain.md).`,
    "",
    "## The scratch copy's package.json",
    "",
    ...report.changes.map((c) => `- ${c}`),
    "",
    "## Steps",
    "",
    "| step | result | time |",
    "|---|---|---|",
    ...report.steps.map((s) => `| ${s.name} | ${s.ok ? "" : "FAILED: "}${s.detail.replace(/\n/g, " ").replace(/\|/g, "\\|")} | ${s.seconds.toFixed(1)} s |`),
    "",
  ];
  for (const mode of ["library", "cli"] as const) {
    const rs = report.results.filter((r) => r.mode === mode);
    if (!rs.length) continue;
    lines.push(mode === "library" ? "## Library swap (the app command of cdktf.json, on both sides)" : "## CLI (`npm run synth`: cdktf-cli, and cdktn-cli on the pinned Node.js)", "");
    lines.push("| case | file | verdict |", "|---|---|---|");
    for (const r of rs) {
      if (r.error) lines.push(`| ${r.name} | | FAILED: ${r.error.replace(/\n/g, " ").replace(/\|/g, "\\|")} |`);
      else if (r.warnings) lines.push(`| ${r.name} | (synth output) | the same ${r.warnings.fork} synth warning(s) from both CLIs, as the plan comment reads them |`);
      for (const f of r.files) lines.push(`| ${r.name} | ${f.file} | ${describeVerdict(f.verdict).replace(/\|/g, "\\|")} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

process.exitCode = main();
