import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli as costCli } from "../../cost/command";
import { main, parseArgs } from "../../ops/plan-comment";
import { readCostReport } from "../../ops/plan/cost";
import { COMMENT_MARKER } from "../../ops/plan/comment";
import { extractSynthWarnings } from "../../ops/synth-warnings";
import { insecureEdgeWarning } from "../../stacks/constructs/edge/insecure-edge-warning";
import { MESH_DISCONTINUATION_WARNING } from "../../stacks/mesh/appmesh/discontinued";
import { FIXTURES } from "./support/plans";

function run(argv: string[]): { status: number; out: string; err: string } {
  let out = "";
  let err = "";
  const status = main(argv, (t) => (out += t), (t) => (err += t));
  return { status, out, err };
}

function plansDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "plans-"));
  copyFileSync(join(FIXTURES, "plan-stateless.json"), join(dir, "network.json"));
  writeFileSync(join(dir, "network.txt"), "Plan: 1 to add, 1 to change, 1 to destroy.\n");
  return dir;
}

describe("plan-comment CLI", () => {
  it("parses stacks and options", () => {
    expect(parseArgs(["--stack", "network=plans/network.json", "--env", "prod", "--commit", "abc"])).toEqual({
      stacks: [{ name: "network", jsonPath: "plans/network.json" }],
      options: { environment: "prod", commitSha: "abc" },
    });
  });

  it("refuses a --stack without NAME=PATH.json", () => {
    const { status, err } = run(["--stack", "network"]);
    expect(status).toBe(1);
    expect(err).toBe('--stack takes NAME=PATH.json, got "network"\n');
  });

  it("writes the comment from the plan JSON and text, and reports a blocked stack without failing", () => {
    const dir = plansDir();
    writeFileSync(
      join(dir, "cluster.log"),
      "Error: Unable to find remote state\n  with data.terraform_remote_state.remote-state-network,\n",
    );
    const { status, out } = run([
      "--stack", `network=${join(dir, "network.json")}`,
      "--stack", `cluster=${join(dir, "cluster.json")}`,
      "--env", "prod",
    ]);
    expect(status).toBe(0);
    expect(out.startsWith(COMMENT_MARKER)).toBe(true);
    expect(out).toContain("| `network` | 📝 changes | 1 | 1 | 2 | 1 |");
    expect(out).toContain("```\nPlan: 1 to add, 1 to change, 1 to destroy.\n```");
    expect(out).toContain("| `cluster` | ⏸️ blocked: apply `network` first | – | – | – | – |");
  });

  it("exits 2 after writing the comment when a stack failed to plan", () => {
    const dir = plansDir();
    writeFileSync(join(dir, "mesh.log"), "Error: configuring Terraform AWS Provider: no valid credential sources\n");
    const { status, out } = run(["--stack", `network=${join(dir, "network.json")}`, "--stack", `mesh=${join(dir, "mesh.json")}`]);
    expect(status).toBe(2);
    expect(out).toContain("| `mesh` | ❌ plan failed | – | – | – | – |");
    expect(out).toContain("Error: configuring Terraform AWS Provider: no valid credential sources");
  });

  it("reports a stack for which the plan step left nothing", () => {
    const dir = plansDir();
    const { status, out } = run(["--stack", `workloads=${join(dir, "workloads.json")}`]);
    expect(status).toBe(2);
    expect(out).toContain(`neither ${join(dir, "workloads.json")} nor ${join(dir, "workloads.log")} exists`);
  });

  it("puts the platform's synth warnings above the plans, verbatim", () => {
    const dir = plansDir();
    const warning = insecureEdgeWarning("sandbox", ["frontend", "yelb-ui"]);
    writeFileSync(join(dir, "synth.log"), `\u001b[33m${warning}\u001b[0m\nSynthesized cdktf.out from sandbox.ts\n`);
    const { status, out } = run(["--stack", `network=${join(dir, "network.json")}`, "--synth-log", join(dir, "synth.log")]);
    expect(status).toBe(0);
    expect(out).toContain(
      '> [!WARNING]\n> ⚠️ **Synth warning:** INSECURE PUBLIC EDGE: edge.insecurePlainHttpForThrowawayEnvironment is true in environment "sandbox".\n>\n' +
        "> The public services (frontend, yelb-ui) are served over plain HTTP on port 80, with no certificate:",
    );
    // Above the stack table: the first thing a reviewer reads.
    expect(out.indexOf("INSECURE PUBLIC EDGE")).toBeLessThan(out.indexOf("| Stack |"));
  });

  it("refuses a --synth-log that was never written", () => {
    const dir = plansDir();
    const { status, err } = run(["--stack", `network=${join(dir, "network.json")}`, "--synth-log", join(dir, "nope.log")]);
    expect(status).toBe(1);
    expect(err).toBe(`--synth-log ${join(dir, "nope.log")} does not exist: capture the synth output there first\n`);
  });
});

