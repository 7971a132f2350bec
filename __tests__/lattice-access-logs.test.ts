import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load";
import { observabilityCost } from "../cost/observability";
import { US_EAST_1 } from "../placement/prices/us-east-1";
import { LATTICE_CONTROLLER_REMOVED_ACTIONS } from "../stacks/mesh/vpc-lattice/installer";
import { formatFindings, scanStacks } from "../scripts/security-scan";
import { synthPlatform, withDev } from "./support/synth";

const LATTICE = { mesh: { implementation: "vpc-lattice" } } as const;
const GROUP = "/aws/vendedlogs/eksmesh/dev/lattice-access";
const STACK = "mesh";

describe("VPC Lattice access logs (observability.logs.lattice, on by default)", () => {
  const s = synthPlatform(withDev(LATTICE));

  it("subscribes the service network's requests to a log group, with Terraform", () => {
    expect(s.resource(STACK, "aws_vpclattice_access_log_subscription", "lattice-access-logs-subscription")).toMatchObject({
      resource_identifier: "${aws_vpclattice_service_network.service-network.id}",
      destination_arn: "${aws_cloudwatch_log_group.lattice-access-logs-log-group.arn}",
      service_network_log_type: "SERVICE",
    });
  });

  it("keeps them a year in a vended-logs group encrypted with its own key, usable only by CloudWatch Logs for that group", () => {
    expect(s.resource(STACK, "aws_cloudwatch_log_group", "lattice-access-logs-log-group")).toMatchObject({
      name: GROUP,
      retention_in_days: 365,
      kms_key_id: "${aws_kms_key.lattice-access-logs-key.arn}",
    });
    const key = s.resource(STACK, "aws_kms_key", "lattice-access-logs-key");
    expect(key.enable_key_rotation).toBe(true);
    const grant = JSON.parse(key.policy).Statement.find((st: { Principal?: { Service?: string } }) => st.Principal?.Service === "logs.us-east-1.amazonaws.com");
    expect(grant.Condition).toEqual({
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": [`arn:\${data.aws_partition.current.partition}:logs:us-east-1:\${data.aws_caller_identity.current.account_id}:log-group:${GROUP}`] },
    });
  });

  it("names the group in the mesh stack's outputs", () => {
    expect(s.stack(STACK).output!.lattice_access_log_group.value).toBe("${aws_cloudwatch_log_group.lattice-access-logs-log-group.name}");
  });

  it("leaves the Gateway API Controller without log-delivery permissions (Terraform subscribes, not an AccessLogPolicy)", () => {
    const policy = JSON.stringify(s.data(STACK, "aws_iam_policy_document"));
    for (const action of LATTICE_CONTROLLER_REMOVED_ACTIONS) expect(policy).not.toContain(`"${action}"`);
  });

  it("are priced by `npm run cost` from the request-rate estimate, with the retention", () => {
    const cost = observabilityCost(s.config, US_EAST_1);
    const ingest = cost.lines.find((l) => l.part === "VPC Lattice access log ingestion")!;
    // 10 req/s × 730 h × 1200 B ≈ 29.4 GiB at the CloudWatch Logs ingestion price.
    expect(ingest).toMatchObject({ on: true, switch: "observability.logs.lattice.enabled" });
    expect(ingest.monthly).toBeCloseTo(((10 * 730 * 3600 * 1200) / 2 ** 30) * US_EAST_1.cloudwatchLogs.ingestPerGb.value, 1);
    const storage = cost.lines.find((l) => l.part === "VPC Lattice access log storage")!;
    expect(storage.quantity).toContain("365 d retention");
    expect(observabilityCost(parseConfig(withDev()), US_EAST_1).lines.map((l) => l.part)).not.toContain("VPC Lattice access log ingestion");
  });
});

describe("VPC Lattice access logs switched off, or App Mesh", () => {
  it("creates no subscription, group or key, and publishes an empty output", () => {
    for (const input of [withDev({ ...LATTICE, observability: { logs: { lattice: { enabled: false } } } }), withDev()]) {
      const s = synthPlatform(input);
      expect(s.resources(STACK, "aws_vpclattice_access_log_subscription")).toEqual({});
      expect(Object.keys(s.resources(STACK, "aws_cloudwatch_log_group")).filter((k) => k.startsWith("lattice-"))).toEqual([]);
      expect(s.stack(STACK).output!.lattice_access_log_group.value).toBe("");
    }
  });

  it("takes a shorter retention", () => {
    const s = synthPlatform(withDev({ ...LATTICE, observability: { logs: { lattice: { retentionDays: 90 } } } }));
    expect(s.resource(STACK, "aws_cloudwatch_log_group", "lattice-access-logs-log-group").retention_in_days).toBe(90);
    // Checkov's one-year retention check is skipped for it, with the setting named.
    const report = scanStacks(path.join(s.outdir, "stacks"));
    expect(formatFindings(report.failed)).toBe("");
    expect(report.skipped.find((k) => k.checkId === "CKV_AWS_338" && k.resource.includes("lattice-access-logs"))?.skipReason).toContain("observability.logs.lattice.retentionDays");
  });
});
