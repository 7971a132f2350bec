import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DIGEST_FILE, UPDATE_COMMAND, digestOf, readPinned, synthDefault } from "../scripts/synth-digest";
import { synthPlatform } from "./support/synth";

describe("the default synthesis (golden digest)", () => {
  // The app command of cdktf.json, as `cdktf synth` runs it (the compiled bundle).
  const outdir = synthDefault();
  const now = digestOf(outdir);

  it(`is byte-identical to the pinned digest (when the output is meant to change: ${UPDATE_COMMAND})`, () => {
    const pinned = readPinned();
    if (!pinned) throw new Error(`no pinned digest at ${path.relative(process.cwd(), DIGEST_FILE)}; create it with ${UPDATE_COMMAND}`);
    const changed = Object.keys({ ...pinned.files, ...now.files })
      .filter((f) => pinned.files[f] !== now.files[f])
      .sort();
    expect(
      { digest: now.digest, changed },
      `the default synthesis changed (${changed.join(", ")}). If that is intended (a feature or default changed the output), run ${UPDATE_COMMAND} and commit ${path.basename(DIGEST_FILE)}; if not, a change that should only affect speed changed what is generated.`,
    ).toEqual({ digest: pinned.digest, changed: [] });
  });

  it("is what the tests assert on: the test helper synthesizes the same bytes as the app command", () => {
    const tests = synthPlatform();
    expect(digestOf(tests.outdir)).toEqual(now);
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  });
});
