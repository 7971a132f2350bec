import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Runs Checkov over synthesized stacks and applies the skips written in code.
 *
 * Checkov's terraform_json runner does not collect inline skip comments (its context
 * builder is unimplemented), so this applies Checkov's own HCL rule to the JSON: a failed
 * check is skipped when a `checkov:skip=<ID>:<reason>` line lies inside the failing
 * block's line range. `skipCheck()` in stacks/synth/checkov.ts writes those lines.
 */
export interface Finding {
  readonly checkId: string;
  readonly checkName: string;
  readonly resource: string;
  /** Stack file relative to the scanned folder, e.g. `network/cdk.tf.json`. */
  readonly file: string;
  readonly lines: readonly [number, number];
  /** The reason written next to the resource, when skipped in code. */
  readonly skipReason?: string;
}

export interface ScanReport {
  readonly passed: number;
  readonly failed: Finding[];
  readonly skipped: Finding[];
  /** Check ids that passed, with the resource, to prove the scan looked at what we think. */
  readonly passedChecks: { checkId: string; resource: string; file: string }[];
  readonly parsingErrors: string[];
  readonly checkovVersion: string;
}

const PROJECT_ROOT = path.resolve(__dirname, "..");
export const CHECKOV = path.join(PROJECT_ROOT, ".venv", "bin", "checkov");

interface RawCheck {
  check_id: string;
  check_name?: string;
  resource: string;
  file_path: string;
  file_line_range: [number, number];
}

