import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The pinned digest of the default synthesis (dev environment, through the app command of
 * cdktf.json), so a change meant only to make synth faster cannot silently change what is
 * generated. __tests__/digest.test.ts compares against it; when the output is meant to
 * change (a new feature, a new default), update it deliberately:
 *
 *   npm run digest:update
 */
export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const DIGEST_FILE = path.join(PROJECT_ROOT, "__tests__", "golden", "default-synth.json");
export const UPDATE_COMMAND = "npm run digest:update";

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

/** Runs the app command of cdktf.json on the default environment into a new folder. */
export function synthDefault(): string {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-digest-")), "cdktf.out");
  const { app } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { app: string };
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete env.PLATFORM_ENV;
  delete env.PLATFORM_CONFIG;
  const run = spawnSync("bash", ["-c", app], { cwd: PROJECT_ROOT, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${app} failed (exit ${run.status}):\n${run.stderr}`);
  return outdir;
}

export function readPinned(): SynthDigest | undefined {
  return fs.existsSync(DIGEST_FILE) ? (JSON.parse(fs.readFileSync(DIGEST_FILE, "utf8")) as SynthDigest) : undefined;
}

if (require.main === module) {
  if (process.argv[2] !== "--update") {
    console.error(`usage: ${UPDATE_COMMAND}   (npx tsx scripts/synth-digest.ts --update)`);
    process.exit(2);
  }
  const outdir = synthDefault();
  const now = digestOf(outdir);
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  const before = readPinned();
  fs.writeFileSync(DIGEST_FILE, JSON.stringify(now, null, 2) + "\n");
  const changed = Object.keys({ ...before?.files, ...now.files }).filter((f) => before?.files[f] !== now.files[f]);
  console.log(before?.digest === now.digest ? `unchanged: ${now.digest}` : `updated ${path.relative(PROJECT_ROOT, DIGEST_FILE)}: ${now.digest}\nchanged: ${changed.join(", ") || "(none)"}`);
}