describe("synth warnings", () => {
  it("are each WARNING: line with its indented continuation, once, whatever prefix cdktf adds", () => {
    const edge = insecureEdgeWarning("dev", ["frontend"]);
    const log = [`[2026-11-30] ${MESH_DISCONTINUATION_WARNING}`, "Synthesized cdktf.out", edge, edge].join("\n");
    expect(extractSynthWarnings(log)).toEqual([MESH_DISCONTINUATION_WARNING, edge]);
    expect(extractSynthWarnings("Synthesized cdktf.out\n")).toEqual([]);
  });

  it("survive what `cdktf synth` prints around them: its spinner, colours and the [ERROR] prefix of relayed stderr", () => {
    const edge = insecureEdgeWarning("dev", ["frontend"]);
    const esc = "\u001b";
    const captured = [
      "⠏  Synthesizing",
      `${esc}[91m[2026-11-30T01:34:58.270] [ERROR] default - ${esc}[39m${MESH_DISCONTINUATION_WARNING}`,
      "",
      `${esc}[2K${esc}[1A${esc}[2K${esc}[1A${esc}[2K${esc}[G`,
      "⠋  Synthesizing",
      `${esc}[2K${esc}[1A${esc}[2K${esc}[1A${esc}[2K${esc}[G${edge}`,
      "",
      "Generated Terraform code for the stacks: cluster, mesh, network, workloads",
    ].join("\n");
    expect(extractSynthWarnings(captured)).toEqual([MESH_DISCONTINUATION_WARNING, edge]);
  });
});

describe("plan comment: IAM permissions the change adds or removes", () => {
  function iamComment(): string {
    const dir = plansDir();
    copyFileSync(join(FIXTURES, "plan-iam.json"), join(dir, "cluster.json"));
    const { status, out } = run(["--stack", `network=${join(dir, "network.json")}`, "--stack", `cluster=${join(dir, "cluster.json")}`]);
    expect(status).toBe(0);
    return out;
  }

  it("lists, per role, the actions and resources added and removed", () => {
    const out = iamComment();
    expect(out).toContain("#### 🔐 IAM permissions this change adds (➕) or removes (➖)");
    expect(out).toContain(
      "- `cluster` role `prod-aws-load-balancer-controller`:\n" +
        '  - ➕ Allow `ec2:DescribeVpcs` on `*` when `{"StringEquals":{"aws:RequestTag/elbv2.k8s.aws/cluster":"prod"}}`\n' +
        '  - ➕ Allow `elasticloadbalancing:CreateLoadBalancer` on `*` when `{"StringEquals":{"aws:RequestTag/elbv2.k8s.aws/cluster":"prod"}}`\n' +
        "  - ➖ Allow `ec2:DescribeVpcs` on `*`\n" +
        "  - ➖ Allow `elasticloadbalancing:DeleteLoadBalancer` on `*`\n",
    );
    // A deleted role's inline policy is removed; a new attachment is added.
    expect(out).toContain("- `cluster` role `prod-legacy-reader`:\n  - ➖ Allow `s3:GetObject` on `arn:aws:s3:::acme-assets/*`\n");
    expect(out).toContain("- `cluster` role `prod-node`:\n  - ➕ attaches managed policy `arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`\n");
  });

  it("says nothing of a policy whose grants are unchanged, however it is rewritten, or of a no-op", () => {
    const out = iamComment();
    expect(out).not.toContain("prod-fluent-bit");
    expect(out).not.toContain("logs:PutLogEvents");
    expect(out).not.toContain("prod-x");
    const plain = run(["--stack", `network=${join(plansDir(), "network.json")}`]).out;
    expect(plain).not.toContain("IAM permissions");
  });

  it("never reads a sensitive policy or guesses one known only after apply", () => {
    const out = iamComment();
    expect(out).toContain("- `cluster` role `prod-secret`:\n  - ❔ `aws_iam_role_policy.secret`: not compared, its policy is marked sensitive");
    expect(out).not.toContain("IAM-SENSITIVE-000");
    expect(out).toContain("- `cluster` role of `aws_iam_role_policy.karpenter` (its name is known after apply):\n  - ❔ `aws_iam_role_policy.karpenter`: not compared, its policy is known only after apply");
  });
});

