/** Runs shell scripts against stub commands, for the workflow and ops script tests. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROJECT_ROOT = join(__dirname, "..", "..", "..");

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes executable stubs (name → bash body) into a fresh bin directory and returns it. */
/**
 * A stand-in for \`npx\` in workflow-step tests: \`npx tsx FILE ...\` runs as
 * \`node --import tsx FILE ...\` (the same loader and script, one Node start-up instead of
 * npx's and tsx's CLI's on top: about 0.2 s a call instead of 0.6 s); anything else goes to
 * the real npx behind the stub folder on PATH.
 */
export const NPX_TSX_STUB = `if [ "$1" = tsx ]; then shift; exec node --import tsx "$@"; fi
PATH="\${PATH#*:}" exec npx "$@"`;

export function stubBin(stubs: Record<string, string>): string {
  const bin = tempDir("stub-bin-");
  for (const [name, body] of Object.entries(stubs)) {
    const path = join(bin, name);
    writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path, 0o755);
  }
  return bin;
}

export interface ShellResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a script file with bash, the stub bin first on PATH. */
export function runBash(
  args: readonly string[],
  options: { cwd: string; bin: string; env?: Record<string, string>; input?: string },
): ShellResult {
  const result = spawnSync("bash", args, {
    cwd: options.cwd,
    encoding: "utf8",
    input: options.input ?? "",
    env: { PATH: `${options.bin}:${process.env.PATH ?? ""}`, HOME: process.env.HOME ?? "/tmp", ...options.env },
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Writes a synthesized cdktf.out: the manifest and, per stack, a cdk.tf.json with the given
 * backend, plus any extra top-level blocks per stack (e.g. `provider`).
 */
export function writeCdktfOut(dir: string, manifest: { stacks: Record<string, unknown> }, backend: "s3" | "local", extra: Record<string, object> = {}): void {
  mkdirSync(join(dir, "cdktf.out"), { recursive: true });
  writeFileSync(join(dir, "cdktf.out", "manifest.json"), JSON.stringify(manifest));
  for (const name of Object.keys(manifest.stacks)) {
    mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
    const config =
      backend === "s3"
        ? { bucket: "acme-tfstate", key: `platform/prod/${name}.tfstate`, region: "eu-west-1", encrypt: true, use_lockfile: true }
        : { path: `../../../state/prod/${name}.tfstate` };
    writeFileSync(join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify({ ...extra[name], terraform: { backend: { [backend]: config } } }));
  }
}
