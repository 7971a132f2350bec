/**
 * The drift issue, against an in-memory GitHub: no drift opens nothing and closes an open
 * issue; drift opens one; drift again rewrites the same one; each environment has its own.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DRIFT_LABEL, driftMarker, restClient, type GitHubClient } from "../../ops/drift/issue";
import { main } from "../../ops/drift/report";
import { FIXTURES, SENSITIVE_VALUES } from "./support/plans";

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  comments: string[];
}

/** Enough of GitHub's issues API for the drift script; records every write. */
function fakeGitHub(seed: FakeIssue[] = []) {
  const issues = [...seed];
  const writes: string[] = [];
  const client: GitHubClient = {
    async request(method, path, body) {
      const b = body as Record<string, unknown> | undefined;
      if (method === "GET" && path.startsWith("/repos/acme/platform/issues?")) {
        const label = new URLSearchParams(path.split("?")[1]).get("labels") as string;
        return issues.filter((i) => i.state === "open" && i.labels.includes(label));
      }
      writes.push(`${method} ${path}`);
      let m = /^\/repos\/acme\/platform\/issues\/(\d+)(\/comments)?$/.exec(path);
      if (m) {
        const issue = issues.find((i) => i.number === Number(m?.[1])) as FakeIssue;
        if (m[2]) issue.comments.push(b?.body as string);
        else Object.assign(issue, b);
        return issue;
      }
      m = /^\/repos\/acme\/platform\/issues$/.exec(path);
      if (method === "POST" && m) {
        const issue: FakeIssue = { number: 100 + issues.length, title: b?.title as string, body: b?.body as string, labels: b?.labels as string[], state: "open", comments: [] };
        issues.push(issue);
        return issue;
      }
      throw new Error(`unexpected ${method} ${path}`);
    },
  };
  return { client, issues, writes };
}

function plans(drift: boolean, failed = false): string[] {
  const dir = mkdtempSync(join(tmpdir(), "drift-"));
  copyFileSync(join(FIXTURES, "plan-no-changes.json"), join(dir, "network.json"));
  copyFileSync(join(FIXTURES, drift ? "plan-stateful.json" : "plan-no-changes.json"), join(dir, "workloads.json"));
  const args = ["--stack", `network=${join(dir, "network.json")}`, "--stack", `workloads=${join(dir, "workloads.json")}`];
  if (failed) {
    writeFileSync(join(dir, "mesh.log"), "Error: configuring Terraform AWS Provider: no valid credential sources\n");
    args.push("--stack", `mesh=${join(dir, "mesh.json")}`);
  }
  return args;
}

async function run(client: GitHubClient, env: string, args: string[]) {
  let out = "";
  let err = "";
  const status = await main(["--env", env, "--run-url", "https://ci/run/1", ...args], { GITHUB_REPOSITORY: "acme/platform" }, (t) => (out += t), (t) => (err += t), client);
  return { status, out, err };
}