describe("plan comment: monthly cost before and after", () => {
  it("shows the base branch's and the pull request's cost per component, with the change", () => {
    const dir = plansDir();
    const { status, out } = run([
      "--stack", `network=${join(dir, "network.json")}`,
      "--cost-before", join(FIXTURES, "cost-base.json"),
      "--cost-after", join(FIXTURES, "cost-head.json"),
    ]);
    expect(status).toBe(0);
    expect(out).toContain("#### 💰 Monthly cost: $231.99 → $269.66 (+$37.67)");
    expect(out).toContain("| EC2 nodes | $30.37 | $60.74 | +$30.37 |");
    expect(out).toContain("| EKS control plane | $73.00 | $73.00 | – |");
    // The mesh's own charge (App Mesh none, Lattice per service) and the observability parts switched on.
    expect(out).toContain("| Mesh (vpc-lattice) | $0.00 | $18.25 | +$18.25 |");
    expect(out).toContain("| Mesh (appmesh) | $0.00 | $0.00 | – |");
    expect(out).toContain("| Observability: Dashboard | $3.00 | $3.00 | – |");
    expect(out).not.toContain("AMP samples ingested");
    expect(out).toContain("| Public IPv4 addresses | $10.95 | $0.00 | −$10.95 |");
    expect(out.indexOf("Monthly cost")).toBeLessThan(out.indexOf("| Stack |"));
  });

  it("reads what `npm run cost -- --json` really prints for the configured platform", () => {
    let stdout = "";
    const code = costCli(["--platform", "--json"], { stdout: (t) => (stdout += t), stderr: () => {}, writeFile: () => {} });
    expect(code).toBe(0);
    const snapshot = readCostReport(JSON.parse(stdout) as unknown, "npm run cost -- --json");
    const components = snapshot.lines.map((l) => l.component);
    expect(components).toEqual(expect.arrayContaining(["EKS control plane", "EC2 nodes", "Fargate pods"]));
    expect(components.some((c) => c.startsWith("Mesh ("))).toBe(true);
    expect(components.some((c) => c.startsWith("Observability: "))).toBe(true);
    expect(snapshot.total).toBeCloseTo(snapshot.lines.reduce((n, l) => n + l.monthly, 0), 6);
  }, 60_000);

  it("shows no change when the configs cost the same", () => {
    const base = join(FIXTURES, "cost-base.json");
    const { out } = run(["--stack", `network=${join(plansDir(), "network.json")}`, "--cost-before", base, "--cost-after", base]);
    expect(out).toContain("#### 💰 Monthly cost: $231.99 → $231.99 (–)");
  });

  it("refuses one side without the other, or a file that is not the cost model's JSON", () => {
    const net = `network=${join(plansDir(), "network.json")}`;
    expect(run(["--stack", net, "--cost-before", join(FIXTURES, "cost-base.json")]).err).toMatch(/^--cost-before and --cost-after go together/);
    const bad = run(["--stack", net, "--cost-before", join(FIXTURES, "cost-base.json"), "--cost-after", join(FIXTURES, "plan-iam.json")]);
    expect(bad.status).toBe(1);
    expect(bad.err).toBe(`--cost-after ${join(FIXTURES, "plan-iam.json")}: no "configured" scenario with lines and a monthly total; write it with \`npm run cost -- --json\`\n`);
  });
});
