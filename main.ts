import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { ConfigError, loadConfig } from "./config/load";
import { buildPlatform } from "./stacks/app";

/**
 * Entry point for `cdktf synth` / `cdktf deploy`: validate the config once, build every
 * stack, and write cdktf.out atomically. Synthesis goes to a staging folder that replaces
 * the output only when complete, so a refused config or a crash never leaves half a plan.
 */
function main(): void {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  let source;
  try {
    source = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }

  const staging = `${outdir.replace(/[\\/]+$/, "")}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging });
    buildPlatform(app, source.config);
    app.synth();
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.renameSync(staging, outdir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  console.log(`Synthesized ${path.basename(outdir)} from ${source.file}`);
}

main();
