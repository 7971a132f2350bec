/**
 * The drift issue: ONE open GitHub issue per environment listing what the daily plan of the
 * applied stacks would change, worded as in the pull-request plan comment (../plan/comment.ts).
 * A run that finds drift opens the issue or rewrites the open one; a run that finds none
 * closes it. The issue is found by its label plus a hidden per-environment marker in the
 * body, so a renamed title or a second environment never picks the wrong one.
 *
 * GitHub is reached through a small client (`GitHubClient`) so tests stub it; the real one
 * is the REST API over fetch with the workflow's GITHUB_TOKEN.
 */
import { describeChange } from "../plan/comment";
import type { StackResult } from "../plan/plan";

/** Label every drift issue carries; created by GitHub on first use. */
export const DRIFT_LABEL = "drift";

/** Hidden marker, per environment, that identifies the issue of that environment. */
export function driftMarker(environment: string): string {
  return `<!-- eks-mesh-platform-drift:${environment} -->`;
}

export function driftTitle(environment: string): string {
  return `Drift in ${environment}: the applied infrastructure differs from main`;
}

/** GitHub issue bodies are capped at 65,536 characters, like comments. */
const MAX_BODY = 65_000;

export interface DriftReport {
  environment: string;
  results: readonly StackResult[];
  /** Link to the workflow run that planned. */
  runUrl?: string;
  /** Commit of main that was planned. */
  commitSha?: string;
}

function code(text: string): string {
  return `\`${text.replaceAll("`", "'")}\``;
}

/** Stacks whose plan would change something: that is drift, since main was applied. */
export function driftedStacks(results: readonly StackResult[]) {
  return results.flatMap((r) => (r.status === "planned" && r.changes.length > 0 ? [r] : []));
}

export function failedStacks(results: readonly StackResult[]): string[] {
  return results.filter((r) => r.status === "failed" || r.status === "blocked").map((r) => r.stack);
}

export function renderDriftIssue(report: DriftReport): string {
  const drifted = driftedStacks(report.results);
  const failed = failedStacks(report.results);
  const where = report.commitSha !== undefined ? ` at ${code(report.commitSha.slice(0, 12))}` : "";
  const run = report.runUrl !== undefined ? ` ([run](${report.runUrl}))` : "";
  const lines = [
    driftMarker(report.environment),
    `The daily drift check planned every applied stack of ${code(report.environment)} from main${where}${run}. ` +
      "Applying main would make these changes, so the real infrastructure no longer matches the code:",
    "",
  ];
  for (const r of drifted) {
    const c = r.counts;
    lines.push(`### ${code(r.stack)}`, "", `${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.destroy} to destroy.`, "");
    for (const change of r.changes) lines.push(`- ${describeChange(change)}${change.stateful && (change.kind === "replace" || change.kind === "delete") ? " 🛑 stateful" : ""}`);
    lines.push("");
  }
  if (failed.length > 0) {
    lines.push(`⚠️ Not checked, the plan failed: ${failed.map(code).join(", ")} (see the run's log).`, "");
  }
  lines.push(
    "**To resolve:** either re-apply main (run the `apply` workflow) to put the infrastructure back, " +
      "or adopt the change into the code in a pull request so the plan shows no changes. " +
      "See docs/operations.md (\"Drift\"). This issue is updated by every run and closed by the first run that finds no drift.",
  );
  const body = lines.join("\n");
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY - 80)}\n\n… cut; the full plans are in the run's log.\n` : body;
}

/** The few REST calls the drift issue needs; `path` is relative to the API root. */
export interface GitHubClient {
  request(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<unknown>;
}

/** The REST API over fetch (injectable for tests), authenticated with a token. */
export function restClient(token: string, apiUrl = "https://api.github.com", fetchImpl: typeof fetch = fetch): GitHubClient {
  return {
    async request(method, path, body) {
      const response = await fetchImpl(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (!response.ok) throw new Error(`GitHub ${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<unknown>;
    },
  };
}

interface Issue {
  number: number;
  body?: string | null;
  pull_request?: unknown;
}

export type DriftAction = "opened" | "updated" | "closed" | "none" | "left-open";

export interface DriftOutcome {
  action: DriftAction;
  issue?: number;
}

/** Finds this environment's open drift issue: the label narrows, the marker decides. */
export async function findDriftIssue(client: GitHubClient, repo: string, environment: string): Promise<Issue | undefined> {
  const marker = driftMarker(environment);
  const issues = (await client.request("GET", `/repos/${repo}/issues?state=open&labels=${DRIFT_LABEL}&per_page=100`)) as Issue[];
  return issues.find((i) => i.pull_request === undefined && (i.body ?? "").startsWith(marker));
}

/**
 * Brings the environment's issue in line with the report: opens or rewrites it on drift,
 * closes it when there is none. A run where some stack failed to plan and none drifted
 * proves nothing, so it leaves an open issue open.
 */
export async function syncDriftIssue(client: GitHubClient, repo: string, report: DriftReport): Promise<DriftOutcome> {
  const existing = await findDriftIssue(client, repo, report.environment);
  const drifted = driftedStacks(report.results).length > 0;
  if (drifted) {
    const body = renderDriftIssue(report);
    if (existing) {
      await client.request("PATCH", `/repos/${repo}/issues/${existing.number}`, { body });
      return { action: "updated", issue: existing.number };
    }
    const created = (await client.request("POST", `/repos/${repo}/issues`, { title: driftTitle(report.environment), body, labels: [DRIFT_LABEL] })) as Issue;
    return { action: "opened", issue: created.number };
  }
  if (!existing) return { action: "none" };
  if (failedStacks(report.results).length > 0) return { action: "left-open", issue: existing.number };
  const run = report.runUrl !== undefined ? ` ([run](${report.runUrl}))` : "";
  await client.request("POST", `/repos/${repo}/issues/${existing.number}/comments`, {
    body: `No drift found any more: every applied stack of \`${report.environment}\` plans with no changes${run}. Closing.`,
  });
  await client.request("PATCH", `/repos/${repo}/issues/${existing.number}`, { state: "closed", state_reason: "completed" });
  return { action: "closed", issue: existing.number };
}
