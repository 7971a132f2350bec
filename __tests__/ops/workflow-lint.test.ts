import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const ACTIONLINT = path.join(ROOT, ".tools", "bin", "actionlint");

describe("GitHub Actions workflows", () => {
  it("pass actionlint (installed by npm run setup:tools)", () => {
    expect(fs.existsSync(ACTIONLINT), "actionlint missing: run `npm run setup:tools`").toBe(true);
    const workflows = fs.readdirSync(path.join(ROOT, ".github", "workflows")).filter((f) => /\.ya?ml$/.test(f));
    // Every workflow in the folder is linted; these are the ones that must be there.
    expect(workflows).toEqual(expect.arrayContaining(["plan.yml", "apply.yml", "drift.yml"]));
    const run = spawnSync(ACTIONLINT, ["-color=false", ...workflows.map((f) => path.join(".github", "workflows", f))], { cwd: ROOT, encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("actionlint really reports a broken workflow (the lint can fail)", () => {
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "lint-"));
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    const bad = path.join(dir, ".github", "workflows", "bad.yml");
    fs.writeFileSync(bad, "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.value }}\n");
    const run = spawnSync(ACTIONLINT, ["-color=false", bad], { cwd: dir, encoding: "utf8" });
    expect(run.status).not.toBe(0);
  });
});
