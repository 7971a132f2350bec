import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { yelbCatalog } from "../apps/yelb";
import { parseConfig } from "../config/load";
import { costInputFromPlatform, decideAutoPlacements } from "../config/placement";
import type { PlatformConfigInput } from "../config/schema";
import { buildCostReport } from "../cost/model";
import { resolveCostInput } from "../placement/input";
import { pricesFor } from "../placement/prices";
import { refusal } from "./support/config";
import { synthPlatform, withDev } from "./support/synth";

/**
 * Issue #24: a node group of any current instance type, in any region the instance data
 * prices, gets its catalog's `auto` services placed; a type or region the data lacks is
 * refused with one line naming the field, the value and what to do.
 */

const yelbOn = (instanceType: string, region = "us-east-1"): PlatformConfigInput =>
  withDev({
    platform: { region },
    network: { availabilityZones: [`${region}a`, `${region}b`] },
    cluster: { nodeGroups: { general: { instanceTypes: [instanceType] } } },
    workloads: { catalog: "yelb" },
  } as PlatformConfigInput);

/** The one issue line of a refusal (the loader prints a header, the issues, a footer). */
function issueLines(input: PlatformConfigInput): string[] {
  return refusal(input)
    .split("\n")
    .filter((l) => l.startsWith("  - "));
}

describe("node groups of types the hand-entered table lacked", () => {
  // m7i.large is the docs' example; c6i.large and t3a.medium crashed or were refused before.
  it.each(["m7i.large", "c6i.large", "t3a.medium"])("%s with the yelb catalog synthesizes, its auto services placed", (type) => {
    const s = synthPlatform(yelbOn(type));
    const decided = decideAutoPlacements(s.config);
    const auto = s.config.workloads.app.services.filter((x) => x.requestedPlacement === "auto").map((x) => x.name).sort();
    expect(Object.keys(decided).sort()).toEqual(auto);
    // Yelb's small pods fit the node the group pays for anyway.
    expect(decided["yelb-appserver"]).toBe("ec2");
    const group = Object.values(s.resources("cluster", "aws_eks_node_group"))[0]!;
    expect(group.instance_types).toEqual([type]);
    for (const service of s.config.workloads.app.services) expect(service.placement, service.name).toBe(decided[service.name] ?? service.requestedPlacement);
  });
});

describe("a type the instance data lacks is refused on the field, in one line", () => {
  it("a type EC2 does not have at all: one line, from EC2's own enumeration, not a second from the placement engine", () => {
    expect(issueLines(yelbOn("x9.huge"))).toEqual([
      `  - cluster.nodeGroups.general.instanceTypes[0]: "x9.huge" is not an EC2 instance type: EC2's InstanceType enumeration (botocore 1.44.8) has 1437 values; e.g. "t3.medium", "m7i.large", "m7g.large"`,
    ]);
    const misspelt = issueLines(yelbOn("m7i.lrge"));
    expect(misspelt).toHaveLength(1);
    expect(misspelt[0]).toContain('"m7i.lrge" is not an EC2 instance type: EC2\'s InstanceType enumeration (botocore 1.44.8) has 1437 values; the closest are "m7i.large"');
  });

  it("a type AWS prices that the shape source predates: names what is missing and the same size a generation earlier", () => {
    expect(issueLines(yelbOn("m8i.large"))).toEqual([
      `  - cluster.nodeGroups.general.instanceTypes[0]: "m8i.large" cannot be sized: the platform's EC2 instance data (ec2instances.info of 2025-05-28) lacks its vCPU and memory; the placement engine needs its size and price for the catalog's "auto" services: use "m7i.large" (sized in the data), or give every catalog service an explicit placement (ec2 or fargate)`,
    ]);
  });

  it("a type without a price in the region: names the region and a type offered there", () => {
    expect(issueLines(yelbOn("m7i.large", "af-south-1"))).toEqual([
      `  - cluster.nodeGroups.general.instanceTypes[0]: the platform's EC2 instance data has no af-south-1 on-demand price for "m7i.large" (ec2instances.info of 2025-05-28); the placement engine needs its size and price for the catalog's "auto" services: use "m6i.large" (offered in af-south-1), or give every catalog service an explicit placement (ec2 or fargate)`,
    ]);
  });

  it("a type the data lacks is accepted when no service is auto: nothing needs its price", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explicit-catalog-"));
    const file = path.join(dir, "yelb-explicit.json");
    fs.writeFileSync(file, JSON.stringify({ ...yelbCatalog, services: yelbCatalog.services.map((s) => ({ ...s, placement: s.placement ?? "ec2" })) }));
    const config = parseConfig(withDev({ cluster: { nodeGroups: { general: { instanceTypes: ["m8i.large"] } } }, workloads: { catalog: file } } as PlatformConfigInput), "test config");
    expect(config.workloads.app.services.map((s) => s.placement)).toEqual(["ec2", "ec2", "ec2", "ec2"]);
  });
});

describe("regions", () => {
  it("a region the data prices places with that region's instance prices", () => {
    const config = parseConfig(yelbOn("m7i.large", "eu-west-1"), "test config");
    const input = resolveCostInput(costInputFromPlatform(config, "requested"));
    expect(input.region).toBe("eu-west-1");
    const report = buildCostReport(input, pricesFor("eu-west-1"));
    // eu-west-1's m7i.large per ec2instances.info, above us-east-1's $0.1008.
    expect(report.prices.ec2.instances["m7i.large"]!.onDemandHourly).toMatchObject({ value: 0.11235, asOf: "2025-05-28" });
    expect(report.prices.otherFiguresRegion).toBe("us-east-1");
    expect(decideAutoPlacements(config)["yelb-appserver"]).toBe("ec2");
  });

  it("GovCloud takes Karpenter's newer GovCloud table", () => {
    expect(pricesFor("us-gov-west-1").ec2.instances["m5.large"]!.onDemandHourly).toMatchObject({ asOf: "2026-06-15" });
  });

  it("a region the data has no prices for is refused on platform.region when a service is auto", () => {
    expect(issueLines(yelbOn("t3.medium", "cn-north-1"))).toEqual([
      `  - platform.region: "cn-north-1" has no EC2 prices in the platform's instance data (it prices 34 regions, not this one; Karpenter's China prices are in CNY and the cost model is USD); the placement engine needs them for the catalog's "auto" services: give every catalog service an explicit placement (ec2 or fargate)`,
    ]);
  });
});
