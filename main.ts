import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ConfigError, loadConfig } from "./config/load";
import { buildPlatform } from "./stacks/app";
import { planStandInsFromEnv, StandInError } from "./stacks/synth/plan-stand-ins";

/** The environment variable that makes an internal error print its full stack trace. */
const DEBUG_VARIABLE = "EKS_MESH_DEBUG";

/**
 * Entry point for `cdktf synth` / `cdktf deploy`: validate the config once, build every
 * stack, and write cdktf.out atomically. Synthesis goes to a staging folder that replaces
 * the output only when complete, so a refused config or a crash never leaves half a plan.
 * A refusal prints its message; anything else is a bug here, printed as one line that says
 * what was being done (never a stack trace unless EKS_MESH_DEBUG=1 asks for it).
 */
function main(): void {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const staging = `${outdir.replace(/[\\/]+$/, "")}.staging-${process.pid}`;
  let doing = `loading the config (${process.env.PLATFORM_CONFIG ?? `PLATFORM_ENV=${process.env.PLATFORM_ENV || "dev"}`})`;
  try {
    const source = loadConfig();
    doing = "reading the pull-request plan stand-ins (PLATFORM_PLAN_STANDINS)";
    const planStandIns = planStandInsFromEnv(process.env);
    doing = `preparing ${staging}`;
    fs.rmSync(staging, { recursive: true, force: true });
    // cdktf's App creates the folder itself, but not its parents.
    fs.mkdirSync(path.dirname(path.resolve(staging)), { recursive: true });
    const app = new App({ outdir: staging });
    buildPlatform(app, source.config, { planStandIns, onStep: (step) => (doing = `${step} (${source.file})`) });
    doing = `writing the Terraform (${source.file})`;
    app.synth();
    doing = `replacing ${outdir} with the new synthesis`;
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
    const standIns = planStandIns.enabled ? ` with pull-request plan stand-ins${planStandIns.unapplied.length ? ` (not applied yet: ${planStandIns.unapplied.join(", ")})` : ""}` : "";
    console.log(`Synthesized ${path.basename(outdir)} from ${source.file}${standIns}`);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    console.error(e instanceof ConfigError || e instanceof StandInError ? e.message : internalError(e, doing, outdir));
    process.exit(1);
  }
}

/** One line for an error that is not a refusal: a bug of this project, never the user's input. */
function internalError(e: unknown, doing: string, outdir: string, env: NodeJS.ProcessEnv = process.env): string {
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split("\n").find((l) => l.trim() !== "")?.trim() ?? "(no message)";
  const line = `Internal error while ${doing}: ${first}. This is a bug in eks-mesh-platform, not in your config; nothing was written (${outdir} is unchanged). Run again with ${DEBUG_VARIABLE}=1 for the full trace, and report it with that trace.`;
  return env[DEBUG_VARIABLE] === "1" && e instanceof Error && e.stack ? `${line}\n${e.stack}` : line;
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
