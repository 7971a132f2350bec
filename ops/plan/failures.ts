import type { BlockedStack, FailedStack } from "./plan";

/**
 * The terraform_remote_state data sources a stack reads its upstream stacks with:
 * `remote-state-<stack>` (stacks/constructs/state-backend.ts) or cdktf's own
 * `cross-stack-reference-input-<stack>`.
 */
const REMOTE_STATE_INPUT = /data\.terraform_remote_state\.(?:remote-state-|cross-stack-reference-input-)([A-Za-z0-9_-]+)/g;

/**
 * Reads the log of a failed `terraform init`/`plan`. An upstream stack that was
 * never applied shows up as "Unable to find remote state"; one whose new outputs
 * are not applied yet as "Unsupported attribute" on its remote state.
 */
export function classifyFailure(stack: string, log: string, tailLines = 40): BlockedStack | FailedStack {
  const upstream = [...new Set([...log.matchAll(REMOTE_STATE_INPUT)].map((m) => m[1] as string))];
  if (/Unable to find remote state/.test(log)) {
    return { stack, status: "blocked", reason: "no-upstream-state", upstream };
  }
  if (/Unsupported attribute/.test(log) && upstream.length > 0) {
    return { stack, status: "blocked", reason: "missing-upstream-output", upstream };
  }
  const lines = log.trimEnd().split("\n");
  return { stack, status: "failed", log: lines.slice(-tailLines).join("\n") };
}

