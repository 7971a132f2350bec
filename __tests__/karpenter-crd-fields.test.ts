import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load";
import { nodePoolProperty } from "../facts/upstream/karpenter";
import { sourceDir } from "../ops/kubernetes/sources";
import { nodePoolManifest } from "../stacks/addons/karpenter/node-pools";
import { refusal } from "./support/config";
import { karpenterCrdErrors } from "./support/karpenter-crds";

const ROOT = path.resolve(__dirname, "..");
const THROWAWAY = { platform: { throwaway: true }, edge: { insecurePlainHttpForThrowawayEnvironment: true } };
const withPool = (pool: Record<string, unknown>) => ({ ...THROWAWAY, cluster: { autoscaling: "karpenter", karpenter: { nodePools: { default: pool } } } }) as never;
const lines = (input: never) => refusal(input).split("\n").slice(1, -1);

describe("Karpenter fields take their rules from the pinned NodePool CRD", () => {
  it("accepts every value the CRD enumerates, and the values its patterns admit that a hand-written rule missed", () => {
    for (const policy of nodePoolProperty("spec.disruption.consolidationPolicy").enum!) {
      expect(parseConfig(withPool({ consolidation: { policy } })).cluster.karpenter.nodePools.default!.consolidation.policy).toBe(policy);
    }
    expect(nodePoolProperty("spec.disruption.consolidationPolicy").enum).toContain("Balanced");
    const pool = parseConfig(
      withPool({ consolidation: { after: "Never", budgets: [{ nodes: "0", schedule: "@daily", duration: "1h30m0s", reasons: [...nodePoolProperty("spec.disruption.budgets[].reasons[]").enum!] }] }, labels: { team: "" } }),
    ).cluster.karpenter.nodePools.default!;
    // What the config accepts, the API server accepts: the NodePool written from it validates.
    expect(karpenterCrdErrors(nodePoolManifest("default", pool))).toEqual([]);
  });

  it("refuses what the CRD refuses, naming the field, the value, the rule and a valid example", () => {
    expect(lines(withPool({ consolidation: { policy: "Aggressive", budgets: [{ nodes: "10%", schedule: "every day", duration: "8h" }] }, weight: 101 }))).toEqual([
      '  - cluster.karpenter.nodePools.default.consolidation.policy: "Aggressive" is not a consolidation policy; the Karpenter v1.14.1 NodePool CRD allows "WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"',
      '  - cluster.karpenter.nodePools.default.consolidation.budgets[0].schedule: "every day" is not a cron schedule as the Karpenter v1.14.1 NodePool CRD accepts it (pattern ^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\\s(.+)\\s(.+)\\s(.+)\\s(.+))$); write it like "0 9 * * mon-fri"',
      "  - cluster.karpenter.nodePools.default.weight: 101 is outside 1–100, what the Karpenter v1.14.1 NodePool CRD allows for weight",
    ]);
    expect(lines(withPool({ taints: [{ key: "dedicated", value: "a b", effect: "NO_SCHEDULE" }] }))[0]).toMatch(
      /^ {2}- cluster\.karpenter\.nodePools\.default\.taints\[0\]\.value: "a b" is not a taint value as the Karpenter v1\.14\.1 NodePool CRD accepts it \(pattern .*\); write it like "batch"$/,
    );
    expect(lines(withPool({ labels: { team: "x".repeat(64) } }))[0]).toBe(
      `  - cluster.karpenter.nodePools.default.labels.team: "${"x".repeat(64)}" is 64 characters; the Karpenter v1.14.1 NodePool CRD allows at most 63 for a label value`,
    );
  });

  it("maps every taint effect the config offers to one the CRD enumerates", () => {
    const effects = nodePoolProperty("spec.template.spec.taints[].effect").enum!;
    for (const effect of ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]) {
      const pool = parseConfig(withPool({ taints: [{ key: "dedicated", value: "batch", effect }] })).cluster.karpenter.nodePools.default!;
      const written = (nodePoolManifest("default", pool) as { spec: { template: { spec: { taints: { effect: string }[] } } } }).spec.template.spec.taints;
      expect(effects).toContain(written.find((t) => t.effect !== undefined && !["karpenter.sh/unregistered"].includes(t.effect))!.effect);
    }
  });
});

describe("the committed CRD facts", () => {
  it("are what facts/upstream/regenerate.ts makes from the pinned Go module's CRD (fetched by npm run setup:tools)", () => {
    const crds = path.join(sourceDir("karpenter"), "pkg", "apis", "crds");
    if (!fs.existsSync(crds)) throw new Error(`${crds} is missing: run npm run setup:tools (it fetches the pinned Karpenter module)`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "karpenter-facts-"));
    const copy = path.join(out, "facts", "upstream");
    fs.mkdirSync(copy, { recursive: true });
    // Regenerates into a scratch copy of facts/upstream, then compares with the committed one.
    fs.cpSync(path.join(ROOT, "facts", "upstream"), copy, { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(out, "node_modules"));
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(copy, "regenerate.ts"), "karpenter-v1.14.1", crds], { cwd: out, stdio: "pipe" });
    for (const file of ["karpenter.sh_nodepools.json", "provenance.json"]) {
      expect(fs.readFileSync(path.join(copy, "karpenter-v1.14.1", file), "utf8"), file).toBe(fs.readFileSync(path.join(ROOT, "facts", "upstream", "karpenter-v1.14.1", file), "utf8"));
    }
  });
});
