import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * One cache folder per test run, shared by every test file (files run in separate forks):
 * synthPlatform() keeps each distinct configuration's synthesis there and the Checkov scan
 * (scripts/security-scan.ts) keeps each scanned output's report, so a configuration is
 * synthesized and scanned once per run, not once per file. It is removed at the end of
 * the run and never reused by the next one, so an edited source is never served stale.
 */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-test-run-"));
  process.env.EKS_MESH_TEST_CACHE = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
