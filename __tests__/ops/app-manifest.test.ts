/**
 * The real app's manifest, once main.ts exists: the workflow and the scripts
 * take their stack order from it, so this checks what they will actually run.
 * Skipped (not failed) while the app is still being written.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readManifest, stackOrder } from "../../ops/stack-order";
import { insecureEdgeWarning } from "../../stacks/constructs/edge/insecure-edge-warning";
import { PLATFORM_ORDER } from "./support/manifest";
import { PROJECT_ROOT, tempDir } from "./support/shell";

const CDKTF_JSON = join(PROJECT_ROOT, "cdktf.json");
const appExists = existsSync(join(PROJECT_ROOT, "main.ts")) && existsSync(CDKTF_JSON);

describe("the synthesized app", () => {
  it.skipIf(!appExists)(
    "plans and deploys network, cluster, mesh, workloads, observability in that order, each in cdktf.out/stacks/<name>",
    () => {
      const outdir = tempDir("app-synth-");
      const { app } = JSON.parse(readFileSync(CDKTF_JSON, "utf8")) as { app: string };
      // Run the app command cdktf itself would run, into a scratch outdir.
      const result = spawnSync("bash", ["-c", app], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, CDKTF_OUTDIR: outdir },
        timeout: 240_000,
      });
      expect(result.stderr).not.toMatch(/Error:/);
      expect(result.status).toBe(0);
      // The shipped dev environment opts out of HTTPS: the app says so on stdout, where `cdktf synth` shows it.
      expect(result.stdout).toContain(insecureEdgeWarning("dev", ["frontend"]));
      const manifest = readManifest(join(outdir, "manifest.json"));
      // The sample manifest's four stacks, then the observability stack (alarms read the workloads' ALB).
      const order = [...PLATFORM_ORDER, "observability"];
      expect(stackOrder(manifest)).toEqual(order);
      for (const name of order) expect(manifest.stacks[name]?.workingDirectory).toBe(`stacks/${name}`);
    },
    300_000,
  );
});

describe("cdktf synth after another environment's synth", () => {
  it.skipIf(!appExists)(
    "succeeds when the stacks change (ecs, then dev) and leaves only the new environment's stack folders",
    () => {
      const outdir = tempDir("env-switch-");
      const synth = (env: string) =>
        spawnSync(join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
          cwd: PROJECT_ROOT,
          encoding: "utf8",
          env: { ...process.env, PLATFORM_ENV: env, PLATFORM_CONFIG: "", CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "1" },
          timeout: 240_000,
        });
      const first = synth("ecs");
      expect(first.status, first.stderr).toBe(0);
      expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["ecs-cluster", "ecs-services", "network"]);
      // The CLI deletes the folders of stacks no longer synthesized; the app's atomic swap must not make that fail.
      const second = synth("dev");
      expect(`${second.stdout}${second.stderr}`).not.toContain("ENOENT");
      expect(second.status, second.stderr).toBe(0);
      expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["cluster", "mesh", "network", "observability", "workloads"]);
    },
    300_000,
  );
});
