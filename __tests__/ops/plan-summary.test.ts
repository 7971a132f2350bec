import { describe, expect, it } from "vitest";
import { classifyActions, summarizePlan, type StackResult } from "../../ops/plan/plan";
import { classifyFailure } from "../../ops/plan/failures";
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderComment, shareBudget, truncateLines } from "../../ops/plan/comment";
import { largePlan, largePlanText, loadFixture, SENSITIVE_VALUES } from "./support/plans";

describe("classifyActions", () => {
  it.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["create", "forget"], "replace"],
    [["delete"], "delete"],
    [["forget"], "forget"],
    [["no-op"], undefined],
    [["read"], undefined],
  ])("%j is %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });

  it("refuses an action list it does not know", () => {
    expect(() => classifyActions(["delete", "teleport"])).toThrow("unknown Terraform change actions [delete, teleport]");
  });
});

describe("summarizePlan", () => {
  it("counts stateless changes and ignores no-op and read", () => {
    const summary = summarizePlan("network", loadFixture("plan-stateless.json"));
    expect(summary.counts).toEqual({ add: 1, change: 1, replace: 2, destroy: 1, forget: 0 });
    expect(summary.changes.map((c) => [c.address, c.kind])).toEqual([
      ["aws_security_group_rule.ingress_https", "create"],
      ["aws_security_group_rule.ingress_envoy_admin", "update"],
      ["aws_security_group_rule.egress_all", "replace"],
      ['aws_security_group_rule.node_to_node["dns"]', "replace"],
      ["aws_security_group_rule.legacy_ssh", "delete"],
    ]);
    expect(summary.changes.every((c) => !c.stateful)).toBe(true);
  });

  it("marks stateful types and keeps the replacement reason and forcing paths", () => {
    const summary = summarizePlan("workloads", loadFixture("plan-stateful.json"));
    expect(summary.counts).toEqual({ add: 1, change: 1, replace: 2, destroy: 2, forget: 0 });
    const orders = summary.changes.find((c) => c.address === "aws_dynamodb_table.orders");
    expect(orders).toEqual({
      address: "aws_dynamodb_table.orders",
      type: "aws_dynamodb_table",
      kind: "replace",
      actions: ["delete", "create"],
      reason: "replace_because_cannot_update",
      replacePaths: ["name"],
      deposed: undefined,
      stateful: true,
    });
    expect(summary.changes.find((c) => c.address === "aws_security_group_rule.cluster_api")?.stateful).toBe(false);
  });

  it("reads a plan with no changes, where Terraform omits resource_changes", () => {
    const summary = summarizePlan("mesh", loadFixture("plan-no-changes.json"));
    expect(summary.changes).toEqual([]);
    expect(summary.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 0, forget: 0 });
  });

  it("lists moves", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_vpc.platform",
          previous_address: "aws_vpc.main",
          mode: "managed",
          type: "aws_vpc",
          name: "platform",
          change: { actions: ["no-op"], before: {}, after: {}, before_sensitive: {}, after_sensitive: {} },
        },
      ],
    };
    const summary = summarizePlan("network", plan);
    expect(summary.moved).toEqual([{ from: "aws_vpc.main", to: "aws_vpc.platform" }]);
    expect(summary.changes).toEqual([]);
  });

  it("refuses a document that is not a plan of format 1.x", () => {
    expect(() => summarizePlan("network", { format_version: "2.0", resource_changes: [] })).toThrow(
      "stack network: not a terraform show -json plan at format_version: only plan JSON format 1.x is understood (Terraform 1.x)",
    );
  });
});

