import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatStackOutputs, loadStackOutputs, main, readStateOutputs } from "../../ops/outputs";
import { SAMPLE_MANIFEST } from "./support/manifest";
import { FIXTURES } from "./support/plans";
import { tempDir } from "./support/shell";

const networkState = () => JSON.parse(readFileSync(join(FIXTURES, "state-network.tfstate"), "utf8")) as unknown;

function run(argv: string[]) {
  let out = "";
  let err = "";
  const status = main(argv, (t) => (out += t), (t) => (err += t));
  return { status, out, err };
}

/** A project with state for network only, and the manifest listing every stack. */
function project(): string {
  const dir = tempDir("outputs-");
  mkdirSync(join(dir, "state", "prod"), { recursive: true });
  copyFileSync(join(FIXTURES, "state-network.tfstate"), join(dir, "state", "prod", "network.tfstate"));
  mkdirSync(join(dir, "cdktf.out"));
  writeFileSync(join(dir, "cdktf.out", "manifest.json"), JSON.stringify(SAMPLE_MANIFEST));
  return dir;
}

describe("readStateOutputs", () => {
  it("reads the outputs of a tfstate v4 file, sensitive ones flagged", () => {
    expect(readStateOutputs(networkState())).toEqual([
      { name: "cross-stack-output-aws_vpc.main.id", value: "vpc-0a1b2c3d4e5f60718", sensitive: false },
      { name: "flow_log_token", value: "tok-VERY-SECRET-0008", sensitive: true },
      { name: "private_subnet_ids", value: ["subnet-0aa", "subnet-0bb"], sensitive: false },
      { name: "vpc_id", value: "vpc-0a1b2c3d4e5f60718", sensitive: false },
    ]);
  });

  it("refuses an older state format", () => {
    expect(() => readStateOutputs({ version: 3, modules: [] })).toThrow(
      "not a Terraform state file: version only state format version 4 (Terraform ≥ 0.12) is understood",
    );
  });
});

describe("formatStackOutputs", () => {
  it("prints named outputs, redacts sensitive ones and hides cdktf's cross-stack outputs", () => {
    const text = formatStackOutputs({ stack: "network", statePath: "state/prod/network.tfstate", deployed: true, outputs: readStateOutputs(networkState()) });
    expect(text).toBe(
      [
        "network (state/prod/network.tfstate)",
        "  flow_log_token      (sensitive)",
        '  private_subnet_ids  ["subnet-0aa","subnet-0bb"]',
        "  vpc_id              vpc-0a1b2c3d4e5f60718",
        "  (1 cross-stack output hidden; --all shows them)",
      ].join("\n"),
    );
  });

  it("says when a stack is not deployed yet", () => {
    expect(formatStackOutputs({ stack: "mesh", statePath: "state/prod/mesh.tfstate", deployed: false })).toBe(
      "mesh (state/prod/mesh.tfstate)\n  not deployed yet: no local state. `ops/deploy-all.sh` deploys every stack in order; with the S3 backend, read its outputs with `npx cdktf output mesh`.",
    );
  });

  it("says when a state holds no outputs", () => {
    expect(formatStackOutputs({ stack: "mesh", statePath: "s", deployed: true, outputs: [] })).toBe(
      "mesh (s)\n  no outputs: the state is empty (never applied, or destroyed).",
    );
  });

  it("keeps bootstrap's state outside the environments", () => {
    expect(loadStackOutputs("state", "prod", "bootstrap")).toEqual({ stack: "bootstrap", statePath: "state/bootstrap.tfstate", deployed: false });
  });
});

describe("outputs CLI", () => {
  it("prints every stack of the manifest in order, deployed or not, never a sensitive value", () => {
    const dir = project();
    const { status, out, err } = run([
      "--env", "prod",
      "--state-dir", join(dir, "state"),
      "--manifest", join(dir, "cdktf.out", "manifest.json"),
    ]);
    expect(err).toBe("");
    expect(status).toBe(0);
    const headings = out.split("\n").filter((l) => l !== "" && !l.startsWith("  "));
    expect(headings).toEqual([
      `bootstrap (${join(dir, "state", "bootstrap.tfstate")})`,
      `network (${join(dir, "state", "prod", "network.tfstate")})`,
      `cluster (${join(dir, "state", "prod", "cluster.tfstate")})`,
      `mesh (${join(dir, "state", "prod", "mesh.tfstate")})`,
      `workloads (${join(dir, "state", "prod", "workloads.tfstate")})`,
    ]);
    expect(out).toContain("  vpc_id              vpc-0a1b2c3d4e5f60718\n");
    expect(out).toContain("  not deployed yet: no local state. `ops/deploy-all.sh` deploys every stack in order; with the S3 backend, read its outputs with `npx cdktf output cluster`.");
    expect(out).toContain("  not deployed yet: no local state. Deploy it with `npx cdktf deploy bootstrap` (docs/operations.md).");
    expect(out).not.toContain("tok-VERY-SECRET-0008");
  });

  it("shows cross-stack outputs with --all", () => {
    const dir = project();
    const { out } = run(["--env", "prod", "--state-dir", join(dir, "state"), "--manifest", join(dir, "cdktf.out", "manifest.json"), "--all"]);
    expect(out).toContain("  cross-stack-output-aws_vpc.main.id  vpc-0a1b2c3d4e5f60718\n");
    expect(out).not.toContain("tok-VERY-SECRET-0008");
  });

  it("falls back to the state files found when there is no manifest", () => {
    const dir = project();
    const { status, out } = run(["--env", "prod", "--state-dir", join(dir, "state"), "--manifest", join(dir, "missing.json")]);
    expect(status).toBe(0);
    expect(out.startsWith(`network (${join(dir, "state", "prod", "network.tfstate")})\n`)).toBe(true);
    expect(out).toContain(`(no ${join(dir, "missing.json")}: showing the state files found; run \`npx cdktf synth\` to also list stacks not deployed yet)`);
  });

  it("asks for the environment, listing those it finds", () => {
    const dir = project();
    const { status, err } = run(["--env", "", "--state-dir", join(dir, "state")]);
    expect(status).toBe(1);
    expect(err).toBe("say which environment: --env ENV or PLATFORM_ENV (state found for: prod)\n");
  });
});
