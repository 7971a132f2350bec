import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CHECKOV, CHECKOV_ENV } from "../../scripts/security-scan";

/**
 * One cache folder per test run, shared by every test file (files run in separate forks):
 * synthPlatform() keeps each distinct configuration's synthesis there and the Checkov scan
 * (scripts/security-scan.ts) keeps each scanned output's report, so a configuration is
 * synthesized and scanned once per run, not once per file. It is removed at the end of
 * the run and never reused by the next one, so an edited source is never served stale.
 *
 * It also starts a warm Checkov (scripts/checkov-server.py) that imports Checkov once for
 * the run instead of once per scan; scans fall back to the `checkov` command without it.
 */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-test-run-"));
  process.env.EKS_MESH_TEST_CACHE = dir;
  const python = path.join(path.dirname(CHECKOV), "python");
  let server: ReturnType<typeof spawn> | undefined;
  if (fs.existsSync(CHECKOV) && fs.existsSync(python)) {
    const socket = path.join(dir, "checkov.sock");
    server = spawn(python, [path.join(__dirname, "..", "..", "scripts", "checkov-server.py"), socket], {
      env: { ...process.env, ...CHECKOV_ENV },
      stdio: "ignore",
    });
    if (server.pid) {
      process.env.EKS_MESH_CHECKOV_SERVER = socket;
      process.env.EKS_MESH_CHECKOV_SERVER_PID = String(server.pid);
    }
  }
  return () => {
    if (server?.pid && server.exitCode === null) process.kill(server.pid, "SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
