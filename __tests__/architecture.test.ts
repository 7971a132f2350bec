import { describe, expect, it } from "vitest";
import { importGraph, layerViolations, mutualFolders, readLayers, sourceFiles, unplaced, type ImportEdge } from "./support/imports";

// The layer rules live in docs/architecture.md's tables; this test reads them there, so a
// change of shape is a change of that page first.
const files = sourceFiles();
const edges = importGraph(files);
const layers = readLayers("layers");
const stackLayers = readLayers("stack-layers");
const stackFiles = files.filter((f) => f.startsWith("stacks/"));
const stackEdges = edges.filter((e) => e.from.startsWith("stacks/") && e.to.startsWith("stacks/"));

describe("the project's shape (docs/architecture.md)", () => {
  it("reads an import graph big enough to mean something", () => {
    // Guards the test itself: a graph reader that found nothing would pass every rule below.
    expect(files.length).toBeGreaterThan(150);
    expect(edges.length).toBeGreaterThan(400);
    expect(edges).toContainEqual({ from: "main.ts", to: "stacks/app.ts" });
  });

  it("places every source file in a row of the top-level table", () => {
    expect(unplaced(files, layers)).toEqual([]);
  });

  it("has no import that goes up a floor or sideways to a folder its row does not name", () => {
    expect(layerViolations(edges, layers)).toEqual([]);
  });

  it("has no two top-level folders that import each other", () => {
    expect(mutualFolders(edges, layers)).toEqual([]);
  });

  it("places every file of stacks/ in a row of the stacks table", () => {
    expect(unplaced(stackFiles, stackLayers)).toEqual([]);
  });

  it("keeps the same rule inside stacks/", () => {
    expect(layerViolations(stackEdges, stackLayers)).toEqual([]);
    expect(mutualFolders(stackEdges, stackLayers)).toEqual([]);
  });

  it("keeps each stack's folder to itself: no stack folder imports another's", () => {
    const perStack = ["stacks/network/", "stacks/cluster/", "stacks/observability/", "stacks/ecs-cluster/", "stacks/ecs-services/", "stacks/bootstrap/", "stacks/mesh/"];
    const crossing = stackEdges.filter((e) => {
      const a = perStack.find((p) => e.from.startsWith(p));
      const b = perStack.find((p) => e.to.startsWith(p));
      return a && b && a !== b;
    });
    expect(crossing).toEqual([]);
  });
});

describe("the rule checker itself", () => {
  it("reports an upward import, a sideways one and a mutual pair", () => {
    const fake: ImportEdge[] = [
      { from: "facts/naming.ts", to: "config/schema/index.ts" },
      { from: "stacks/app.ts", to: "cost/model.ts" },
      { from: "cost/model.ts", to: "stacks/app.ts" },
    ];
    const found = layerViolations(fake, layers);
    expect(found).toHaveLength(3); // stacks/ and cost/ share a floor and name neither: both directions are refused
    expect(found[0]).toMatch(/^facts\/naming\.ts \(floor 1, facts\/\) imports config\/schema\/index\.ts \(floor 5, config\/\)$/);
    expect(found[1]).toMatch(/stacks\/app\.ts .* imports cost\/model\.ts/);
    expect(mutualFolders(fake, layers)).toEqual(["cost/ <-> stacks/"]);
  });

  it("allows what a row names on its floor, and a file the table does not know is reported", () => {
    expect(layerViolations([{ from: "apps/services/x.ts", to: "apps/index.ts" }], layers)).toEqual([]);
    expect(unplaced(["newfolder/a.ts", "facts/a.ts"], layers)).toEqual(["newfolder/a.ts"]);
  });

  it("refuses a table whose rows lost their folder", () => {
    expect(() => readLayers("layers", "<!-- layers: x -->\n| floor | folder |\n|---|---|\n| 1 | nothing |\n")).toThrow(/without a floor or a folder/);
  });
});
