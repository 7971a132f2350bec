/**
 * Running the Terraform CLI for the checks: one place for the environment every call gets
 * (no prompts, no update checks, the checks' CLI config, no real AWS credentials).
 */
import { spawn } from "node:child_process";

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformOptions {
  readonly cwd: string;
  /** TF_CLI_CONFIG_FILE for this call; unset leaves the user's own configuration in force. */
  readonly cliConfigFile?: string | undefined;
  /** Strip every AWS credential and endpoint variable: for runs against the local AWS. */
  readonly isolateFromAws?: boolean;
  /** Milliseconds before the run is stopped. @default 20 minutes */
  readonly timeoutMs?: number;
}

/** AWS variables a local run must not inherit: a real profile or key must never be used. */
const AWS_VARIABLES = /^AWS_(PROFILE|DEFAULT_PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|ENDPOINT_URL.*|CONFIG_FILE|SHARED_CREDENTIALS_FILE|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|CONTAINER_.*)$/;

export function terraformEnv(base: NodeJS.ProcessEnv, options: Omit<TerraformOptions, "cwd">): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
  if (options.cliConfigFile !== undefined) env.TF_CLI_CONFIG_FILE = options.cliConfigFile;
  if (options.isolateFromAws) {
    for (const key of Object.keys(env)) if (AWS_VARIABLES.test(key)) delete env[key];
    // Point the SDK's file lookups at nothing, so ~/.aws cannot supply a profile either.
    env.AWS_CONFIG_FILE = "/dev/null";
    env.AWS_SHARED_CREDENTIALS_FILE = "/dev/null";
    env.AWS_EC2_METADATA_DISABLED = "true";
  }
  return env;
}

/** Runs `terraform <args>` and collects its output; never throws on a non-zero exit. */
export function terraform(args: readonly string[], options: TerraformOptions): Promise<TerraformRun> {
  const bin = process.env.TERRAFORM ?? "terraform";
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], {
      cwd: options.cwd,
      env: terraformEnv(process.env, options),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(terraform ${args[0]} stopped after ${Math.round((options.timeoutMs ?? 1_200_000) / 1000)} s)`;
      child.kill("SIGTERM");
    }, options.timeoutMs ?? 1_200_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${e.message} (is Terraform on the PATH? set TERRAFORM=/path/to/terraform)`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
