import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Prints every speed figure the project tracks, in one run (figures, never asserted):
 *
 *  1. default synth: the app command of cdktf.json on the dev environment (what
 *     `cdktf synth` and `cdktf deploy` run), against `node -e "require('@cdktf/provider-aws')"`
 *     measured in the same run, interleaved, medians;
 *  2. `npm run synth`: the same through cdktf-cli, and what the CLI adds;
 *  3. catalog size: every stack for generated catalogs of 10, 100 and 500 services
 *     (scripts/bench-catalog.ts, compiled and run like main.ts), time per service;
 *  4. the test suite: `npm test` wall time and its slowest files.
 *
 *   npm run bench                       # everything
 *   npm run bench -- --runs 7           # more repetitions of the short measurements
 *   npm run bench -- --no-suite 50 1000 # other catalog sizes, without the test suite
 *
 * Wall times on a shared machine are noisy: compare the ratios measured in the same run.
 */
const ROOT = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1]) > 0 && args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 5;
const SUITE = !args.includes("--no-suite");
const SIZES = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--runs").map(Number);
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface Sample {
  /** seconds */
  readonly wall: number;
  /** user + system CPU seconds, when /usr/bin/time is there */
  readonly cpu?: number;
  /** peak RSS in MiB, when /usr/bin/time is there */
  readonly rssMiB?: number;
  readonly stdout: string;
}

/** Runs a command once, timing it from outside (wall, CPU and peak RSS through /usr/bin/time -f). */
function timed(command: string, argv: string[], env: NodeJS.ProcessEnv = {}, allowFailure = false): Sample {
  const report = path.join(os.tmpdir(), `eks-mesh-bench-time-${process.pid}`);
  const [cmd, cmdArgs] = TIME ? [TIME, ["-f", "%e %U %S %M", "-o", report, command, ...argv]] : [command, argv];
  const started = process.hrtime.bigint();
  const run = spawnSync(cmd, cmdArgs, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && !allowFailure) throw new Error(`${command} ${argv.join(" ")} failed (exit ${run.status}):\n${(run.stderr ?? "").slice(-3000)}`);
  if (!TIME) return { wall, stdout: run.stdout };
  const [, user, sys, rss] = fs.readFileSync(report, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  fs.rmSync(report, { force: true });
  return { wall, cpu: user + sys, rssMiB: rss / 1024, stdout: run.stdout };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (x: number | undefined) => (x === undefined ? "-" : `${x.toFixed(2)} s`);
const mib = (x: number | undefined) => (x === undefined ? "-" : `${x.toFixed(0)} MiB`);

/** Runs commands round-robin `runs` times (so load changes hit each alike) and returns the medians. */
function compare(cases: Record<string, [string, string[], NodeJS.ProcessEnv?]>, runs: number): Record<string, { wall: number; cpu?: number; rssMiB?: number }> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [name, [cmd, argv, env]] of Object.entries(cases)) samples[name].push(timed(cmd, argv, env));
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      { wall: median(s.map((x) => x.wall)), cpu: TIME ? median(s.map((x) => x.cpu!)) : undefined, rssMiB: TIME ? Math.max(...s.map((x) => x.rssMiB!)) : undefined },
    ]),
  );
}

function defaultSynth(): void {
  const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-bench-synth-"));
  const env = { CDKTF_OUTDIR: path.join(outdir, "cdktf.out"), PLATFORM_ENV: "", PLATFORM_CONFIG: "" };
  // One untimed run builds the bundle and its code cache if a source changed.
  timed("bash", ["-c", app], env);
  const r = compare(
    {
      app: ["bash", ["-c", app], env],
      providerRoot: [process.execPath, ["-e", "require('@cdktf/provider-aws')"]],
    },
    RUNS,
  );
  const ratio = r.app.wall / r.providerRoot.wall;
  console.log(`\n1. Default synth (dev, every stack), the app command of cdktf.json: \`${app}\`; median of ${RUNS}, interleaved`);
  console.log(`   app command                                 ${sec(r.app.wall).padStart(8)} wall  ${sec(r.app.cpu).padStart(8)} CPU  ${mib(r.app.rssMiB).padStart(8)} peak`);
  console.log(`   node -e "require('@cdktf/provider-aws')"    ${sec(r.providerRoot.wall).padStart(8)} wall  ${sec(r.providerRoot.cpu).padStart(8)} CPU  ${mib(r.providerRoot.rssMiB).padStart(8)} peak`);
  console.log(`   ratio app / provider root: ${ratio.toFixed(2)} wall${r.app.cpu ? `, ${(r.app.cpu / r.providerRoot.cpu!).toFixed(2)} CPU` : ""}   (targets: ≤ 1.5 s wall, ≤ 0.35)`);
  fs.rmSync(outdir, { recursive: true, force: true });
}

