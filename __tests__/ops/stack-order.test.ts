import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, parseManifest, stackOrder, type CdktfManifest } from "../../ops/stack-order";
import { manifestEntry as entry, PLATFORM_ORDER, SAMPLE_MANIFEST } from "./support/manifest";

describe("stackOrder", () => {
  const manifest: CdktfManifest = parseManifest(SAMPLE_MANIFEST);

  it("orders stacks by their dependencies and leaves out bootstrap", () => {
    expect(stackOrder(manifest)).toEqual(PLATFORM_ORDER);
  });

  it("reverses for destroy", () => {
    expect(stackOrder(manifest, { reverse: true })).toEqual(["workloads", "mesh", "cluster", "network"]);
  });

  it("includes bootstrap when asked", () => {
    expect(stackOrder(manifest, { exclude: [] })).toEqual(["bootstrap", "network", "cluster", "mesh", "workloads"]);
  });

  it("places a newly added stack after what it depends on", () => {
    const withObservability = parseManifest({
      ...SAMPLE_MANIFEST,
      stacks: { observability: entry("observability", ["cluster"]), ...SAMPLE_MANIFEST.stacks },
    });
    expect(stackOrder(withObservability)).toEqual(["network", "cluster", "observability", "mesh", "workloads"]);
  });

  it("refuses a cycle, naming the stacks in it", () => {
    const cyclic = parseManifest({
      version: "0.21.0",
      stacks: { network: entry("network", []), a: entry("a", ["b"]), b: entry("b", ["a"]) },
    });
    expect(() => stackOrder(cyclic)).toThrow("stack dependencies form a cycle among: a, b");
  });

  it("refuses a dependency on a stack that is not in the manifest", () => {
    const dangling = parseManifest({ version: "0.21.0", stacks: { cluster: entry("cluster", ["network"]) } });
    expect(() => stackOrder(dangling)).toThrow("stack cluster depends on network, which is not in the manifest");
  });

  it("refuses a document that is not a manifest", () => {
    expect(() => parseManifest({ stacks: {} })).toThrow("not a cdktf manifest: version");
  });
});

describe("stack-order CLI", () => {
  function run(argv: string[]) {
    let out = "";
    let err = "";
    const status = main(argv, (t) => (out += t), (t) => (err += t));
    return { status, out, err };
  }

  it("prints one stack per line, in order or reversed", () => {
    const path = join(mkdtempSync(join(tmpdir(), "manifest-")), "manifest.json");
    writeFileSync(path, JSON.stringify(SAMPLE_MANIFEST));
    expect(run([path])).toEqual({ status: 0, out: "network\ncluster\nmesh\nworkloads\n", err: "" });
    expect(run([path, "--reverse"]).out).toBe("workloads\nmesh\ncluster\nnetwork\n");
  });

  it("says to synthesize when there is no manifest", () => {
    expect(run(["/nonexistent/manifest.json"])).toEqual({
      status: 1,
      out: "",
      err: "/nonexistent/manifest.json not found: run `npx cdktf synth` first\n",
    });
  });
});
