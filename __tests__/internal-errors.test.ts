import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./support/synth";

const ROOT = path.resolve(__dirname, "..");

/**
 * A preload that makes Node's own fs throw where the app is deepest: while cdktf writes one
 * stack's cdk.tf.json, or while the config loader reads the environment file. The app is
 * bundled, so patching a package would not reach it; the fs module it requires is this one.
 */
function faultAt(dir: string, when: "stack-file" | "config-read"): string {
  const preload = path.join(dir, "fault.cjs");
  const patch =
    when === "stack-file"
      ? `const w = fs.writeFileSync; fs.writeFileSync = function (f, ...a) { if (String(f).endsWith(path.join("stacks", "mesh", "cdk.tf.json"))) throw new TypeError("Cannot read properties of undefined (reading 'arn')"); return w.call(this, f, ...a); };`
      : `const r = fs.readFileSync; fs.readFileSync = function (f, ...a) { if (String(f).endsWith("env.json")) throw new RangeError("Maximum call stack size exceeded"); return r.call(this, f, ...a); };`;
  fs.writeFileSync(preload, `const fs = require("fs"); const path = require("path");\n${patch}\n`);
  return preload;
}

function synth(dir: string, preload: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, PLATFORM_CONFIG: path.join(dir, "env.json"), CDKTF_OUTDIR: path.join(dir, "cdktf.out"), NODE_OPTIONS: `--require ${preload}`, ...extraEnv };
  delete env.PLATFORM_ENV;
  return spawnSync(process.execPath, [path.join(ROOT, "bin", "synth.cjs")], { cwd: ROOT, env, encoding: "utf8" });
}

describe("an error that is not a refusal", () => {
  const dir = scratchDir("eks-mesh-internal-");
  fs.writeFileSync(path.join(dir, "env.json"), JSON.stringify({ platform: { environment: "dev", throwaway: true }, mesh: { implementation: "vpc-lattice" }, edge: { insecurePlainHttpForThrowawayEnvironment: true } }));
  // What a user had before this synth must survive it.
  fs.mkdirSync(path.join(dir, "cdktf.out"));
  fs.writeFileSync(path.join(dir, "cdktf.out", "earlier.txt"), "the last good synthesis\n");

  it("thrown deep inside cdktf's synth prints one line: internal error, what was being done, how to see the trace", () => {
    const run = synth(dir, faultAt(dir, "stack-file"));
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Internal error while writing the Terraform \(.*env\.json\): Cannot read properties of undefined \(reading 'arn'\)\. This is a bug in eks-mesh-platform, not in your config; nothing was written \(.*cdktf\.out is unchanged\)\. Run again with EKS_MESH_DEBUG=1 for the full trace/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("leaves the output as it was, and no staging folder", () => {
    expect(fs.readFileSync(path.join(dir, "cdktf.out", "earlier.txt"), "utf8")).toBe("the last good synthesis\n");
    expect(fs.readdirSync(dir).filter((f) => f.includes("staging"))).toEqual([]);
  });

  it("names the config it was loading when the failure is there", () => {
    const run = synth(dir, faultAt(dir, "config-read"));
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^Internal error while loading the config \(.*env\.json\): Maximum call stack size exceeded\. .*EKS_MESH_DEBUG=1/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("prints the full trace when EKS_MESH_DEBUG=1 asks for it", () => {
    const run = synth(dir, faultAt(dir, "stack-file"), { EKS_MESH_DEBUG: "1" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^TypeError: Cannot read properties of undefined/m);
    expect(run.stderr).toMatch(/^\s+at /m);
  });

  it("creates the output folder's missing parents instead of failing on them", () => {
    const nested = path.join(dir, "not", "yet", "cdktf.out");
    const env: NodeJS.ProcessEnv = { ...process.env, PLATFORM_CONFIG: path.join(dir, "env.json"), CDKTF_OUTDIR: nested };
    delete env.PLATFORM_ENV;
    const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "synth.cjs")], { cwd: ROOT, env, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(fs.existsSync(path.join(nested, "manifest.json"))).toBe(true);
  });
});
