import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REGION_PATTERN } from "../facts/aws";
import { EC2_INSTANCES_DIR, ec2InstanceData, ec2InstanceProvenance } from "../facts/upstream/ec2-instances";
import pins from "../ops/kubernetes/pins.json";
import { buildInstanceData, MODULES, moduleFiles, parseKarpenterPrices, parseVpcLimits, renderFiles } from "../scripts/ec2-instances";

/**
 * The EC2 instance data (facts/upstream/ec2-instances) is what the pinned Go modules say,
 * and carries the figures the project checked by hand before it was data-driven.
 */

describe("facts/upstream/ec2-instances", () => {
  it("equals a regeneration from the pinned Go modules (npm run setup:tools puts them in the Go module cache)", () => {
    // moduleFiles never downloads here; a missing module fails with the command to run.
    const built = buildInstanceData(moduleFiles(MODULES.karpenter), moduleFiles(MODULES.instancesInfo));
    for (const [name, text] of Object.entries(renderFiles(built))) {
      expect(fs.readFileSync(path.join(EC2_INSTANCES_DIR, name), "utf8") === text, `${name} differs from the pinned modules; run npx tsx scripts/ec2-instances.ts`).toBe(true);
    }
  }, 60_000);

  it("takes Karpenter's data from the version the platform installs", () => {
    expect({ version: MODULES.karpenter.version, sum: MODULES.karpenter.sum }).toEqual({ version: pins.sources.karpenter.version, sum: pins.sources.karpenter.sum });
  });

  it("states module, version, go.sum hash, file and date for every source", () => {
    const p = ec2InstanceProvenance();
    for (const [id, s] of Object.entries(p.sources)) {
      const m = p.modules[s.module];
      expect(m, id).toBeDefined();
      expect(m!.sum, id).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
      expect(s.asOf, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(s.sha256, id).toMatch(/^[0-9a-f]{64}$/);
      expect(s.url, id).toContain(s.file);
    }
    expect(Object.keys(p.authority).sort()).toEqual(["architecture, vcpu, memoryMiB", "incomplete", "maxEnis, ipv4PerEni", "prices"]);
  });

  it("stays compact", () => {
    expect(fs.statSync(path.join(EC2_INSTANCES_DIR, "instances.json")).size).toBeLessThan(1_000_000);
  });

  it("prices AWS regions only, in USD: no Local Zones, no CNY", () => {
    const regions = Object.keys(ec2InstanceData().regions);
    expect(regions.length).toBeGreaterThan(30);
    for (const r of regions) expect(r).toMatch(REGION_PATTERN);
    expect(regions.filter((r) => r.startsWith("cn-"))).toEqual([]);
    expect(ec2InstanceData().regions["us-east-1"]!.source).toBe("karpenter-pricing-aws");
    expect(ec2InstanceData().regions["eu-west-1"]!.source).toBe("ec2-instances-info");
  });

  it("holds the 22 types the project checked by hand, with the same shape, ENIs and us-east-1 price", () => {
    // [vCPU, GiB, ENIs, IPv4 per ENI, USD/h] as placement/prices/us-east-1.ts had them (amazon-eks-ami ENIs, Karpenter's 2026-01-19 prices).
    const HAND_CHECKED: Record<string, [string, number, number, number, number, number]> = {
      "t3.small": ["x86_64", 2, 2, 3, 4, 0.0208],
      "t3.medium": ["x86_64", 2, 4, 3, 6, 0.0416],
      "t3.large": ["x86_64", 2, 8, 3, 12, 0.0832],
      "t3.xlarge": ["x86_64", 4, 16, 4, 15, 0.1664],
      "m5.large": ["x86_64", 2, 8, 3, 10, 0.096],
      "m5.xlarge": ["x86_64", 4, 16, 4, 15, 0.192],
      "m5.2xlarge": ["x86_64", 8, 32, 4, 15, 0.384],
      "m6i.large": ["x86_64", 2, 8, 3, 10, 0.096],
      "m6i.xlarge": ["x86_64", 4, 16, 4, 15, 0.192],
      "c5.large": ["x86_64", 2, 4, 3, 10, 0.085],
      "c5.xlarge": ["x86_64", 4, 8, 4, 15, 0.17],
      "r5.large": ["x86_64", 2, 16, 3, 10, 0.126],
      "t4g.medium": ["arm64", 2, 4, 3, 6, 0.0336],
      "t4g.large": ["arm64", 2, 8, 3, 12, 0.0672],
      "t4g.xlarge": ["arm64", 4, 16, 4, 15, 0.1344],
      "m6g.large": ["arm64", 2, 8, 3, 10, 0.077],
      "m6g.xlarge": ["arm64", 4, 16, 4, 15, 0.154],
      "m7g.large": ["arm64", 2, 8, 3, 10, 0.0816],
      "m7g.xlarge": ["arm64", 4, 16, 4, 15, 0.1632],
      "c6g.large": ["arm64", 2, 4, 3, 10, 0.068],
      "c6g.xlarge": ["arm64", 4, 8, 4, 15, 0.136],
      "r6g.large": ["arm64", 2, 16, 3, 10, 0.1008],
    };
    const { types, regions } = ec2InstanceData();
    for (const [type, [architecture, vcpu, gib, maxEnis, ipv4PerEni, hourly]] of Object.entries(HAND_CHECKED)) {
      expect([types[type], regions["us-east-1"]!.prices[type]], type).toEqual([[architecture, vcpu, gib * 1024, maxEnis, ipv4PerEni], hourly]);
    }
  });

});

describe("the regeneration's parsers", () => {
  it("reads every region block of a Karpenter pricing file", () => {
    const text = [
      'var InitialOnDemandPricesUSGov = map[string]map[ec2types.InstanceType]float64{',
      '\t// us-gov-east-1',
      '\t"us-gov-east-1": {',
      '\t\t// c5 family',
      '\t\t"c5.large": 0.102000, "c5.xlarge": 0.204000,',
      '\t},',
      '\t"us-gov-west-1": {',
      '\t\t"m7i-flex.large": 0.1,',
      '\t},',
      '}',
    ].join("\n");
    expect(parseKarpenterPrices(text)).toEqual({ "us-gov-east-1": { "c5.large": 0.102, "c5.xlarge": 0.204 }, "us-gov-west-1": { "m7i-flex.large": 0.1 } });
  });

  it("takes the default network card's interfaces from vpclimits, as the VPC CNI does", () => {
    const text = `
var Limits = map[string]*VPCLimits{
	"c6in.32xlarge": {
		Interface:               16,
		IPv4PerInterface:        50,
		IsTrunkingCompatible:    true,
		BranchInterface:         108,
		DefaultNetworkCardIndex: 0,
		NetworkCards: []NetworkCard{
			{
				MaximumNetworkInterfaces: 8,
				NetworkCardIndex:         0,
			},

			{
				MaximumNetworkInterfaces: 8,
				NetworkCardIndex:         1,
			},
		},
		Hypervisor:  "nitro",
		IsBareMetal: false,
	},
}`;
    expect(parseVpcLimits(text)).toEqual({ "c6in.32xlarge": [8, 50] });
  });
});