describe("classifyFailure", () => {
  it("recognizes an upstream stack that was never applied (terraform-cdk #2235)", () => {
    const log = [
      "Initializing the backend...",
      "╷",
      "│ Error: Unable to find remote state",
      "│",
      "│   with data.terraform_remote_state.remote-state-network,",
      "│   on cdk.tf.json line 27, in data.terraform_remote_state.remote-state-network:",
      "│   27:       }",
      "│",
      "│ No stored state was found for the given workspace in the given backend.",
      "╵",
    ].join("\n");
    expect(classifyFailure("cluster", log)).toEqual({
      stack: "cluster",
      status: "blocked",
      reason: "no-upstream-state",
      upstream: ["network"],
    });
  });

  it("recognizes an upstream output that is not applied yet", () => {
    const log = [
      "│ Error: Unsupported attribute",
      "│",
      '│   on cdk.tf.json line 88, in resource.aws_eks_cluster.main.vpc_config[0].subnet_ids:',
      '│   88:         "subnet_ids": "${data.terraform_remote_state.remote-state-network.outputs.private_subnet_ids}"',
      "│",
      '│ This object does not have an attribute named "private_subnet_ids".',
    ].join("\n");
    expect(classifyFailure("cluster", log)).toEqual({
      stack: "cluster",
      status: "blocked",
      reason: "missing-upstream-output",
      upstream: ["network"],
    });
  });

  it("also reads cdktf's own cross-stack reference names", () => {
    const log = "Error: Unable to find remote state\n  with data.terraform_remote_state.cross-stack-reference-input-mesh,\n";
    expect(classifyFailure("workloads", log)).toEqual({ stack: "workloads", status: "blocked", reason: "no-upstream-state", upstream: ["mesh"] });
  });

  it("keeps the last lines of any other failure", () => {
    const log = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const result = classifyFailure("mesh", log, 3);
    expect(result).toEqual({ stack: "mesh", status: "failed", log: "line 48\nline 49\nline 50" });
  });
});

