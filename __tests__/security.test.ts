import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { formatFindings, scanDockerfiles, scanStacks, skipReasonIn } from "../scripts/security-scan";
import { synthPlatform, withDev } from "./support/synth";

describe("Checkov scan of every synthesized stack", () => {
  // Edge and mesh TLS checks that must run and pass when HTTPS, WAF and mesh TLS are on:
  // certificate replaced before destroyed and CT-logged, WAF with rules, Log4j protection
  // (known bad inputs), logging, its log group encrypted and kept a year.
  const EDGE_CHECKS = ["CKV_AWS_233", "CKV_AWS_234", "CKV_AWS_175", "CKV_AWS_192", "CKV_AWS_342", "CKV2_AWS_31", "CKV_AWS_158", "CKV_AWS_338"];
  it.each([
    ["default (dev)", withDev(), []],
    ["everything on (3 zones, NAT per zone, endpoints, S3 backend, HTTPS edge with WAF, mesh TLS, every observability part)", withDev({
      state: { backend: "s3", bucket: "team-tf-state", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/team-tf-state" },
      network: { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], natGateways: "per-az", vpcEndpoints: { s3: true, ecr: true, sts: true, logs: true } },
      edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "shop.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", waf: { enabled: true } },
      mesh: { tls: { mode: "strict" } },
      // Every observability part on too (traces, Prometheus, e-mail alarms): one scan, not another.
      observability: { traces: { enabled: true }, metrics: { prometheus: { enabled: true } }, alarms: { emails: ["oncall@example.com"] } },
    }), EDGE_CHECKS],
    ["unpinned zones", { platform: { throwaway: true }, network: { azCount: 2 }, edge: { insecurePlainHttpForThrowawayEnvironment: true } }, []],
    // ECS in place of EKS (issue 19): EC2 capacity provider, DynamoDB, and the public ALB Terraform owns,
    // plain HTTP under the dev opt-out, then HTTPS with the WAF associated; ECS checks: Container Insights,
    // read-only root, no public IP, no privileged container, ALB drops invalid headers and uses TLS 1.2+.
    ["ECS orchestrator (dev, plain HTTP)", withDev({ platform: { orchestrator: "ecs" } }), ["CKV_AWS_65", "CKV_AWS_336", "CKV_AWS_333", "CKV_AWS_97", "CKV_AWS_131"]],
    ["ECS orchestrator (HTTPS edge with WAF)", withDev({
      platform: { orchestrator: "ecs" },
      edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "shop.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", waf: { enabled: true } },
    }), ["CKV_AWS_65", "CKV_AWS_336", "CKV_AWS_131", "CKV_AWS_103", "CKV_AWS_2", "CKV2_AWS_20", "CKV2_AWS_28", "CKV_AWS_192"]],
  ])("%s: no failed check that is not skipped in code with a reason", (_name, input, mustPass) => {
    const s = synthPlatform(input);
    const report = scanStacks(path.join(s.outdir, "stacks"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    for (const skip of report.skipped) expect(skip.skipReason!.length).toBeGreaterThan(20);
    // The scan really looked at the network: flow logs and the default SG are checked and pass.
    const passed = report.passedChecks.map((p) => p.checkId);
    expect(passed).toEqual(expect.arrayContaining(["CKV2_AWS_11", "CKV2_AWS_12", "CKV_AWS_158", "CKV_AWS_7", ...mustPass]));
  });
});

describe("Checkov scan of the service Dockerfiles (apps/services/*/Dockerfile)", () => {
  it("finds no failed check in any of the four images", () => {
    const report = scanDockerfiles(path.join(__dirname, "..", "apps", "services"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    expect(report.skipped).toEqual([]);
    // It looked at all four: non-root USER and HEALTHCHECK, once per Dockerfile. CKV_DOCKER_7
    // (no :latest base) cannot read a base given as FROM ${ARG}: each Dockerfile skips it
    // with its reason, and __tests__/services/images.test.ts checks the ARGs' digests instead.
    for (const id of ["CKV_DOCKER_2", "CKV_DOCKER_3"]) expect(report.passedChecks.filter((p) => p.checkId === id)).toHaveLength(4);
  });
});

describe("skip comments", () => {
  const text = ['{', '  "//": {', '    "checkov": [', '      "checkov:skip=CKV_AWS_1,CKV_AWS_2:because the thing is managed elsewhere"', '    ]', '  },', '  "a": 1', '}'].join("\n");
  it("apply inside the block's line range, to the listed ids, with their reason", () => {
    expect(skipReasonIn(text, "CKV_AWS_2", [1, 8])).toBe("because the thing is managed elsewhere");
    expect(skipReasonIn(text, "CKV_AWS_3", [1, 8])).toBeUndefined();
    expect(skipReasonIn(text, "CKV_AWS_1", [5, 8])).toBeUndefined();
  });
  it("without a reason do not count", () => {
    expect(skipReasonIn('"checkov:skip=CKV_AWS_1:"', "CKV_AWS_1", [1, 1])).toBeUndefined();
  });
});