describe("drift issue", () => {
  it("opens nothing when no applied stack drifted", async () => {
    const gh = fakeGitHub();
    const r = await run(gh.client, "prod", plans(false));
    expect(r).toEqual({ status: 0, out: "no drift in prod\n", err: "" });
    expect(gh.writes).toEqual([]);
  });

  it("opens one labelled issue listing the drift by stack and resource, in the plan comment's words", async () => {
    const gh = fakeGitHub();
    const r = await run(gh.client, "prod", plans(true));
    expect(r.out).toBe("drift in prod: opened issue #100\n");
    expect(gh.issues).toHaveLength(1);
    const issue = gh.issues[0] as FakeIssue;
    expect(issue.labels).toEqual([DRIFT_LABEL]);
    expect(issue.title).toBe("Drift in prod: the applied infrastructure differs from main");
    expect(issue.body.startsWith(driftMarker("prod"))).toBe(true);
    expect(issue.body).toContain("### `workloads`\n\n1 to add, 1 to change, 2 to replace, 2 to destroy.");
    expect(issue.body).toContain("- `-/+` replace `aws_dynamodb_table.orders` (cannot be updated in place; forced by `name`) 🛑 stateful");
    expect(issue.body).not.toContain("### `network`");
    expect(issue.body).toContain("re-apply main");
    for (const secret of SENSITIVE_VALUES) expect(issue.body).not.toContain(secret);
  });

  it("updates the same issue when drift is found again, never opening a second", async () => {
    const gh = fakeGitHub();
    await run(gh.client, "prod", plans(true));
    gh.issues[0]!.body = `${driftMarker("prod")}\nold list`;
    const r = await run(gh.client, "prod", plans(true));
    expect(r.out).toBe("drift in prod: updated issue #100\n");
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toContain("aws_dynamodb_table.orders");
    expect(gh.writes).toEqual(["POST /repos/acme/platform/issues", "PATCH /repos/acme/platform/issues/100"]);
  });

  it("closes the open issue, with a comment, when a later run finds no drift", async () => {
    const gh = fakeGitHub();
    await run(gh.client, "prod", plans(true));
    const r = await run(gh.client, "prod", plans(false));
    expect(r.out).toBe("no drift in prod: closed issue #100\n");
    expect(gh.issues[0]!.state).toBe("closed");
    expect(gh.issues[0]!.comments[0]).toContain("No drift found any more");
  });

  it("keeps one issue per environment: dev's drift neither updates nor closes prod's", async () => {
    const gh = fakeGitHub();
    await run(gh.client, "prod", plans(true));
    expect((await run(gh.client, "dev", plans(true))).out).toBe("drift in dev: opened issue #101\n");
    expect((await run(gh.client, "dev", plans(false))).out).toBe("no drift in dev: closed issue #101\n");
    expect(gh.issues.map((i) => [i.number, i.state])).toEqual([[100, "open"], [101, "closed"]]);
    // An unrelated issue with the label but another marker is never touched.
    gh.issues.push({ number: 7, title: "x", body: "drift talk", labels: [DRIFT_LABEL], state: "open", comments: [] });
    await run(gh.client, "prod", plans(true));
    expect(gh.issues.find((i) => i.number === 7)!.body).toBe("drift talk");
  });

  it("does not close the issue when a stack failed to plan, and exits 2", async () => {
    const gh = fakeGitHub();
    await run(gh.client, "prod", plans(true));
    const r = await run(gh.client, "prod", plans(false, true));
    expect(r.status).toBe(2);
    expect(gh.issues[0]!.state).toBe("open");
    const again = await run(gh.client, "prod", plans(true, true));
    expect(again.status).toBe(2);
    expect(gh.issues[0]!.body).toContain("⚠️ Not checked, the plan failed: `mesh`");
  });

  it("says which variable is missing instead of failing later", async () => {
    let err = "";
    const status = await main(["--env", "prod"], {}, () => {}, (t) => (err += t));
    expect(status).toBe(1);
    expect(err).toBe("GITHUB_REPOSITORY is not set: it names the repository (owner/name) the issue goes to\n");
  });

  it("the REST client sends the token and JSON, and reports GitHub's refusal", async () => {
    const calls: Array<[string, RequestInit]> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return url.endsWith("/bad") ? new Response("nope", { status: 403 }) : Response.json({ number: 1 });
    }) as unknown as typeof fetch;
    const client = restClient("t0ken", "https://api.example", fakeFetch);
    expect(await client.request("POST", "/repos/a/b/issues", { title: "t" })).toEqual({ number: 1 });
    expect(calls[0]![0]).toBe("https://api.example/repos/a/b/issues");
    expect((calls[0]![1].headers as Record<string, string>).authorization).toBe("Bearer t0ken");
    expect(calls[0]![1].body).toBe('{"title":"t"}');
    await expect(client.request("GET", "/bad")).rejects.toThrow("GitHub GET /bad: 403 nope");
  });
});
