/**
 * Stand-ins for upstream outputs in pull-request plans: off unless the plan workflow turns
 * them on, shaped so providers accept them, and reported per stack in the comment.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../config/load";
import { detectStandIns, renderComment, summarizePlan } from "../../ops/plan-summary";
import { waitsFor } from "../../ops/plan-readiness";
import { buildPlatform } from "../../stacks/app";
import { CLUSTER_OUTPUTS, MESH_OUTPUTS, NETWORK_OUTPUTS } from "../../stacks/contracts";
import { EMPTY_STATE_FILE, type PlanStandIns, planStandInsFromEnv } from "../../stacks/synth/plan-stand-ins";
import { withDev } from "../support/synth";
import { loadFixture } from "./support/plans";

const ROOT = path.resolve(__dirname, "..", "..");

type RemoteState = { backend: string; config: Record<string, unknown>; defaults?: Record<string, unknown> };

function synth(planStandIns?: PlanStandIns) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-ins-"));
  const app = new App({ outdir: dir });
  buildPlatform(app, parseConfig(withDev()), { planStandIns });
  app.synth();
  const stack = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), "utf8")) as { data?: { terraform_remote_state?: Record<string, RemoteState> }; provider?: Record<string, unknown> };
  return { stack, remote: (name: string) => stack(name).data?.terraform_remote_state ?? {} };
}

describe("stand-ins are for pull-request plans only", () => {
  it("the default synth reads every upstream exactly: no defaults, no empty state", () => {
    expect(planStandInsFromEnv({})).toEqual({ enabled: false, unapplied: [] });
    const s = synth();
    for (const name of ["cluster", "mesh", "workloads"]) {
      const reads = Object.values(s.remote(name));
      expect(reads.length).toBeGreaterThan(0);
      for (const r of reads) {
        expect(r.defaults).toBeUndefined();
        expect(JSON.stringify(r.config)).not.toContain("stand-ins");
      }
    }
  });

  it("refuses half-set or misspelled variables with the variable named", () => {
    expect(() => planStandInsFromEnv({ PLATFORM_PLAN_UNAPPLIED: "network" })).toThrow(
      'PLATFORM_PLAN_UNAPPLIED is set but PLATFORM_PLAN_STANDINS is not "true"; stand-ins are for pull-request plans only, so set both or neither',
    );
    expect(() => planStandInsFromEnv({ PLATFORM_PLAN_STANDINS: "yes" })).toThrow('PLATFORM_PLAN_STANDINS=yes is not a switch; set it to "true" (pull-request plans only) or leave it unset');
    expect(() => planStandInsFromEnv({ PLATFORM_PLAN_STANDINS: "true", PLATFORM_PLAN_UNAPPLIED: "network,vpc" })).toThrow(
      "PLATFORM_PLAN_UNAPPLIED names vpc, which is not a stack; use network, cluster, mesh, workloads, observability, ecs-cluster, ecs-services",
    );
    expect(planStandInsFromEnv({ PLATFORM_PLAN_STANDINS: "true", PLATFORM_PLAN_UNAPPLIED: "network, cluster" })).toEqual({ enabled: true, unapplied: ["network", "cluster"] });
  });

  it("the real entry point refuses a half-set switch and synthesizes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-ins-main-"));
    const env: NodeJS.ProcessEnv = { ...process.env, PLATFORM_ENV: "dev", CDKTF_OUTDIR: path.join(dir, "cdktf.out"), PLATFORM_PLAN_UNAPPLIED: "cluster" };
    delete env.PLATFORM_PLAN_STANDINS;
    delete env.PLATFORM_CONFIG;
    const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "main.ts")], { cwd: dir, env, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PLATFORM_PLAN_UNAPPLIED is set but PLATFORM_PLAN_STANDINS is not "true"');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("with stand-ins on", () => {
  const s = synth({ enabled: true, unapplied: ["cluster"] });

  it("every upstream read carries a stand-in for every output of its contract", () => {
    const names = (c: object) => Object.values(c).map((o: { name: string }) => o.name).sort();
    expect(Object.keys(s.remote("cluster")["remote-state-network"].defaults ?? {}).sort()).toEqual(names(NETWORK_OUTPUTS));
    expect(Object.keys(s.remote("workloads")["remote-state-cluster"].defaults ?? {}).sort()).toEqual(names(CLUSTER_OUTPUTS));
    expect(Object.keys(s.remote("workloads")["remote-state-mesh"].defaults ?? {}).sort()).toEqual(names(MESH_OUTPUTS));
  });

  it("an applied upstream is still read from its own state; an unapplied one from the committed empty state", () => {
    expect(s.remote("mesh")["remote-state-network"].config).toEqual({ path: "../../../state/dev/network.tfstate" });
    expect(s.remote("mesh")["remote-state-cluster"]).toMatchObject({ backend: "local", config: { path: `../../../${EMPTY_STATE_FILE}` } });
    const empty = JSON.parse(fs.readFileSync(path.join(ROOT, EMPTY_STATE_FILE), "utf8"));
    expect(empty).toMatchObject({ version: 4, outputs: {}, resources: [] });
  });

  it("stand-ins are shaped for the providers' plan-time checks and marked", () => {
    const d = s.remote("mesh")["remote-state-cluster"].defaults as Record<string, unknown>;
    expect(d.oidc_provider_arn).toMatch(/^arn:aws:iam::000000000000:role\/standin-cluster-oidc-provider-arn$/);
    expect(Buffer.from(d.cluster_certificate_authority_data as string, "base64").toString()).toBe("standin-cluster-cluster-certificate-authority-data");
    expect(d.cluster_endpoint).toBe("https://standin-cluster-cluster-endpoint.invalid");
    expect(d.node_group_names).toEqual(["standin-cluster-node-group-names-0", "standin-cluster-node-group-names-1"]);
    const n = s.remote("cluster")["remote-state-network"].defaults as Record<string, unknown>;
    expect(n.vpc_cidr).toBe("192.0.2.0/24");
  });

  it("the Kubernetes stacks wait for an unapplied cluster, and workloads for an unapplied mesh (its CRDs); the cluster stack never waits", () => {
    const workloadsUpstreams = { cluster: s.stack("cluster"), mesh: s.stack("mesh") };
    expect(waitsFor(s.stack("mesh"), ["cluster", "mesh"], { cluster: s.stack("cluster") })).toEqual(["cluster"]);
    expect(waitsFor(s.stack("workloads"), ["cluster", "mesh", "workloads"], workloadsUpstreams)).toEqual(["cluster", "mesh"]);
    expect(waitsFor(s.stack("workloads"), ["mesh", "workloads"], workloadsUpstreams)).toEqual(["mesh"]);
    expect(waitsFor(s.stack("cluster"), ["network", "cluster"], { network: s.stack("network") })).toEqual([]);
    expect(waitsFor(s.stack("workloads"), [], workloadsUpstreams)).toEqual([]);
  });

  it("the observability stack waits for unapplied workloads, whose Ingress makes the ALB its alarms look up", () => {
    const upstreams = { network: s.stack("network"), cluster: s.stack("cluster"), workloads: s.stack("workloads") };
    expect(Object.keys(s.stack("observability").data ?? {})).toContain("aws_lb");
    expect(waitsFor(s.stack("observability"), ["cluster", "mesh", "workloads", "observability"], upstreams)).toEqual(["workloads"]);
    expect(waitsFor(s.stack("observability"), ["observability"], upstreams)).toEqual([]);
  });
});

describe("stand-ins in the plan comment", () => {
  it("names the outputs whose value is their stand-in, not the ones the upstream state has", () => {
    const plan = loadFixture("plan-stand-ins.json") as Parameters<typeof detectStandIns>[0];
    expect(detectStandIns(plan)).toEqual([{ upstream: "network", outputs: ["private_subnet_ids", "vpc_cidr"] }]);
    expect(summarizePlan("x", loadFixture("plan-stateless.json")).standIns).toEqual([]);
  });

  it("says the plan will change once the upstream is applied", () => {
    const comment = renderComment([summarizePlan("cluster", loadFixture("plan-stand-ins.json")), { stack: "mesh", status: "waiting", upstream: ["cluster"] }]);
    expect(comment).toContain("| `cluster` | 📝 changes, with stand-ins for `network` | 2 | 0 | 0 | 0 |");
    expect(comment).toContain(
      [
        "> [!NOTE]",
        "> **Planned with stand-ins** for upstream values not in state yet (values marked `standin`):",
        "> - `network`: `private_subnet_ids`, `vpc_cidr`",
        "> This plan **will change** once `network` is applied with this change; the apply after merge plans again with the real values.",
      ].join("\n"),
    );
    expect(comment).toContain("| `mesh` | ⏳ waits for `cluster` | – | – | – | – |");
    expect(comment).toContain("⏳ **Waits for `cluster`: not planned yet.**");
  });
});
