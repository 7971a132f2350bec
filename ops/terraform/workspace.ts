/**
 * The folder the Terraform checks work in (`.scratch/terraform/<environment>/`, ignored by
 * git): a synth of the selected environment, and per check a copy of each stack that
 * Terraform may initialise, rewrite and apply. cdktf.out and the user's state are never used.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { readManifest, stackOrder } from "../stack-order";
import { cliConfig, type ProviderMirror } from "./providers";
import { pinToAvailable, requiredProviders, type StackDocument, type VersionRewrite } from "./stack-copy";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
export const SCRATCH = join(PROJECT_ROOT, ".scratch", "terraform");

/** Printable form of a path under the project (relative), for deterministic logs. */
export function shown(path: string): string {
  const rel = relative(PROJECT_ROOT, path);
  return rel.startsWith("..") ? path : rel;
}

/** The environment the config variables select, as a folder name. */
export function environmentLabel(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLATFORM_CONFIG) return `config-${basename(env.PLATFORM_CONFIG).replace(/\.(ts|json)$/, "")}`;
  return env.PLATFORM_ENV || "dev";
}

export interface SynthesizedApp {
  readonly label: string;
  readonly outdir: string;
  /** Stack names in deploy order, bootstrap (if any) first. */
  readonly stacks: string[];
  /** Dependencies of each stack, from cdktf's manifest. */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  readDocument(stack: string): StackDocument;
}

/** Reads a synthesized app: cdktf's manifest and each stack's cdk.tf.json. */
export function readApp(outdir: string, label: string): SynthesizedApp {
  const manifest = readManifest(join(outdir, "manifest.json"));
  const byName = new Map(Object.values(manifest.stacks).map((s) => [s.name, s]));
  return {
    label,
    outdir,
    stacks: stackOrder(manifest, { exclude: [] }),
    dependencies: new Map(Object.values(manifest.stacks).map((s) => [s.name, s.dependencies])),
    readDocument(stack) {
      const entry = byName.get(stack);
      if (!entry) throw new Error(`stack ${stack} is not in ${shown(outdir)}/manifest.json`);
      return JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")) as StackDocument;
    },
  };
}

/**
 * Synthesizes the selected environment with the project's own synth command into the
 * checks' folder. CDKTF_OUTDIR and cdktf's --output both name the folder, so it lands there
 * whichever of them the synth command honours.
 */
export function synthesize(label: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): SynthesizedApp {
  const outdir = join(SCRATCH, label, "cdktf.out");
  log(`synthesizing ${label} with npm run synth into ${shown(outdir)}`);
  mkdirSync(dirname(outdir), { recursive: true });
  const run = spawnSync("npm", ["run", "--silent", "synth", "--", "--output", outdir], {
    cwd: PROJECT_ROOT,
    env: { ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", CI: env.CI ?? "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(`npm run synth failed (exit ${run.status}):\n${(run.stderr || run.stdout).trim()}`);
  }
  return readApp(outdir, label);
}

export interface ProviderPlan {
  /** TF_CLI_CONFIG_FILE for every Terraform call, or undefined to leave the user's config. */
  readonly cliConfigFile: string | undefined;
  readonly mirror: ProviderMirror | undefined;
}

/** Writes the checks' CLI config when a mirror is in use. */
export function providerPlan(mirror: ProviderMirror | undefined): ProviderPlan {
  if (mirror === undefined) return { cliConfigFile: undefined, mirror };
  mkdirSync(SCRATCH, { recursive: true });
  const file = join(SCRATCH, "terraform.rc");
  writeFileSync(file, cliConfig(mirror.path, [...mirror.providers.keys()]));
  return { cliConfigFile: file, mirror };
}

/** Providers a stack needs that the mirror does not hold (none when there is no mirror). */
export function unavailableProviders(doc: StackDocument, plan: ProviderPlan): string[] {
  if (plan.mirror === undefined) return [];
  return requiredProviders(doc)
    .filter((p) => !plan.mirror!.providers.has(p.source))
    .map((p) => p.source.replace(/^registry\.terraform\.io\//, ""));
}

/** A fresh copy folder holding the stack, its provider pins moved to what the mirror has. */
export function writeCopy(
  dir: string,
  doc: StackDocument,
  plan: ProviderPlan,
  extraFiles: Record<string, unknown> = {},
): VersionRewrite[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { doc: pinned, rewrites } = plan.mirror ? pinToAvailable(doc, plan.mirror.providers) : { doc, rewrites: [] };
  writeFileSync(join(dir, "cdk.tf.json"), `${JSON.stringify(pinned, null, 2)}\n`);
  for (const [name, content] of Object.entries(extraFiles)) {
    writeFileSync(join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
  }
  return rewrites;
}

/** One line per distinct rewrite, said once per run. */
export function describeRewrites(rewrites: readonly VersionRewrite[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of rewrites) {
    const key = `${r.source} ${r.from} ${r.to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const name = r.source.replace(/^registry\.terraform\.io\//, "");
    lines.push(
      `${name}: the stacks pin ${r.from ?? "no version"}; the mirror holds ${r.to}, so the copies pin ${r.to} (cdktf.out is unchanged)`,
    );
  }
  return lines;
}
