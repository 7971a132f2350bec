/**
 * CLI the drift workflow calls after planning every applied stack of one environment:
 *
 *   GITHUB_TOKEN=... GITHUB_REPOSITORY=owner/repo npx tsx ops/drift/report.ts --env prod \
 *     --stack network=plans/network.json [--stack ...] [--run-url URL] [--commit SHA]
 *
 * The stack files are read as for the plan comment (ops/plan-comment.ts: NAME.json, or
 * NAME.log when the plan failed). It opens, updates or closes the environment's drift issue
 * (./issue.ts) and prints what it did.
 *
 * Exit codes: 0 issue in line with the plans; 2 the same, but a stack failed to plan
 * (so the job fails and someone looks); 1 usage, input or GitHub error.
 */
import { loadStackResult } from "../plan-comment";
import { restClient, syncDriftIssue, type DriftReport, type GitHubClient } from "./issue";

const USAGE = "usage: drift/report.ts --env ENV --stack NAME=PLAN.json [--stack ...] [--run-url URL] [--commit SHA]";

export interface DriftArgs {
  environment: string;
  stacks: Array<{ name: string; jsonPath: string }>;
  runUrl?: string;
  commitSha?: string;
}

export function parseArgs(argv: readonly string[]): DriftArgs {
  const stacks: DriftArgs["stacks"] = [];
  let environment: string | undefined;
  const extra: { runUrl?: string; commitSha?: string } = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === "--stack") {
      const match = /^([A-Za-z0-9_-]+)=(.+\.json)$/.exec(value);
      if (!match) throw new Error(`--stack takes NAME=PATH.json, got "${value}"`);
      stacks.push({ name: match[1] as string, jsonPath: match[2] as string });
    } else if (flag === "--env") environment = value;
    else if (flag === "--run-url") extra.runUrl = value;
    else if (flag === "--commit") extra.commitSha = value;
    else throw new Error(`unknown flag ${flag}\n${USAGE}`);
  }
  if (environment === undefined) throw new Error(`--env is required\n${USAGE}`);
  return { environment, stacks, ...extra };
}

export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (text: string) => void,
  err: (text: string) => void,
  client?: GitHubClient,
): Promise<number> {
  try {
    const args = parseArgs(argv);
    const repo = env.GITHUB_REPOSITORY;
    if (!repo) throw new Error("GITHUB_REPOSITORY is not set: it names the repository (owner/name) the issue goes to");
    let github = client;
    if (github === undefined) {
      if (!env.GITHUB_TOKEN) throw new Error("GITHUB_TOKEN is not set: the workflow passes github.token with issues: write");
      github = restClient(env.GITHUB_TOKEN, env.GITHUB_API_URL);
    }
    const results = args.stacks.map((s) => loadStackResult(s.name, s.jsonPath));
    const report: DriftReport = { environment: args.environment, results, ...(args.runUrl ? { runUrl: args.runUrl } : {}), ...(args.commitSha ? { commitSha: args.commitSha } : {}) };
    const outcome = await syncDriftIssue(github, repo, report);
    const issue = outcome.issue !== undefined ? ` #${outcome.issue}` : "";
    const said: Record<typeof outcome.action, string> = {
      opened: `drift in ${args.environment}: opened issue${issue}`,
      updated: `drift in ${args.environment}: updated issue${issue}`,
      closed: `no drift in ${args.environment}: closed issue${issue}`,
      none: `no drift in ${args.environment}`,
      "left-open": `no drift found in the stacks that planned, but some failed: issue${issue} left open`,
    };
    out(`${said[outcome.action]}\n`);
    return results.some((r) => r.status === "failed" || r.status === "blocked") ? 2 : 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env, (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((code) => {
    process.exitCode = code;
  });
}
