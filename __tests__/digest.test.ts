import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UPDATE_COMMAND, digestFile, digestOf, readPinned, shippedEnvironments, synthEnvironment } from "../scripts/synth-digest";
import { synthPlatform } from "./support/synth";

// Every shipped environment, through the app command of cdktf.json as `cdktf synth` runs it
// (the compiled bundle): a reshaping of the code that changes a byte of any of them fails here.
describe.each(shippedEnvironments())("the %s synthesis (golden digest)", (environment) => {
  const outdir = synthEnvironment(environment);
  const now = digestOf(outdir);

  it(`is byte-identical to the pinned digest (when the output is meant to change: ${UPDATE_COMMAND})`, () => {
    const pinned = readPinned(environment);
    if (!pinned) throw new Error(`no pinned digest at ${path.relative(process.cwd(), digestFile(environment))}; create it with ${UPDATE_COMMAND}`);
    const changed = Object.keys({ ...pinned.files, ...now.files })
      .filter((f) => pinned.files[f] !== now.files[f])
      .sort();
    expect(
      { digest: now.digest, changed },
      `the ${environment} synthesis changed (${changed.join(", ")}). If that is intended (a feature or default changed the output), run ${UPDATE_COMMAND} and commit __tests__/golden/${environment}.json; if not, a change that should only affect the code's shape or speed changed what is generated.`,
    ).toEqual({ digest: pinned.digest, changed: [] });
    expect(Object.keys(now.files).filter((f) => f.endsWith("cdk.tf.json")).length).toBeGreaterThanOrEqual(3); // network and two ECS stacks at least: a folder of nothing would pass the comparison
  });
});

describe("the synthesis the tests assert on", () => {
  it("is the app command's: the test helper synthesizes the same bytes as cdktf synth's app", () => {
    const outdir = synthEnvironment();
    expect(digestOf(synthPlatform().outdir)).toEqual(digestOf(outdir));
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  });

  it("covers every shipped environment", () => {
    expect(shippedEnvironments()).toEqual(expect.arrayContaining(["dev", "prod", "ecs"]));
  });
});
