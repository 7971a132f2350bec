import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Runs Checkov over synthesized stacks and applies the skips written in code.
 *
 * Checkov's terraform_json runner does not collect inline skip comments (its context
 * builder is unimplemented), so this applies Checkov's own HCL rule to the JSON: a failed
 * check is skipped when a `checkov:skip=<ID>:<reason>` line lies inside the failing
 * block's line range. `skipCheck()` in stacks/constructs/checkov.ts writes those lines.
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

export function scanStacks(stacksDir: string, checkov: string = CHECKOV): ScanReport {
  return scan(stacksDir, "terraform_json", checkov);
}

/** Checkov's Dockerfile checks over every Dockerfile under a folder (the service images in apps/services). */
export function scanDockerfiles(dir: string, checkov: string = CHECKOV): ScanReport {
  return scan(dir, "dockerfile", checkov);
}

function scan(stacksDir: string, framework: "terraform_json" | "dockerfile", checkov: string): ScanReport {
  if (!fs.existsSync(checkov)) {
    throw new Error(`Checkov is not installed at ${path.relative(PROJECT_ROOT, checkov)}; run \`npm run setup:tools\` first`);
  }
  const run = spawnSync(checkov, ["-d", stacksDir, "--framework", framework, "--output", "json", "--skip-download", "--compact"], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // No telemetry or guideline downloads: CI has no network beyond package registries.
    env: { ...process.env, BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false", LOG_LEVEL: "ERROR" },
  });
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
