import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import cdktfJson from "../cdktf.json";
import { NETWORK_OUTPUTS } from "../stacks/contracts";
import { STACK_DIR_TO_PROJECT_ROOT } from "../stacks/constructs/state-backend";
import { scratchDir, synthPlatform, withDev } from "./support/synth";

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

describe("portable, deterministic output", () => {
  it("two syntheses in different folders and working directories are byte-identical", () => {
    // Each a synthesis of its own (not the run's shared one), so the comparison can fail.
    const a = synthPlatform(withDev(), scratchDir());
    const cwd = process.cwd();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "other-machine-"));
    process.chdir(elsewhere);
    let b;
    try {
      b = synthPlatform(withDev(), scratchDir());
    } finally {
      process.chdir(cwd);
    }
    const ta = readTree(a.outdir);
    const tb = readTree(b.outdir);
    expect([...ta.keys()].sort()).toEqual([...tb.keys()].sort());
    for (const [file, text] of ta) expect(tb.get(file), file).toBe(text);
  });

  it("contains no absolute path of the machine that synthesized it", () => {
    const s = synthPlatform();
    const markers = [process.cwd(), os.tmpdir(), os.homedir(), s.outdir, path.resolve(__dirname, "..")];
    for (const [file, text] of readTree(s.outdir)) {
      // A folder followed by a separator: a pod's `mount_path: "/tmp"` is not a machine path.
      for (const m of markers) expect(text.includes(m + path.sep), `${file} contains ${m}${path.sep}`).toBe(false);
      expect(text, file).not.toMatch(/"\/(home|root|tmp|Users|work)\//);
    }
  });
});

describe("state backends", () => {
  it("local state lives at state/<env>/<stack>.tfstate relative to the project, from the stack's working directory", () => {
    expect(cdktfJson.output).toBe("cdktf.out");
    // cdktf.out/stacks/<stack> is three folders below the project root.
    expect(STACK_DIR_TO_PROJECT_ROOT).toBe("../../..");
    const s = synthPlatform();
    expect(s.stack("network").terraform.backend).toEqual({ local: { path: "../../../state/dev/network.tfstate" } });
    expect(path.normalize(path.join("cdktf.out/stacks/network", "../../../state/dev/network.tfstate"))).toBe(path.join("state", "dev", "network.tfstate"));
  });

  it("S3 state is encrypted, locked and keyed by environment and stack", () => {
    const s = synthPlatform(withDev({ state: { backend: "s3", bucket: "team-tf-state", keyPrefix: "platform", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd-1234" } }));
    expect(s.stack("network").terraform.backend).toEqual({
      s3: {
        bucket: "team-tf-state",
        key: "platform/dev/network.tfstate",
        region: "us-east-1",
        encrypt: true,
        kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/abcd-1234",
        use_lockfile: true,
      },
    });
  });
});

describe("cross-stack reads use the producer's backend", () => {
  it("local: each consumer reads the producer's state file, at the path the producer writes", () => {
    const s = synthPlatform();
    for (const [consumer, producers] of Object.entries({ cluster: ["network"], mesh: ["cluster", "network"], workloads: ["cluster", "mesh"] })) {
      const remote = s.stack(consumer).data!.terraform_remote_state as Record<string, any>;
      for (const producer of producers) {
        expect(remote[`remote-state-${producer}`], `${consumer} reads ${producer}`).toEqual({
          backend: "local",
          config: { path: s.stack(producer).terraform.backend.local.path },
        });
      }
    }
  });

  it("s3: the consumer reads the producer's bucket and key, encrypted", () => {
    const s = synthPlatform(withDev({ state: { backend: "s3", bucket: "team-tf-state", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/team-tf-state" } }));
    const producer = s.stack("network").terraform.backend.s3;
    const remote = (s.stack("cluster").data!.terraform_remote_state as Record<string, any>)["remote-state-network"];
    expect(remote.backend).toBe("s3");
    expect(remote.config).toMatchObject({ bucket: producer.bucket, key: producer.key, region: producer.region, encrypt: true });
  });

  it("consumers declare their upstream stacks, so the manifest carries the deploy order", () => {
    const s = synthPlatform();
    const deps = Object.fromEntries(Object.entries(s.manifest.stacks).map(([name, st]) => [name, [...st.dependencies].sort()]));
    expect(deps).toEqual({ network: [], cluster: ["network"], mesh: ["cluster"], workloads: ["cluster", "mesh"], observability: ["cluster", "network", "workloads"] });
  });
});

describe("outputs", () => {
  it("are named for humans, described, and not sensitive", () => {
    const s = synthPlatform();
    const outputs = s.stack("network").output!;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(NETWORK_OUTPUTS).map((o) => o.name).sort());
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(["vpc_id", "public_subnet_ids", "private_subnet_ids", "availability_zones"]));
    for (const [name, o] of Object.entries(outputs)) {
      expect(name).not.toMatch(/cross-stack/);
      expect(o.sensitive, name).toBe(false);
      expect(o.description, name).toBeTruthy();
    }
    expect(outputs.vpc_id.value).toBe("${aws_vpc.vpc.id}");
  });
});

describe("providers", () => {
  it("pin the AWS provider with a fully qualified source and tag everything", () => {
    const s = synthPlatform(withDev({ platform: { tags: { owner: "team-a" } } }));
    expect(s.stack("network").terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "6.25.0" });
    expect(s.stack("network").provider!.aws[0]).toMatchObject({
      region: "us-east-1",
      default_tags: [{ tags: { "eks-mesh-platform/environment": "dev", "eks-mesh-platform/stack": "network", owner: "team-a" } }],
    });
  });
});
