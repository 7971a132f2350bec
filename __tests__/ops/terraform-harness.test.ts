/**
 * The Terraform checks' own logic (ops/terraform/), without Terraform providers or moto:
 * the copy's rewrites, the local-AWS override, the mirror, and reading Terraform's verdicts.
 * npm run test:terraform is what runs Terraform itself.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { endpointFor, servicesUsed } from "../../ops/terraform/aws-services";
import { describeDifference, localAwsCandidate } from "../../ops/terraform/local-aws";
import { MOTO_DRIFT, MOTO_MISSING_ATTRIBUTES, MOTO_UNSUPPORTED } from "../../ops/terraform/moto-gaps";
import { motoProviderOverride } from "../../ops/terraform/moto-override";
import { freePort } from "../../ops/terraform/moto-server";
import { AWS_SNAPSHOT, builtProviderRoot, cliConfig, findMirror, knownUnavailable, MIRROR_ENV, scanMirror, terraformPlatform } from "../../ops/terraform/providers";
import {
  compareVersions,
  leaveOut,
  liftProtection,
  localizeState,
  pinToAvailable,
  qualifySource,
  requiredProviders,
  type StackDocument,
} from "../../ops/terraform/stack-copy";
import { terraformEnv } from "../../ops/terraform/terraform";
import { ENVIRONMENTS, summarize, summaryLine } from "../../ops/terraform/test-terraform";
import { unavailableVerdict, validationOk, type EnvironmentValidation } from "../../ops/terraform/validate";
import {
  CONSEQUENCE,
  differingPaths,
  explainDifferences,
  formatDiagnostics,
  initFailure,
  parseValidate,
  planDifferences,
  referenceGraph,
  validateVerdict,
} from "../../ops/terraform/verdict";
import { describeRewrites, environmentLabel } from "../../ops/terraform/workspace";
import { loadConfig } from "../../config/load";
import ecsConfig from "../../config/environments/ecs";
import prodConfig from "../../config/environments/prod";
import karpenterConfig from "../../ops/terraform/environments/karpenter";
import { synthPlatform, type Synthesized } from "../support/synth";

const AWS = "registry.terraform.io/hashicorp/aws";
const LABEL = AWS_SNAPSHOT.label;

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synthPlatform();
  prod = synthPlatform(prodConfig);
});

const doc = (name: string, s: Synthesized = dev): StackDocument => s.stack(name) as StackDocument;

describe("provider pins in the copy", () => {
  it("reads each stack's providers, fully qualified", () => {
    expect(requiredProviders(doc("mesh")).map((p) => [p.name, p.source])).toEqual([
      ["aws", AWS],
      ["helm", "registry.terraform.io/hashicorp/helm"],
      ["kubernetes", "registry.terraform.io/hashicorp/kubernetes"],
    ]);
    expect(qualifySource("aws")).toBe(AWS);
    expect(qualifySource("example.com/acme/thing")).toBe("example.com/acme/thing");
  });

  it("rewrites only the AWS pin, to the version the mirror holds, and says so", () => {
    const original = doc("mesh");
    const pinned = original.terraform!.required_providers!.aws!.version;
    const { doc: copy, rewrites } = pinToAvailable(original, new Map([[AWS, [LABEL]]]));
    expect(copy.terraform!.required_providers!.aws!.version).toBe(LABEL);
    expect(copy.terraform!.required_providers!.kubernetes).toEqual(original.terraform!.required_providers!.kubernetes);
    expect(rewrites).toEqual([{ provider: "aws", source: AWS, from: pinned, to: LABEL }]);
    // The synthesized document is untouched.
    expect(original.terraform!.required_providers!.aws!.version).toBe(pinned);
    expect(describeRewrites([...rewrites, ...rewrites])).toEqual([
      `hashicorp/aws: the stacks pin ${pinned}; the mirror holds ${LABEL}, so the copies pin ${LABEL} (cdktf.out is unchanged)`,
    ]);
  });

  it("keeps a pin the mirror satisfies exactly", () => {
    const pinned = doc("network").terraform!.required_providers!.aws!.version!;
    expect(pinToAvailable(doc("network"), new Map([[AWS, [pinned, LABEL]]])).rewrites).toEqual([]);
  });

  it("picks the newest of several mirrored versions, a release above its pre-release", () => {
    const { rewrites } = pinToAvailable(doc("network"), new Map([[AWS, ["6.48.0-dev.1", "6.9.0", "6.48.0"]]]));
    expect(rewrites[0]?.to).toBe("6.48.0");
    expect(compareVersions("6.10.0", "6.9.0")).toBeGreaterThan(0);
  });
});

describe("state in the copy", () => {
  it("moves a local backend and remote-state reads to the checks' own state folder", () => {
    const copy = localizeState(doc("cluster"), "cluster", "../state");
    expect(copy.terraform!.backend).toEqual({ local: { path: "../state/cluster.tfstate" } });
    expect(copy.data!.terraform_remote_state!["remote-state-network"]).toMatchObject({
      backend: "local",
      config: { path: "../state/network.tfstate" },
    });
  });

  it("replaces an S3 backend and S3 remote-state reads too, so a real bucket is never touched", () => {
    const synthesized = doc("cluster", prod);
    expect(Object.keys(synthesized.terraform!.backend!)).toEqual(["s3"]);
    const copy = localizeState(synthesized, "cluster", "../state");
    expect(copy.terraform!.backend).toEqual({ local: { path: "../state/cluster.tfstate" } });
    expect(JSON.stringify(copy.data!.terraform_remote_state)).not.toContain("eksmesh-terraform-state");
    expect(copy.data!.terraform_remote_state!["remote-state-network"]!.config).toEqual({ path: "../state/network.tfstate" });
  });
});

describe("the local teardown", () => {
  it("lifts prevent_destroy in the copy of the state bucket's stack, leaving the synthesized one protected", () => {
    const bootstrap = doc("bootstrap", prod);
    const { doc: copy, lifted, needsApply } = liftProtection(bootstrap);
    expect(lifted.length).toBeGreaterThan(0);
    expect(lifted.every((l) => l.endsWith("(prevent_destroy)"))).toBe(true);
    expect(needsApply).toBe(false);
    expect(JSON.stringify(copy)).not.toContain("prevent_destroy");
    expect(JSON.stringify(bootstrap)).toContain('"prevent_destroy":true');
  });

  it("switches deletion protection off, which takes an apply before the destroy", () => {
    const table: StackDocument = { resource: { aws_dynamodb_table: { t: { deletion_protection_enabled: true, lifecycle: { prevent_destroy: true } } } } };
    const { doc: copy, lifted, needsApply } = liftProtection(table);
    expect(lifted).toEqual(["aws_dynamodb_table.t (prevent_destroy)", "aws_dynamodb_table.t (deletion_protection_enabled)"]);
    expect(needsApply).toBe(true);
    expect(copy.resource!.aws_dynamodb_table!.t).toEqual({ deletion_protection_enabled: false, lifecycle: {} });
  });
});

describe("resources moto lacks", () => {
  it("leaves the cluster's add-ons and access entries out, each with its reason, and prunes depends_on", () => {
    const { doc: copy, leftOut } = leaveOut(doc("cluster"), MOTO_UNSUPPORTED);
    const addresses = leftOut.map((l) => l.address).sort();
    const addons = Object.keys(doc("cluster").resource!.aws_eks_addon!).map((n) => `aws_eks_addon.${n}`);
    expect(addons).toEqual(expect.arrayContaining(["aws_eks_addon.addon-coredns", "aws_eks_addon.addon-kube-proxy", "aws_eks_addon.addon-vpc-cni"]));
    expect(addresses).toEqual(
      ["aws_eks_access_entry.admin-deployer", "aws_eks_access_policy_association.admin-deployer-cluster-admin", ...addons].sort(),
    );
    expect(leftOut.find((l) => l.address === "aws_eks_addon.addon-coredns")?.reason).toBe(MOTO_UNSUPPORTED.aws_eks_addon);
    expect(copy.resource!.aws_eks_addon).toBeUndefined();
    const text = JSON.stringify(copy);
    expect(text).not.toMatch(/aws_eks_addon\.|aws_eks_access_entry\./);
    // Everything else of the stack is still there.
    expect(Object.keys(copy.resource!.aws_eks_node_group!)).toEqual(Object.keys(doc("cluster").resource!.aws_eks_node_group!));
    expect(Object.keys(copy.output!)).toEqual(Object.keys(doc("cluster").output!));
  });

  it("leaves out Karpenter's tag on the cluster security group, which moto's EKS never creates, and keeps the rest", () => {
    const cluster = doc("cluster", synthPlatform(karpenterConfig));
    const { doc: copy, leftOut } = leaveOut(cluster, MOTO_UNSUPPORTED, MOTO_MISSING_ATTRIBUTES);
    const tag = leftOut.find((l) => l.address.startsWith("aws_ec2_tag."));
    expect(tag?.reason).toMatch(/^reads aws_eks_cluster\.vpc_config\[0\]\.cluster_security_group_id, which the local AWS leaves empty: moto's CreateCluster/);
    expect(copy.resource!.aws_ec2_tag).toBeUndefined();
    // The queue, rules and roles are applied; the output of the same attribute stays.
    expect(Object.keys(copy.resource!.aws_sqs_queue!)).toEqual(Object.keys(cluster.resource!.aws_sqs_queue!));
    expect(Object.keys(copy.resource!.aws_cloudwatch_event_rule!)).toEqual(Object.keys(cluster.resource!.aws_cloudwatch_event_rule!));
    expect(copy.output!.cluster_security_group_id).toEqual(cluster.output!.cluster_security_group_id);
    // dev's cluster stack does not tag that group: nothing more is left out there.
    expect(leaveOut(doc("cluster"), MOTO_UNSUPPORTED, MOTO_MISSING_ATTRIBUTES).leftOut).toEqual(leaveOut(doc("cluster"), MOTO_UNSUPPORTED).leftOut);
  });

  it("leaves nothing out of the network stack", () => {
    expect(leaveOut(doc("network"), MOTO_UNSUPPORTED).leftOut).toEqual([]);
  });

  it("also leaves out what refers to a left-out resource, outputs included, but not a look-alike name", () => {
    const sample: StackDocument = {
      resource: {
        aws_eks_addon: { coredns: { addon_name: "coredns" } },
        aws_thing: {
          uses: { arn: "${aws_eks_addon.coredns.arn}" },
          lookalike: { name: "${aws_eks_addon.coredns2.arn}" },
          after: { depends_on: ["aws_eks_addon.coredns", "aws_thing.lookalike"] },
          chained: { x: "${aws_thing.uses.id}" },
        },
      },
      output: { addon: { value: "${aws_eks_addon.coredns.id}" }, other: { value: "${aws_thing.after.id}" } },
    };
    const { doc: copy, leftOut } = leaveOut(sample, { aws_eks_addon: "no API" });
    expect(leftOut).toEqual([
      { address: "aws_eks_addon.coredns", reason: "no API" },
      { address: "aws_thing.uses", reason: "refers to aws_eks_addon.coredns, which is left out" },
      { address: "aws_thing.chained", reason: "refers to aws_thing.uses, which is left out" },
      { address: "output.addon", reason: "refers to aws_eks_addon.coredns, which is left out" },
    ]);
    expect(Object.keys(copy.resource!.aws_thing!)).toEqual(["lookalike", "after"]);
    expect(copy.resource!.aws_thing!.after!.depends_on).toEqual(["aws_thing.lookalike"]);
    expect(Object.keys(copy.output!)).toEqual(["other"]);
  });

  it("names only resource types the AWS provider has, each with a reason", () => {
    for (const [type, reason] of Object.entries(MOTO_UNSUPPORTED)) {
      const module = type.replace(/^aws_/, "").replace(/_/g, "-");
      expect(existsSync(join(__dirname, "../../node_modules/@cdktf/provider-aws/lib", module)), type).toBe(true);
      expect(reason.length).toBeGreaterThan(20);
    }
    for (const d of MOTO_DRIFT) expect(d.reason.length, `${d.type} ${d.attribute}`).toBeGreaterThan(20);
  });
});

describe("the local-AWS provider override", () => {
  it("points every service the network stack uses at the local endpoint", () => {
    expect(servicesUsed(doc("network"))).toEqual(["ec2", "iam", "kms", "logs", "sts"]);
    expect(servicesUsed(doc("cluster"))).toEqual(["ec2", "eks", "iam", "kms", "logs", "sts"]);
  });

  it("covers every AWS type of every stack, in dev and prod", () => {
    for (const s of [dev, prod]) {
      for (const name of Object.keys(s.manifest.stacks)) expect(() => servicesUsed(doc(name, s)), name).not.toThrow();
    }
  });

  it("covers the AWS resources of optional features too (Karpenter's queue, rules and roles; the ECS stacks)", () => {
    const karpenter = synthPlatform(karpenterConfig);
    const cluster = doc("cluster", karpenter);
    expect(Object.keys(cluster.resource!)).toEqual(expect.arrayContaining(["aws_sqs_queue", "aws_cloudwatch_event_rule"]));
    expect(servicesUsed(cluster)).toEqual(expect.arrayContaining(["events", "sqs"]));
    const ecs = synthPlatform(ecsConfig);
    expect(Object.keys(ecs.manifest.stacks).sort()).toEqual(["ecs-cluster", "ecs-services", "network"]);
    expect(servicesUsed(doc("ecs-services", ecs))).toEqual(expect.arrayContaining(["appautoscaling", "ecs", "elbv2"]));
    for (const s of [karpenter, ecs]) {
      for (const name of Object.keys(s.manifest.stacks)) expect(() => servicesUsed(doc(name, s)), name).not.toThrow();
    }
  });

  it("stops on a type it does not know, naming the file to extend", () => {
    expect(() => endpointFor("aws_quantum_ledger")).toThrow(
      "no AWS endpoint known for aws_quantum_ledger: add its service to ops/terraform/aws-services.ts",
    );
    expect(endpointFor("aws_iam_policy_document")).toBeUndefined();
    expect(endpointFor("aws_cloudwatch_log_group")).toBe("logs");
    expect(endpointFor("aws_cloudwatch_metric_alarm")).toBe("cloudwatch");
  });

  it("sets fake credentials, skip flags and one endpoint per service", () => {
    const override = motoProviderOverride(["kms", "ec2"], "http://127.0.0.1:4566") as { provider: { aws: Record<string, unknown> } };
    expect(override.provider.aws).toMatchObject({
      access_key: "testing",
      secret_key: "testing",
      skip_credentials_validation: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      endpoints: [{ ec2: "http://127.0.0.1:4566", kms: "http://127.0.0.1:4566" }],
    });
    expect(override.provider.aws).not.toHaveProperty("region");
  });

  it("refuses any endpoint but a loopback one", () => {
    expect(() => motoProviderOverride(["ec2"], "https://ec2.us-east-1.amazonaws.com")).toThrow(
      "local AWS endpoint must be http://127.0.0.1:<port>, got https://ec2.us-east-1.amazonaws.com",
    );
  });

  it("strips real AWS credentials from Terraform's environment", () => {
    const env = terraformEnv(
      { PATH: "/bin", AWS_PROFILE: "prod", AWS_ACCESS_KEY_ID: "AKIA", AWS_SESSION_TOKEN: "t", AWS_ENDPOINT_URL_EC2: "x" },
      { isolateFromAws: true },
    );
    expect(Object.keys(env).filter((k) => k.startsWith("AWS_")).sort()).toEqual([
      "AWS_CONFIG_FILE",
      "AWS_EC2_METADATA_DISABLED",
      "AWS_SHARED_CREDENTIALS_FILE",
    ]);
    expect(env.AWS_CONFIG_FILE).toBe("/dev/null");
    expect(terraformEnv({ AWS_PROFILE: "dev" }, {}).AWS_PROFILE).toBe("dev");
    expect(terraformEnv({}, { cliConfigFile: "/x/terraform.rc" }).TF_CLI_CONFIG_FILE).toBe("/x/terraform.rc");
  });

  it("applies only stacks whose every provider is AWS", () => {
    expect(localAwsCandidate(requiredProviders(doc("network")).map((p) => p.source))).toBe(true);
    expect(localAwsCandidate(requiredProviders(doc("mesh")).map((p) => p.source))).toBe(false);
    expect(localAwsCandidate([])).toBe(false);
  });

  it("finds a free loopback port", async () => {
    expect(await freePort()).toBeGreaterThan(0);
  });
});

describe("the provider mirror", () => {
  const platform = terraformPlatform("linux", "x64");

  it("reads both of Terraform's mirror layouts", () => {
    const mirror = mkdtempSync(join(tmpdir(), "tf-mirror-"));
    mkdirSync(join(mirror, "registry.terraform.io/hashicorp/aws", LABEL, platform), { recursive: true });
    mkdirSync(join(mirror, "registry.terraform.io/hashicorp/aws/1.0.0/darwin_arm64"), { recursive: true });
    mkdirSync(join(mirror, "registry.terraform.io/hashicorp/helm"), { recursive: true });
    writeFileSync(join(mirror, "registry.terraform.io/hashicorp/helm", `terraform-provider-helm_3.1.1_${platform}.zip`), "");
    expect(scanMirror(mirror, platform)).toEqual(
      new Map([
        [AWS, [LABEL]],
        ["registry.terraform.io/hashicorp/helm", ["3.1.1"]],
      ]),
    );
  });

  it("prefers the mirror named by the environment variable, and refuses one that does not exist", () => {
    const mirror = mkdtempSync(join(tmpdir(), "tf-mirror-"));
    expect(findMirror({ [MIRROR_ENV]: mirror, HOME: "/nonexistent" })?.origin).toBe(MIRROR_ENV);
    expect(() => findMirror({ [MIRROR_ENV]: "/nonexistent/mirror" })).toThrow(`${MIRROR_ENV}=/nonexistent/mirror: no such folder`);
  });

  it("finds the built provider under the cache, keyed by the snapshot, and nothing when it is not built", () => {
    const cache = mkdtempSync(join(tmpdir(), "tf-cache-"));
    expect(builtProviderRoot({ XDG_CACHE_HOME: cache })).toBe(join(cache, "eks-mesh-platform/terraform-provider-aws", AWS_SNAPSHOT.version));
    expect(findMirror({ XDG_CACHE_HOME: cache })).toBeUndefined();
  });

  it("writes a CLI config that takes the mirror's providers from the mirror only", () => {
    const text = cliConfig("/cache/mirror", [AWS]);
    expect(text).toContain('path    = "/cache/mirror"');
    expect(text).toContain(`include = ["${AWS}"]`);
    expect(text).not.toContain("direct");
  });
});

describe("Terraform's verdicts", () => {
  const invalid = JSON.stringify({
    format_version: "1.0",
    valid: false,
    error_count: 1,
    warning_count: 1,
    diagnostics: [
      {
        severity: "error",
        summary: "Unsupported argument",
        detail: 'An argument named "colour" is not expected here.',
        range: { filename: "cdk.tf.json", start: { line: 12, column: 9, byte: 300 }, end: { line: 12, column: 17, byte: 308 } },
        snippet: { context: 'resource "aws_vpc" "vpc"', code: '"colour": "red"' },
      },
      { severity: "warning", summary: "Deprecated attribute", detail: "Use x instead." },
    ],
  });

  it("gives one verdict per stack and Terraform's own diagnostics", () => {
    const result = parseValidate(invalid);
    expect(validateVerdict(result)).toBe("INVALID: 1 error, 1 warning");
    expect(formatDiagnostics(result.diagnostics)).toBe(
      [
        "    error: Unsupported argument (cdk.tf.json:12:9)",
        '      in resource "aws_vpc" "vpc"',
        '      An argument named "colour" is not expected here.',
        "    warning: Deprecated attribute",
        "      Use x instead.",
      ].join("\n"),
    );
    expect(validateVerdict(parseValidate('{"valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}'))).toBe("valid (0 warnings)");
    expect(() => parseValidate("Error: something")).toThrow("terraform validate -json printed no JSON: Error: something");
  });

  it("tells a provider that cannot be had from a broken stack", () => {
    const noRegistry = [
      '- Finding hashicorp/aws versions matching "6.25.0"...',
      "Error: Failed to query available provider packages",
      "Could not retrieve the list of available versions for provider",
      "hashicorp/kubernetes: could not connect to registry.terraform.io: failed to",
    ].join("\n");
    expect(initFailure(noRegistry, knownUnavailable)).toEqual({ kind: "provider-unavailable", providers: ["hashicorp/kubernetes"] });
    expect(initFailure("Error: Invalid resource type", knownUnavailable)).toEqual({ kind: "other", providers: [] });
    expect(unavailableVerdict(["hashicorp/helm", "hashicorp/kubernetes"])).toBe(
      "not validated here: provider unavailable (hashicorp/helm, hashicorp/kubernetes)",
    );
  });

  const validation = (stacks: Array<[string, "valid" | "invalid" | "unavailable" | "failed"]>): EnvironmentValidation => ({
    environment: "dev",
    rewrites: [],
    stacks: stacks.map(([stack, status]) => ({ stack, status, warnings: 0, verdict: status, details: "" })),
  });

  it("passes when every readable stack is valid, and fails when none could be read", () => {
    expect(validationOk(validation([["network", "valid"], ["mesh", "unavailable"]]))).toBe(true);
    expect(validationOk(validation([["network", "valid"], ["cluster", "invalid"]]))).toBe(false);
    expect(validationOk(validation([["network", "unavailable"]]))).toBe(false);
  });
});

describe("the second plan", () => {
  const change = (address: string, type: string, actions: string[], rest: Record<string, unknown> = {}) => ({
    address,
    mode: "managed",
    type,
    change: { actions, before: {}, after: {}, ...rest },
  });
  // The shape of the cluster stack's second plan against moto (provider 5.x and 6.x alike).
  const clusterPlan = {
    format_version: "1.2",
    resource_changes: [
      change("aws_vpc.vpc", "aws_vpc", ["no-op"]),
      { address: "data.aws_partition.current", mode: "data", type: "aws_partition", change: { actions: ["read"] } },
      change("aws_eks_cluster.cluster", "aws_eks_cluster", ["delete", "create"], {
        before: { name: "c", arn: "arn:x", access_config: [] },
        after: { name: "c", access_config: [{ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false }] },
        after_unknown: { arn: true },
        replace_paths: [["access_config", 0, "bootstrap_cluster_creator_admin_permissions"]],
      }),
      change("aws_eks_node_group.general", "aws_eks_node_group", ["delete", "create"], {
        before: { remote_access: [{ ec2_ssh_key: "eksKeypair", source_security_group_ids: [] }] },
        after: { remote_access: [] },
        replace_paths: [["remote_access"], ["remote_access", 0, "ec2_ssh_key"]],
      }),
      change("aws_iam_openid_connect_provider.oidc", "aws_iam_openid_connect_provider", ["delete", "create"], {
        before: { url: "oidc.eks/id/1" },
        after: {},
        after_unknown: { url: true },
        replace_paths: [["url"]],
      }),
      change("aws_launch_template.general", "aws_launch_template", ["update"], {
        before: {
          latest_version: 1,
          tags: { a: "1" },
          tag_specifications: [
            { resource_type: "instance", tags: { Name: "n" } },
            { resource_type: "launch-template", tags: { a: "1" } },
          ],
        },
        after: { tags: { a: "1" }, tag_specifications: [{ resource_type: "instance", tags: { Name: "n" } }] },
        after_unknown: { latest_version: true },
      }),
    ],
    configuration: {
      root_module: {
        resources: [
          {
            address: "aws_iam_openid_connect_provider.oidc",
            expressions: { url: { references: ["aws_eks_cluster.cluster.identity[0].oidc[0].issuer", "aws_eks_cluster.cluster"] } },
          },
        ],
      },
    },
  };

  it("lists each changed resource with what differs, what forces a replacement, and nothing for no-ops and reads", () => {
    const diffs = planDifferences(clusterPlan);
    expect(diffs.map((d) => [d.address, d.kind, d.changes.map((c) => `${c.path}${c.unknown ? " (known after apply)" : ""}`)])).toEqual([
      ["aws_eks_cluster.cluster", "replace", ["access_config[0].bootstrap_cluster_creator_admin_permissions"]],
      ["aws_eks_node_group.general", "replace", ["remote_access", "remote_access[0].ec2_ssh_key"]],
      ["aws_iam_openid_connect_provider.oidc", "replace", ["url (known after apply)"]],
      ["aws_launch_template.general", "update", ["latest_version (known after apply)", "tag_specifications"]],
    ]);
    expect(planDifferences({ format_version: "1.2" })).toEqual([]);
  });

  it("treats null, empty strings, lists and maps as one value, as the providers do", () => {
    expect(differingPaths({ a: [], b: null, c: "" }, { a: null, b: {}, c: null }, {})).toEqual([]);
    expect(differingPaths([1, 2], [1, 2, 3], undefined).map((c) => c.path)).toEqual([""]);
  });

  it("explains the cluster stack's second plan by moto's behaviour alone", () => {
    const explained = explainDifferences(planDifferences(clusterPlan), MOTO_DRIFT, referenceGraph(clusterPlan));
    expect(explained.map((d) => [d.address, d.explained])).toEqual([
      ["aws_eks_cluster.cluster", true],
      ["aws_eks_node_group.general", true],
      ["aws_iam_openid_connect_provider.oidc", true],
      ["aws_launch_template.general", true],
    ]);
    expect(explained[2]?.reasons.url).toBe(CONSEQUENCE);
    expect(describeDifference(explained[1]!)).toBe(
      [
        "second plan: replace aws_eks_node_group.general: explained (moto's, not the stack's)",
        `      remote_access: ${MOTO_DRIFT.find((e) => e.attribute === "remote_access")!.reason}`,
        `      remote_access[0].ec2_ssh_key: ${MOTO_DRIFT.find((e) => e.attribute === "remote_access")!.reason}`,
      ].join("\n"),
    );
  });

  it("does not let a moto entry hide a real difference in the same attribute", () => {
    const real = {
      format_version: "1.2",
      resource_changes: [
        change("aws_launch_template.general", "aws_launch_template", ["update"], {
          before: { tag_specifications: [{ resource_type: "instance", tags: { Name: "old" } }] },
          after: { tag_specifications: [{ resource_type: "instance", tags: { Name: "new" } }] },
        }),
      ],
    };
    const [d] = explainDifferences(planDifferences(real), MOTO_DRIFT);
    expect(d?.explained).toBe(false);
    expect(describeDifference(d!)).toBe(
      [
        "second plan: update aws_launch_template.general: NOT EXPLAINED: a perpetual diff in the stack",
        "      tag_specifications[0].tags.Name: unexplained",
      ].join("\n"),
    );
  });

  it("explains a value known only after apply only through a reference to moto's difference", () => {
    const unrelated = {
      ...clusterPlan,
      configuration: { root_module: { resources: [{ address: "aws_iam_openid_connect_provider.oidc", expressions: { url: { constant_value: "x" } } }] } },
    };
    const oidc = explainDifferences(planDifferences(unrelated), MOTO_DRIFT, referenceGraph(unrelated))[2];
    expect(oidc).toMatchObject({ address: "aws_iam_openid_connect_provider.oidc", explained: false });
    expect(describeDifference(oidc!)).toContain("url: unexplained");
    // Through a data source: role → policy document → cluster.
    const graph = referenceGraph({
      configuration: {
        root_module: {
          resources: [
            { address: "aws_iam_role.r", expressions: { assume_role_policy: { references: ["data.aws_iam_policy_document.t.json", "data.aws_iam_policy_document.t"] } } },
            { address: "data.aws_iam_policy_document.t", expressions: { statement: [{ condition: [{ variable: { references: ["aws_eks_cluster.cluster.identity", "var.x"] } }] }] } },
          ],
        },
      },
    });
    expect([...graph.get("data.aws_iam_policy_document.t")!]).toEqual(["aws_eks_cluster.cluster"]);
    const withRole = {
      ...clusterPlan,
      resource_changes: [
        ...clusterPlan.resource_changes,
        change("aws_iam_role.r", "aws_iam_role", ["update"], { before: { assume_role_policy: "{}" }, after: {}, after_unknown: { assume_role_policy: true } }),
      ],
    };
    expect(explainDifferences(planDifferences(withRole), MOTO_DRIFT, graph).at(-1)).toMatchObject({
      address: "aws_iam_role.r",
      explained: true,
      reasons: { assume_role_policy: CONSEQUENCE },
    });
  });

  it("explains a bucket's missing tags as moto's only when the state has none at all", () => {
    const bucket = (before: Record<string, string>) => ({
      format_version: "1.2",
      resource_changes: [
        change("aws_s3_bucket.state", "aws_s3_bucket", ["update"], { before: { tags_all: before }, after: { tags_all: { owner: "platform" } } }),
      ],
    });
    expect(explainDifferences(planDifferences(bucket({})), MOTO_DRIFT)[0]?.explained).toBe(true);
    expect(explainDifferences(planDifferences(bucket({ owner: "someone-else" })), MOTO_DRIFT)[0]?.explained).toBe(false);
  });

  it("never explains a value known only after apply when nothing moto does caused it, nor a creation", () => {
    const alone = {
      format_version: "1.2",
      resource_changes: [
        change("aws_iam_role.r", "aws_iam_role", ["update"], { before: { p: "x" }, after: {}, after_unknown: { p: true } }),
        change("aws_s3_bucket.b", "aws_s3_bucket", ["create"], { before: null }),
      ],
    };
    expect(explainDifferences(planDifferences(alone), MOTO_DRIFT).map((d) => d.explained)).toEqual([false, false]);
  });
});

describe("CI's figures", () => {
  it("counts stacks validated, resources applied and destroyed, and second-plan changes", () => {
    const v: EnvironmentValidation = {
      environment: "dev",
      rewrites: [],
      stacks: [
        { stack: "network", status: "valid", warnings: 0, verdict: "", details: "" },
        { stack: "mesh", status: "unavailable", warnings: 0, verdict: "", details: "" },
      ],
    };
    const local = {
      environment: "dev",
      stacks: [
        { stack: "network", status: "passed" as const, reason: "", leftOut: [], applyOk: true, applied: 30, destroyed: 30, differences: [], details: "" },
        {
          stack: "cluster",
          status: "passed" as const,
          reason: "",
          leftOut: [{ address: "aws_eks_addon.x", reason: "r" }],
          applyOk: true,
          applied: 20,
          destroyed: 20,
          differences: [
            { address: "a.b", type: "a", kind: "update" as const, changes: [{ path: "t", before: 1, after: 2, unknown: false }], reasons: { t: "m" }, explained: true },
          ],
          details: "",
        },
      ],
    };
    const summary = summarize([v], [local]);
    expect(summary).toMatchObject({ validated: 1, invalid: 0, unavailable: ["dev/mesh"], localAwsStacks: ["dev/network", "dev/cluster"], applied: 50, destroyed: 50, leftOut: 1, secondPlanChanges: 0, explainedAsMoto: 1, ok: true });
    expect(summaryLine(summary)).toBe(
      "Terraform: 1 stacks valid, 0 invalid, 1 not validated here (provider unavailable: dev/mesh); local AWS: 50 resources applied, 50 destroyed, 1 left out, 0 second-plan changes (0 expected), 1 explained as moto's",
    );
  });
});

describe("the ECS teardown", () => {
  it("force-deletes the scale-in protected EC2 capacity group in the copy only, with an apply first", () => {
    const cluster = synthPlatform(ecsConfig).stack("ecs-cluster") as StackDocument;
    const group = Object.keys(cluster.resource!.aws_autoscaling_group!)[0]!;
    expect(cluster.resource!.aws_autoscaling_group![group]).toMatchObject({ protect_from_scale_in: true });
    expect(cluster.resource!.aws_autoscaling_group![group]!.force_delete).toBeUndefined();
    const { doc: copy, lifted, needsApply } = liftProtection(cluster);
    expect(copy.resource!.aws_autoscaling_group![group]!.force_delete).toBe(true);
    expect(lifted).toEqual([expect.stringMatching(new RegExp(`^aws_autoscaling_group\\.${group} \\(force_delete: moto never terminates`))]);
    expect(needsApply).toBe(true);
  });
});

describe("what npm run test:terraform covers", () => {
  it("runs dev, prod, the ECS environment and dev with Karpenter, each in its own folder", () => {
    const labels = ENVIRONMENTS.map((e) => environmentLabel(e));
    expect(labels).toEqual(["dev", "prod", "ecs", "config-karpenter"]);
    const configs = ENVIRONMENTS.map((e) => loadConfig(e).config);
    expect(configs.map((c) => c.platform.environment)).toEqual(["dev", "prod", "ecs", "karpenter"]);
    expect(configs[2]!.platform.orchestrator).toBe("ecs");
    expect(configs[3]!.cluster.autoscaling).toBe("karpenter");
  });
});
