import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ConfigError, loadConfig } from "./config/load";
import { buildPlatform } from "./stacks/app";
import { planStandInsFromEnv, StandInError } from "./stacks/synth/plan-stand-ins";

/**
 * Entry point for `cdktf synth` / `cdktf deploy`: validate the config once, build every
 * stack, and write cdktf.out atomically. Synthesis goes to a staging folder that replaces
 * the output only when complete, so a refused config or a crash never leaves half a plan.
 */
function main(): void {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  let source;
  let planStandIns;
  try {
    source = loadConfig();
    planStandIns = planStandInsFromEnv(process.env);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StandInError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }

  const staging = `${outdir.replace(/[\\/]+$/, "")}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging });
    buildPlatform(app, source.config, { planStandIns });
    app.synth();
    const before = stackFolders(outdir);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.renameSync(staging, outdir);
    // `cdktf synth` listed the stack folders before running this app and deletes the ones no
    // longer synthesized (switching PLATFORM_ENV from ecs to dev, say) without `force`, so a
    // folder the swap already removed would fail it with ENOENT. Under the CLI (it alone sets
    // CDKTF_CONTEXT_JSON), leave it an empty folder to delete; run directly, leave nothing.
    if (process.env.CDKTF_CONTEXT_JSON !== undefined) {
      const now = new Set(stackFolders(outdir));
      for (const name of before.filter((n) => !now.has(n))) fs.mkdirSync(path.join(outdir, "stacks", name));
    }
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const standIns = planStandIns.enabled ? ` with pull-request plan stand-ins${planStandIns.unapplied.length ? ` (not applied yet: ${planStandIns.unapplied.join(", ")})` : ""}` : "";
  console.log(`Synthesized ${path.basename(outdir)} from ${source.file}${standIns}`);
}

/** The stack folders of a synthesized output (none when it does not exist). */
function stackFolders(outdir: string): string[] {
  const stacks = path.join(outdir, "stacks");
  if (!fs.existsSync(stacks)) return [];
  return fs
    .readdirSync(stacks, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

main();
