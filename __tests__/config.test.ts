import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { availableEnvironments, loadConfig, parseConfig } from "../config/load";
import { refusal, withDev } from "./support/config";

const ROOT = path.resolve(__dirname, "..");

/** The message a refused config produces (fails the test if it is accepted). */
/** The one field without a default for the reference catalog (it has a public service): the edge's domain, or the opt-out. */
const THROWAWAY = { platform: { throwaway: true }, edge: { insecurePlainHttpForThrowawayEnvironment: true } };

describe("defaults", () => {
  it("accepts a config with only the edge opt-out and resolves every default", () => {
    const c = parseConfig(THROWAWAY);
    expect(c.platform).toEqual({ name: "eksmesh", environment: "dev", region: "us-east-1", tags: {}, throwaway: true, orchestrator: "eks" });
    expect(c.state).toEqual({ backend: "local", directory: "state" });
    expect(c.network.cidr).toBe("10.0.0.0/16");
    expect(c.network.azCount).toBe(2);
    expect(c.network.natGateways).toBe("single");
    expect(c.network.flowLogs).toEqual({ enabled: true, retentionDays: 365, trafficType: "ALL" });
    expect(c.network.vpcEndpoints).toEqual({ s3: false, ecr: false, sts: false, logs: false });
    expect(c.mesh.tls).toEqual({ mode: "off" });
    expect(c.edge).toMatchObject({
      tlsPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      hsts: { enabled: true, maxAgeSeconds: 31_536_000, includeSubDomains: false },
      waf: { enabled: false, rateLimitPer5Minutes: 2000, logRetentionDays: 365 },
      tls: { mode: "insecure-plain-http" },
    });
  });

  it("computes subnet CIDRs from the VPC block: private /19s first, then public /24s", () => {
    const c = parseConfig(THROWAWAY);
    expect(c.network.privateSubnetCidrs).toEqual(["10.0.0.0/19", "10.0.32.0/19"]);
    expect(c.network.publicSubnetCidrs).toEqual(["10.0.64.0/24", "10.0.65.0/24"]);
    const three = parseConfig({ ...THROWAWAY, network: { cidr: "172.20.0.0/16", azCount: 3 } });
    expect(three.network.privateSubnetCidrs).toEqual(["172.20.0.0/19", "172.20.32.0/19", "172.20.64.0/19"]);
    expect(three.network.publicSubnetCidrs).toEqual(["172.20.96.0/24", "172.20.97.0/24", "172.20.98.0/24"]);
  });

  it("takes the zone count from explicit zones", () => {
    const c = parseConfig({ ...THROWAWAY, platform: { throwaway: true, region: "eu-west-1" }, network: { availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] } });
    expect(c.network.azCount).toBe(3);
  });

  it("defaults the S3 backend's region to the platform region", () => {
    const c = parseConfig({ ...THROWAWAY, platform: { throwaway: true, region: "eu-west-1" }, state: { backend: "s3", bucket: "team-state", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/team-tf-state" } });
    expect(c.state).toMatchObject({ backend: "s3", bucket: "team-state", region: "eu-west-1", keyPrefix: "eks-mesh-platform" });
  });
});

describe("refused configs name the field, the problem and what is allowed", () => {
  it.each([
    ["malformed VPC CIDR", { network: { cidr: "10.0.0.0/33" } }, 'network.cidr: "10.0.0.0/33" is not an IPv4 CIDR block (expected a.b.c.d/n); write it like "10.0.0.0/16"'],
    ["VPC CIDR with host bits", { network: { cidr: "10.0.1.0/16" } }, 'network.cidr: "10.0.1.0/16" has host bits set; the block starts at 10.0.0.0/16'],
    ["VPC too large", { network: { cidr: "10.0.0.0/8" } }, 'network.cidr: "10.0.0.0/8" has prefix /8; AWS allows VPC blocks from /16 to /28'],
    ["public VPC range", { network: { cidr: "8.8.0.0/16" } }, 'network.cidr: "8.8.0.0/16" is not in a private range'],
    ["fewer than 2 AZs", { network: { azCount: 1 } }, "network.azCount: 1 is too small; network.azCount must be from 2 to 6"],
    ["one explicit zone", { network: { availabilityZones: ["us-east-1a"] } }, "network.availabilityZones: lists 1 zone; EKS needs subnets in at least 2 availability zones"],
    ["subnets that do not fit", { network: { cidr: "10.0.0.0/20", azCount: 3 } }, "network.cidr: 3 private /19 and 3 public /24 subnets do not fit in 10.0.0.0/20; use a larger VPC block or larger prefix lengths (smaller subnets)"],
    [
      "overlapping subnets",
      { network: { publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"], privateSubnetCidrs: ["10.0.1.0/24", "10.0.2.0/24"] } },
      'network.privateSubnetCidrs[0]: "10.0.1.0/24" overlaps 10.0.1.0/24 (publicSubnetCidrs.1); subnets must not overlap',
    ],
    [
      "subnet outside the VPC",
      { network: { publicSubnetCidrs: ["10.1.0.0/24", "10.0.1.0/24"] } },
      'network.publicSubnetCidrs[0]: "10.1.0.0/24" is not inside the VPC block 10.0.0.0/16; use a subnet of it',
    ],
    ["wrong number of subnets", { network: { publicSubnetCidrs: ["10.0.200.0/24"] } }, "network.publicSubnetCidrs: lists 1 subnets but the VPC spans 2 availability zones; give exactly one per zone"],
    ["unknown key", { network: { nat: "single" } }, "network.nat: unknown key; allowed keys here: cidr, azCount, availabilityZones,"],
    ["unknown top-level key", { netwrok: {} }, "netwrok: unknown key; allowed keys here: platform, state, network, cluster, mesh, workloads"],
    ["bad NAT mode", { network: { natGateways: "two" } }, 'network.natGateways: "two" is not a NAT mode; use "single", "per-az" or "none"'],
    ["name AWS would reject", { platform: { name: "My_Platform" } }, 'platform.name: "My_Platform" is not a valid platform name; use lower-case letters, digits and hyphens'],
    ["name too long", { platform: { name: "averyveryverylongname" } }, 'platform.name: "averyveryverylongname" is longer than 16 characters'],
    ["bad region", { platform: { region: "us-east" } }, 'platform.region: "us-east" is not an AWS region name; use one like "us-east-1"'],
    ["reserved tag key", { platform: { tags: { "aws:owner": "x" } } }, 'platform.tags.aws:owner: tag key "aws:owner" uses the reserved "aws:" prefix; choose another key'],
    ["bad bucket name", { state: { backend: "s3", bucket: "Team_State", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/team-tf-state" } }, 'state.bucket: "Team_State" is not a valid S3 bucket name'],
    ["S3 state without a KMS key", { state: { backend: "s3", bucket: "team-state" } }, "state.kmsKeyArn: is required with the s3 backend: without it Terraform writes state with AES256 and ignores the bucket's KMS key"],
    ["unknown backend", { state: { backend: "gcs" } }, 'state.backend: unknown backend "gcs"; use "local" (default) or "s3"'],
    ["absolute local state path", { state: { backend: "local", directory: "/var/state" } }, 'state.directory: "/var/state" must be a path inside the project'],
    ["bad log retention", { network: { flowLogs: { retentionDays: 10 } } }, "network.flowLogs.retentionDays: 10 is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14"],
    ["ECR endpoints without S3", { network: { vpcEndpoints: { ecr: true } } }, "network.vpcEndpoints.ecr: needs vpcEndpoints.s3 too"],
    ["no NAT and no endpoints", { network: { natGateways: "none" } }, 'network.natGateways: "none" leaves private subnets without a way to pull images'],
  ])("%s", (_name, input, message) => {
    const text = refusal(input, "test.json");
    expect(text).toContain("Invalid configuration in test.json:");
    expect(text).toContain(message);
    expect(text).toContain("Nothing was synthesized");
  });

  it("lists every bad field at once", () => {
    const text = refusal({ network: { cidr: "nope", natGateways: "two" }, platform: { region: "x" } }, "test.json");
    expect(text.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(3);
  });
});

describe("environment selection", () => {
  it("ships dev, prod and ecs environments", () => {
    expect(availableEnvironments()).toEqual(expect.arrayContaining(["dev", "ecs", "prod"]));
  });

  it("defaults to dev and picks another with PLATFORM_ENV", () => {
    expect(loadConfig({}).file).toBe(path.join("config", "environments", "dev.ts"));
    const prod = loadConfig({ PLATFORM_ENV: "prod" });
    expect(prod.config.platform.environment).toBe("prod");
    expect(prod.config.state.backend).toBe("s3");
    expect(prod.config.network.azCount).toBe(3);
  });

  it("refuses an unknown environment and lists the known ones", () => {
    expect(() => loadConfig({ PLATFORM_ENV: "qa" })).toThrow(/PLATFORM_ENV=qa names no environment; use one of dev, .*prod/);
  });

  it("reads a JSON file named by PLATFORM_CONFIG", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cfg-")), "team.json");
    fs.writeFileSync(file, JSON.stringify(withDev({ network: { natGateways: "per-az" } })));
    expect(loadConfig({ PLATFORM_CONFIG: file }).config.network.natGateways).toBe("per-az");
  });
});

describe("synth with a bad config (the real entry point)", () => {
  it("exits non-zero with the message and writes no cdktf.out", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-synth-"));
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, JSON.stringify({ network: { cidr: "10.0.0.0/33" } }));
    const outdir = path.join(dir, "cdktf.out");
    const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "synth.cjs")], {
      cwd: dir,
      env: { ...process.env, PLATFORM_CONFIG: file, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('network.cidr: "10.0.0.0/33" is not an IPv4 CIDR block');
    expect(fs.readdirSync(dir).sort()).toEqual(["bad.json"]);
  });
});

describe("Kubernetes versions EKS no longer offers", () => {
  it("refuses a minor past its extended support, and one older than the calendar, naming what EKS offers", () => {
    // One line each: the add-on build check stays quiet when the version itself is refused.
    expect(refusal({ ...THROWAWAY, cluster: { kubernetesVersion: "1.31" } }).split("\n").slice(1, -1)).toEqual([
      '  - cluster.kubernetesVersion: "1.31" left EKS on 2026-11-26 (end of extended support), so EKS would refuse to create the cluster; EKS offers 1.32 to 1.35 (EKS release calendar as of 2026-12-02): use 1.35',
    ]);
    expect(refusal({ ...THROWAWAY, cluster: { kubernetesVersion: "1.27" } }).split("\n").slice(1, -1)).toEqual([
      '  - cluster.kubernetesVersion: "1.27" left EKS before 1.29 did, so EKS would refuse to create the cluster; EKS offers 1.32 to 1.35 (EKS release calendar as of 2026-12-02): use 1.35',
    ]);
  });

  it("accepts every minor still in standard or extended support", () => {
    for (const v of ["1.32", "1.33", "1.34", "1.35"]) {
      const addons = v === "1.35" ? {} : { addons: { "kube-proxy": { version: `v${v}.0-eksbuild.1` } } };
      expect(parseConfig({ ...THROWAWAY, cluster: { kubernetesVersion: v, ...addons } } as never).cluster.kubernetesVersion).toBe(v);
    }
  });
});

describe("refusal wording", () => {
  // Every enumerated field reachable through plain objects of the schema, set to a bad value:
  // the line must quote the value and list what is allowed, never zod's own wording.
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", "platform-config.schema.json"), "utf8"));
  const enums: { path: string[]; values: unknown[] }[] = [];
  const walk = (node: any, at: string[]) => {
    for (const [k, v] of Object.entries<any>(node?.properties ?? {})) {
      if (k === "$schema") continue;
      if (v.enum) enums.push({ path: [...at, k], values: v.enum });
      else if (v.properties) walk(v, [...at, k]);
    }
  };
  walk(schema, []);

  it("finds the enumerated fields (so the test below means something)", () => {
    expect(enums.length).toBeGreaterThan(10);
  });

  it.each(enums.map((e) => [e.path.join("."), e] as const))("%s: quotes the bad value and names the allowed ones", (_name, e) => {
    const input: any = { ...THROWAWAY, platform: { ...THROWAWAY.platform } };
    let at = input;
    for (const k of e.path.slice(0, -1)) at = at[k] = { ...(at[k] ?? {}) };
    at[e.path.at(-1)!] = "not-a-value";
    const line = refusal(input).split("\n").find((l) => l.includes(`${e.path.join(".")}:`));
    expect(line, refusal(input)).toBeDefined();
    expect(line).toContain('"not-a-value"');
    expect(line).not.toMatch(/Invalid option|Invalid input|expected one of/);
    expect(line).toContain(String(e.values[0]));
  });
});
