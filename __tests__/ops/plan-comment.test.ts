import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, parseArgs } from "../../ops/plan-comment";
import { COMMENT_MARKER } from "../../ops/plan-summary";
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