/** Skip reasons for a check id found in lines [from, to] (1-based, inclusive) of a file. */
export function skipReasonIn(fileText: string, checkId: string, [from, to]: readonly [number, number]): string | undefined {
  const lines = fileText.split("\n").slice(from - 1, to);
  for (const line of lines) {
    const match = /checkov:skip=([A-Za-z0-9_,-]+):([^"\n]*)/.exec(line);
    if (match && match[1].split(",").includes(checkId) && match[2].trim()) return match[2].trim();
  }
  return undefined;
}

/** No telemetry or guideline downloads: CI has no network beyond package registries. */
export const CHECKOV_ENV = { BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false", LOG_LEVEL: "ERROR" } as const;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Sends the scan to the run's warm Checkov (scripts/checkov-server.py), if one was started and is up. */
function viaWarmServer(argv: string[]): { stdout: string; stderr: string; status: number | null; error?: Error } | undefined {
  const socket = process.env.EKS_MESH_CHECKOV_SERVER;
  const pid = Number(process.env.EKS_MESH_CHECKOV_SERVER_PID);
  if (!socket || !pid) return undefined;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // It is still importing Checkov when the first scans arrive.
  for (let waited = 0; !fs.existsSync(socket) && alive() && waited < 120_000; waited += 100) sleep(100);
  if (!fs.existsSync(socket)) return undefined;
  const dir = fs.mkdtempSync(path.join(path.dirname(socket), "scan-"));
  const [stdout, stderr] = [path.join(dir, "stdout"), path.join(dir, "stderr")];
  const client = [
    "import socket, sys",
    "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode() + b'\\n')",
    "data = b''",
    "while True:\n  chunk = s.recv(64)\n  if not chunk: break\n  data += chunk",
    "sys.exit(int(data) if data.strip() else 70)",
  ].join("\n");
  const python = path.join(path.dirname(CHECKOV), "python");
  const run = spawnSync(python, ["-S", "-c", client, socket, JSON.stringify({ argv, stdout, stderr })], { encoding: "utf8" });
  try {
    // 70: the server dropped the request; anything on the client's stderr: it could not connect.
    if (run.status === null || run.status === 70 || run.stderr.trim()) return undefined;
    return { stdout: fs.readFileSync(stdout, "utf8"), stderr: fs.readFileSync(stderr, "utf8"), status: run.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Scans a folder of synthesized stacks (`<outdir>/stacks`) or one stack's folder.
 *
 * In a test run (EKS_MESH_TEST_CACHE, set by __tests__/support/global-setup.ts) reports are
 * kept by the content of what was scanned, so each distinct output is scanned once per run
 * however many test files ask, and a single stack's scan is that stack's part of its
 * platform's scan (the same findings: the stacks share no references Checkov could follow).
 */
export function scanStacks(stacksDir: string, checkov: string = CHECKOV): ScanReport {
  const cacheRoot = process.env.EKS_MESH_TEST_CACHE;
  if (!cacheRoot || checkov !== CHECKOV) return scan(stacksDir, "terraform_json", checkov);
  const parent = path.dirname(path.resolve(stacksDir));
  if (path.basename(parent) === "stacks" && fs.existsSync(path.join(parent, "..", "manifest.json"))) {
    return stackPart(cachedScan(parent, cacheRoot), path.basename(stacksDir));
  }
  return cachedScan(stacksDir, cacheRoot);
}

function stackPart(report: ScanReport, stack: string): ScanReport {
  const prefix = `${stack}/`;
  const own = <T extends { file: string }>(list: readonly T[]): T[] => list.filter((f) => f.file.startsWith(prefix)).map((f) => ({ ...f, file: f.file.slice(prefix.length) }));
  const passedChecks = own(report.passedChecks);
  return {
    passed: passedChecks.length,
    failed: own(report.failed),
    skipped: own(report.skipped),
    passedChecks,
    parsingErrors: report.parsingErrors.filter((e) => e.includes(`${path.sep}${stack}${path.sep}`)),
    checkovVersion: report.checkovVersion,
  };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name])).sort();
}

function cachedScan(stacksDir: string, cacheRoot: string): ScanReport {
  const hash = createHash("sha256");
  for (const file of filesUnder(stacksDir)) hash.update(`${file}\0`).update(fs.readFileSync(path.join(stacksDir, file))).update("\0");
  const dir = path.join(cacheRoot, "checkov");
  fs.mkdirSync(dir, { recursive: true });
  const result = path.join(dir, `${hash.digest("hex").slice(0, 24)}.json`);
  const lock = `${result}.lock`;
  for (let waited = 0; ; waited += 200) {
    if (fs.existsSync(result)) return JSON.parse(fs.readFileSync(result, "utf8")) as ScanReport;
    try {
      // One fork scans; the others wait for its report instead of starting Checkov too.
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch {
      if (waited > 300_000) fs.rmSync(lock, { force: true });
      sleep(200);
    }
  }
  try {
    const report = scan(stacksDir, "terraform_json", CHECKOV);
    fs.writeFileSync(`${result}.${process.pid}`, JSON.stringify(report));
    fs.renameSync(`${result}.${process.pid}`, result);
    return report;
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Checkov's Dockerfile checks over every Dockerfile under a folder (the service images in apps/services). */
export function scanDockerfiles(dir: string, checkov: string = CHECKOV): ScanReport {
  return scan(dir, "dockerfile", checkov);
}

function scan(stacksDir: string, framework: "terraform_json" | "dockerfile", checkov: string): ScanReport {
  if (!fs.existsSync(checkov)) {
    throw new Error(`Checkov is not installed at ${path.relative(PROJECT_ROOT, checkov)}; run \`npm run setup:tools\` first`);
  }
  const argv = ["-d", stacksDir, "--framework", framework, "--output", "json", "--skip-download", "--compact"];
  const run = (checkov === CHECKOV && viaWarmServer(argv)) || spawnSync(checkov, argv, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...CHECKOV_ENV } });
  if (run.error) throw run.error;
  // Checkov exits 1 when checks fail; anything else without JSON is a crash.
  const start = run.stdout.indexOf("{");
  const startList = run.stdout.indexOf("[");
  const begin = startList >= 0 && (startList < start || start < 0) ? startList : start;
  if (begin < 0) throw new Error(`checkov produced no report (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  const parsed = JSON.parse(run.stdout.slice(begin));
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.check_type === framework || r.results);
  const failed: Finding[] = [];
  const skipped: Finding[] = [];
  const passedChecks: ScanReport["passedChecks"] = [];
  const parsingErrors: string[] = [];
  let version = "";
  const texts = new Map<string, string>();
  for (const report of reports) {
    version = report.summary?.checkov_version ?? version;
    parsingErrors.push(...(report.results?.parsing_errors ?? []));
    for (const p of (report.results?.passed_checks ?? []) as RawCheck[]) {
      passedChecks.push({ checkId: p.check_id, resource: p.resource, file: p.file_path.replace(/^\//, "") });
    }
    for (const f of (report.results?.failed_checks ?? []) as RawCheck[]) {
      const file = f.file_path.replace(/^\//, "");
      const abs = path.join(stacksDir, file);
      if (!texts.has(abs)) texts.set(abs, fs.readFileSync(abs, "utf8"));
      const reason = skipReasonIn(texts.get(abs)!, f.check_id, f.file_line_range);
      const finding: Finding = { checkId: f.check_id, checkName: f.check_name ?? "", resource: f.resource, file, lines: f.file_line_range, skipReason: reason };
      (reason ? skipped : failed).push(finding);
    }
  }
  return { passed: passedChecks.length, failed, skipped, passedChecks, parsingErrors, checkovVersion: version };
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.checkId} ${f.resource} (${f.file}:${f.lines[0]}-${f.lines[1]}): ${f.checkName}`).join("\n");
}

if (require.main === module) {
  const dir = process.argv[2] ?? "cdktf.out/stacks";
  const report = process.argv[3] === "--dockerfiles" ? scanDockerfiles(dir) : scanStacks(dir);
  console.log(`checkov ${report.checkovVersion}: ${report.passed} passed, ${report.failed.length} failed, ${report.skipped.length} skipped in code`);
  for (const s of report.skipped) console.log(`  skipped ${s.checkId} on ${s.resource}: ${s.skipReason}`);
  if (report.failed.length) {
    console.error(formatFindings(report.failed));
    process.exit(1);
  }
}
