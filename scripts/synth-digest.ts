import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The pinned digest of each shipped environment's synthesis (config/environments/*, through the
 * app command of cdktf.json), so a change meant only to reshape the code or make synth faster
 * cannot silently change what is generated. __tests__/digest.test.ts compares against them; when
 * the output is meant to change (a new feature, a new default), update them deliberately:
 *
 *   npm run digest:update
 */
export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const GOLDEN_DIR = path.join(PROJECT_ROOT, "__tests__", "golden");
export const UPDATE_COMMAND = "npm run digest:update";

/** The shipped environments, as PLATFORM_ENV names them. */
export function shippedEnvironments(): string[] {
  return fs
    .readdirSync(path.join(PROJECT_ROOT, "config", "environments"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function digestFile(environment: string): string {
  return path.join(GOLDEN_DIR, `${environment}.json`);
}

export interface SynthDigest {
  /** sha256 over every file's path and content, in path order. */
  readonly digest: string;
  /** sha256 of each file, by path relative to the output folder. */
  readonly files: Record<string, string>;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();
}

/** Digest of a synthesized output folder. */
export function digestOf(outdir: string): SynthDigest {
  const total = createHash("sha256");
  const files: Record<string, string> = {};
  for (const file of filesUnder(outdir)) {
    const content = fs.readFileSync(path.join(outdir, file));
    files[file] = createHash("sha256").update(content).digest("hex");
    total.update(`${file}\0`).update(content).update("\0");
  }
  return { digest: total.digest("hex"), files };
}

/** Runs the app command of cdktf.json on one shipped environment (default: the default one) into a new folder. */
export function synthEnvironment(environment?: string): string {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-digest-")), "cdktf.out");
  const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.PLATFORM_ENV;
  delete env.PLATFORM_CONFIG;
  if (environment) env.PLATFORM_ENV = environment;
  const run = spawnSync("bash", ["-c", app], { cwd: PROJECT_ROOT, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${app} failed (exit ${run.status}):\n${run.stderr}`);
  return outdir;
}

export function readPinned(environment: string): SynthDigest | undefined {
  const file = digestFile(environment);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as SynthDigest) : undefined;
}

if (require.main === module) {
  if (process.argv[2] !== "--update") {
    console.error(`usage: ${UPDATE_COMMAND}   (npx tsx scripts/synth-digest.ts --update)`);
    process.exit(2);
  }
  for (const environment of shippedEnvironments()) {
    const outdir = synthEnvironment(environment);
    const now = digestOf(outdir);
    fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
    const before = readPinned(environment);
    fs.writeFileSync(digestFile(environment), JSON.stringify(now, null, 2) + "\n");
    const changed = Object.keys({ ...before?.files, ...now.files }).filter((f) => before?.files[f] !== now.files[f]);
    console.log(before?.digest === now.digest ? `${environment}: unchanged ${now.digest}` : `${environment}: updated ${path.relative(PROJECT_ROOT, digestFile(environment))} ${now.digest}\n  changed: ${changed.join(", ") || "(none)"}`);
  }
}