describe("renderComment", () => {
  const stateless = () => summarizePlan("network", loadFixture("plan-stateless.json"), "Terraform will perform the following actions:");
  const stateful = () => summarizePlan("workloads", loadFixture("plan-stateful.json"));

  it("starts with the hidden marker and has one summary row per stack", () => {
    const comment = renderComment([stateless(), summarizePlan("mesh", loadFixture("plan-no-changes.json"))], {
      environment: "prod",
    });
    expect(comment.startsWith(`${COMMENT_MARKER}\n## Terraform plan — \`prod\`\n`)).toBe(true);
    expect(comment).toContain("| `network` | 📝 changes | 1 | 1 | 2 | 1 |");
    expect(comment).toContain("| `mesh` | ✅ no changes | 0 | 0 | 0 | 0 |");
    expect(comment).toContain(
      '- `-/+` replace `aws_security_group_rule.node_to_node["dns"]` (create before destroy; cannot be updated in place; forced by `protocol`)',
    );
  });

  it("has no warning when only stateless resources are replaced or destroyed", () => {
    expect(renderComment([stateless()])).not.toContain("[!CAUTION]");
  });

  it("has no warning when stateful resources are only created or updated", () => {
    const plan = loadFixture("plan-stateful.json") as { resource_changes: Array<{ address: string }> };
    plan.resource_changes = plan.resource_changes.filter((rc) =>
      ["aws_dynamodb_table.carts", "aws_kms_key.logs"].includes(rc.address),
    );
    expect(renderComment([summarizePlan("workloads", plan)])).not.toContain("[!CAUTION]");
  });

  it("warns loudly, naming each stateful resource replaced or destroyed", () => {
    const comment = renderComment([stateless(), stateful()]);
    const warning = comment.slice(comment.indexOf("> [!CAUTION]"), comment.indexOf("| Stack |"));
    expect(warning).toBe(
      [
        "> [!CAUTION]",
        "> 🛑 **3 stateful resources would be replaced or destroyed.** Data in them is lost. Do not merge until you have a backup or meant this.",
        ">",
        "> - `workloads`: `aws_dynamodb_table.orders` **REPLACED** — its items are lost",
        "> - `workloads`: `aws_kms_key.secrets` **REPLACED** — everything encrypted with it becomes unreadable once the key is deleted",
        "> - `workloads`: `aws_eks_cluster.main` **DESTROYED** — every workload and Kubernetes object on it goes with it",
        "",
        "",
      ].join("\n"),
    );
  });

  it("names the first 30 stateful resources in the warning and counts the rest", () => {
    const comment = renderComment([summarizePlan("network", largePlan(35, "aws_cloudwatch_log_group", ["delete"]))]);
    expect(comment).toContain("> 🛑 **35 stateful resources would be replaced or destroyed.**");
    expect((comment.match(/^> - `network`: /gm) ?? []).length).toBe(30);
    expect(comment).toContain("> - … and 5 more; see the stack sections below.");
  });

  it("keeps only the end of a very long failure log", () => {
    const log = `${"x".repeat(10_000)}\nError: the real cause`;
    const comment = renderComment([{ stack: "mesh", status: "failed", log }]);
    expect(comment).toContain("Error: the real cause");
    expect(comment.length).toBeLessThan(8_000);
  });

  it("never prints a value, sensitive or not", () => {
    const comment = renderComment([stateless(), stateful()]);
    for (const secret of SENSITIVE_VALUES) expect(comment).not.toContain(secret);
    // Non-sensitive values stay out too: the summary carries addresses and actions only.
    expect(comment).not.toContain("https-from-vpc-7731");
    expect(comment).not.toContain("new-envoy-admin-4411");
  });

  it("says clearly that a blocked stack waits for its upstream", () => {
    const blocked: StackResult = { stack: "cluster", status: "blocked", reason: "no-upstream-state", upstream: ["network"] };
    const comment = renderComment([blocked]);
    expect(comment).toContain("| `cluster` | ⏸️ blocked: apply `network` first | – | – | – | – |");
    expect(comment).toContain(
      '⏸️ **Not planned: `network` has not been applied yet.** This stack reads its outputs from the state backend and Terraform found no state there ("Unable to find remote state", terraform-cdk #2235). Apply `network` first (`npx cdktf deploy network --ignore-missing-stack-dependencies`), then re-run this workflow.',
    );
  });

  it("shows the log of a failed stack folded", () => {
    const failed: StackResult = { stack: "mesh", status: "failed", log: "Error: Invalid provider configuration" };
    const comment = renderComment([failed]);
    expect(comment).toContain("| `mesh` | ❌ plan failed | – | – | – | – |");
    expect(comment).toContain("<details><summary>Log</summary>\n\n```\nError: Invalid provider configuration\n```\n\n</details>");
  });

  it("fences plan text so backticks inside cannot close the block", () => {
    const summary = summarizePlan("network", loadFixture("plan-stateless.json"), "name = \"```\"");
    expect(renderComment([summary])).toContain("````\nname = \"```\"\n````");
  });

  it("stays under GitHub's limit with a very large plan, and says where the full plan is", () => {
    const huge = summarizePlan("network", largePlan(4000), largePlanText(20000));
    const small = summarizePlan("mesh", largePlan(3), largePlanText(30));
    const comment = renderComment([huge, stateful(), small], {
      runUrl: "https://github.com/acme/platform/actions/runs/42",
      artifactName: "plans-prod",
    });
    expect(huge.planText?.length).toBeGreaterThan(1_000_000);
    expect(comment.length).toBeLessThanOrEqual(65_000);
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toContain(
      "Some plans below are cut to keep this comment under GitHub's 65,536-character limit. The full plans are in artifact `plans-prod` of [this workflow run](https://github.com/acme/platform/actions/runs/42).",
    );
    // The summary and the warning are never cut.
    expect(comment).toContain("| `network` | 📝 changes | 4000 | 0 | 0 | 0 |");
    expect(comment).toContain("`workloads`: `aws_dynamodb_table.orders` **REPLACED**");
    expect(comment).toMatch(/… \d+ more plan lines left out here; see the full plan in the workflow artifact\./);
    expect(comment).toMatch(/… \d+ more lines left out here; see the full plan in the workflow artifact\./);
    // Every fence opened is closed.
    expect((comment.match(/^```$/gm) ?? []).length % 2).toBe(0);
    // Small stacks are kept whole, their plan text included, however large the other one.
    expect(comment).toContain("- `-` delete `aws_security_group_rule.cluster_api`");
    expect(comment).toContain(`${largePlanText(30)}\n\`\`\``);
  });

  it("does not cut when everything fits", () => {
    const comment = renderComment([stateless()]);
    expect(comment).not.toContain("[!NOTE]");
    expect(comment).not.toContain("left out here");
  });

  it("refuses a maximum above GitHub's limit", () => {
    expect(() => renderComment([stateless()], { maxLength: 70_000 })).toThrow(
      "maxLength 70000 is above GitHub's comment limit of 65536",
    );
  });
});

describe("budget helpers", () => {
  it("gives small blocks all they need and splits the rest evenly", () => {
    expect(shareBudget([100, 5000, 20, 5000], 1000)).toEqual([100, 440, 20, 440]);
    expect(shareBudget([10, 20], 1000)).toEqual([10, 20]);
    expect(shareBudget([10, 20], -5)).toEqual([0, 0]);
  });

  it("cuts at a line boundary and says how many lines were left out", () => {
    const text = ["aaaa", "bbbb", "cccc", "dddd"].join("\n");
    expect(truncateLines(text, 100, (n) => `(${n} more)`)).toBe(text);
    expect(truncateLines(text, 18, (n) => `(${n} more)`)).toBe("aaaa\n(3 more)");
  });
});