function cliSynth(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-bench-cli-"));
  // `npm run synth` writes ./cdktf.out; copy the project's scripts' environment, not npm's start-up twice.
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.synth;
  const runs = Math.max(3, Math.ceil(RUNS / 2));
  const r = compare(
    {
      npm: ["npm", ["run", "--silent", "synth"]],
      app: [process.execPath, [path.join(ROOT, "bin", "synth.cjs")], { CDKTF_OUTDIR: path.join(outdir, "cdktf.out") }],
    },
    runs,
  );
  console.log(`\n2. \`npm run synth\` (${script}), median of ${runs}`);
  console.log(`   npm run synth                               ${sec(r.npm.wall).padStart(8)} wall  ${sec(r.npm.cpu).padStart(8)} CPU  ${mib(r.npm.rssMiB).padStart(8)} peak`);
  console.log(`   of which the app command                    ${sec(r.app.wall).padStart(8)} wall  ${sec(r.app.cpu).padStart(8)} CPU`);
  console.log(`   npm + cdktf-cli add                         ${sec(r.npm.wall - r.app.wall).padStart(8)} wall  ${r.npm.cpu !== undefined ? sec(r.npm.cpu - r.app.cpu!).padStart(8) : "-"} CPU`);
  fs.rmSync(outdir, { recursive: true, force: true });
}

function catalogSizes(): void {
  const sizes = SIZES.length ? SIZES : [10, 100, 500];
  console.log(`\n3. Catalog size: every stack for a generated catalog (scripts/bench-catalog.ts, compiled like main.ts), one run each`);
  console.log("   services  process wall  process CPU  synth (in process)  per service  peak RSS  workloads resources  workloads cdk.tf.json");
  // Builds the bench bundle outside the timing.
  timed(process.execPath, [path.join(ROOT, "bin", "run.cjs"), "scripts/bench-catalog.ts"]);
  const perService = new Map<number, number>();
  const cpuPerService = new Map<number, number>();
  for (const n of sizes) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `eks-mesh-bench-${n}-`));
    const s = timed(process.execPath, [path.join(ROOT, "bin", "run.cjs"), "scripts/bench-catalog.ts", String(n), outdir]);
    fs.rmSync(outdir, { recursive: true, force: true });
    const r = JSON.parse(s.stdout.split("\n").find((l) => l.startsWith("{"))!) as { ms: number; maxRssKiB: number; resources: number; bytes: number };
    perService.set(n, s.wall / n);
    if (s.cpu !== undefined) cpuPerService.set(n, s.cpu / n);
    console.log(
      `   ${String(n).padStart(8)}  ${sec(s.wall).padStart(12)}  ${sec(s.cpu).padStart(11)}  ${sec(r.ms / 1000).padStart(18)}  ${`${((s.wall / n) * 1000).toFixed(0)} ms`.padStart(11)}  ${mib(s.rssMiB ?? r.maxRssKiB / 1024).padStart(8)}  ${String(r.resources).padStart(19)}  ${`${(r.bytes / 1024 / 1024).toFixed(1)} MiB`.padStart(21)}`,
    );
  }
  if (perService.has(100) && perService.has(500)) {
    const ratio = (perService.get(500)! * 500) / (perService.get(100)! * 100);
    const cpu = cpuPerService.has(500) ? `, ${((cpuPerService.get(500)! * 500) / (cpuPerService.get(100)! * 100)).toFixed(2)} times the CPU` : "";
    console.log(`   500 / 100 services: ${ratio.toFixed(2)} times the wall time${cpu} (5.00 = flat per service; target ≤ 5.5, 500 ≤ 10 s and ≤ 1 GB)`);
  }
}

function suite(): void {
  console.log("\n4. Test suite: npm test, one run");
  // A failing test is reported in the counts, not a reason to drop the figures.
  const s = timed("npm", ["test", "--silent"], {}, true);
  const results = JSON.parse(fs.readFileSync(path.join(ROOT, ".vitest", "results.json"), "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  // CPU includes Checkov and every fork: on an idle two-core machine the wall time cannot be much under half of it.
  console.log(`   ${sec(s.wall)} wall, ${sec(s.cpu)} CPU (target ≤ 60 s wall on two cores), ${results.numPassedTests} passed, ${results.numFailedTests} failed`);
  const slowest = [...results.testResults].sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime)).slice(0, 5);
  for (const f of slowest) console.log(`   ${sec((f.endTime - f.startTime) / 1000).padStart(8)}  ${path.relative(ROOT, f.name)}`);
}

function main(): void {
  const cpus = os.cpus();
  console.log(`eks-mesh-platform bench, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`);
  console.log(`node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model ?? "unknown"}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at start`);
  defaultSynth();
  cliSynth();
  catalogSizes();
  if (SUITE) suite();
  console.log(`\nload average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`);
}

main();
