/**
 * Values the config sends to AWS, checked against the AWS API models' shapes
 * (config/schema/aws-shapes.ts): the extracted facts are what the pinned botocore gives, the
 * table only names fields and shapes that exist, every pattern compiles, every cited rule is
 * still in the model, derived names are the ones the stacks send, and each family of the
 * table refuses a realistic bad value with its exact message and lets a good one through.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../config/load";
import type { PlatformConfig } from "../config/schema";
import { AWS_SHAPE_RULES, awsShapeIssues, BOTOCORE, checkedValues, closest, compiledPattern, DOCUMENTED_RULES, latticeServiceName, meshCertificateName, modelShape, SCHEDULE_EXPRESSION, TIME_ZONE, valuesAt } from "../config/schema/aws-shapes";
import { AMI_TYPES, CONTROL_PLANE_LOG_TYPES, TAINT_EFFECTS } from "../facts/eks";
import { KNOWN_INSTANCE_FAMILIES } from "../facts/karpenter";
import { extractAwsShapes, pinnedWheelPath, PROVENANCE_FILE, readPin, sha256, SHAPES_FILE } from "../scripts/regenerate-aws-shapes";
import { versionHostname } from "../stacks/mesh/appmesh/tls";
import { synthPlatform, withDev } from "./support/synth";

const ROOT = path.resolve(__dirname, "..");
const V = BOTOCORE.botocore;

/** Every refusal line of a config (the "  - " lines), or [] when it is accepted. */
function refusals(input: unknown): string[] {
  try {
    parseConfig(input, "test config");
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
  }
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "aws-shapes-"));
const catalogFile = (text: string) => {
  const file = path.join(scratch(), "shop.yaml");
  fs.writeFileSync(file, text);
  return file;
};

/** A resolved config with one value changed, to reach rules the field schemas already keep from failing. */
function changed(config: PlatformConfig, at: string, value: unknown): PlatformConfig {
  const copy = structuredClone(config) as Record<string, any>;
  const keys = at.split(".");
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys[keys.length - 1]] = value;
  return copy as PlatformConfig;
}

const dev = parseConfig(withDev(), "dev");
const ECS = { platform: { orchestrator: "ecs" } } as const;
const LATTICE = { mesh: { implementation: "vpc-lattice" } } as const;
const SHARED_CA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11223344-1234-1122-2233-112233445566";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";
const HTTPS = { edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "shop.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } };

describe("the facts: facts/upstream/botocore", () => {
  it("are what scripts/regenerate-aws-shapes.ts extracts from the pinned botocore wheel", () => {
    const pin = readPin();
    const wheel = pinnedWheelPath(pin);
    if (!fs.existsSync(wheel)) throw new Error(`the pinned botocore wheel ${pin.wheel.file} is not in ${path.dirname(wheel)}; run npm run setup:tools`);
    const bytes = fs.readFileSync(wheel);
    expect(sha256(bytes), `${wheel} is not the pinned wheel; delete it and run npm run setup:tools`).toBe(pin.wheel.sha256);
    const out = extractAwsShapes(bytes, pin.wheel.file);
    expect(fs.readFileSync(SHAPES_FILE, "utf8"), "facts/upstream/botocore/shapes.json is stale; run npx tsx scripts/regenerate-aws-shapes.ts").toBe(out.shapes);
    expect(fs.readFileSync(PROVENANCE_FILE, "utf8"), "facts/upstream/botocore/provenance.json is stale; run npx tsx scripts/regenerate-aws-shapes.ts").toBe(out.provenance);
  });

  it("come from a botocore release the provenance names, with every model's API version", () => {
    const provenance = JSON.parse(fs.readFileSync(PROVENANCE_FILE, "utf8"));
    expect(provenance.version).toBe(V);
    expect(provenance.wheel.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const [service, facts] of Object.entries(BOTOCORE.services)) expect(provenance.services[service].apiVersion).toBe(facts.apiVersion);
  });
});

describe("the table: AWS_SHAPE_RULES", () => {
  /** A shape and the shapes its lists and maps hold. */
  const withParts = (ref: string): string[] => {
    const [service] = ref.split(".");
    const shape = modelShape(ref);
    return [ref, ...[shape.member, shape.key, shape.value].filter((s): s is string => s !== undefined).flatMap((s) => withParts(`${service}.${s}`))];
  };
  const refs = [...new Set(AWS_SHAPE_RULES.flatMap((r) => withParts(r.shape)))];

  it("names shapes the extracted facts hold", () => {
    for (const r of AWS_SHAPE_RULES) expect(() => modelShape(r.shape), r.field).not.toThrow();
    expect(refs.length).toBeGreaterThan(30);
  });

  it("reaches shapes whose patterns all compile as anchored JavaScript regular expressions", () => {
    const withPattern = refs.filter((r) => modelShape(r).pattern !== undefined);
    expect(withPattern.length).toBeGreaterThan(10);
    for (const ref of withPattern) {
      const re = compiledPattern(modelShape(ref).pattern!);
      expect(re.flags, ref).toBe("u");
      expect(re.source.startsWith("^(?:") && re.source.endsWith(")$"), ref).toBe(true);
    }
    // Java reads \uD800\uDC00 as one code point; so does the u flag.
    expect(compiledPattern(modelShape("application-autoscaling.ResourceIdMaxLen1600").pattern!).test("cron(0 8 ? * MON-FRI *) 🙂")).toBe(true);
    // Anchored as AWS matches: a valid start is not enough.
    expect(compiledPattern(modelShape("eks.ClusterName").pattern!).test("my.cluster")).toBe(false);
  });

  it("says in words what each pattern it checks allows", () => {
    for (const r of AWS_SHAPE_RULES) if (modelShape(r.shape).pattern !== undefined) expect(r.allowed, `${r.field} → ${r.shape}`).toBeDefined();
  });

  it("maps only fields that exist in the JSON Schemas, so a renamed field cannot silently drop a rule", () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas/platform-config.schema.json"), "utf8"));
    const catalog = JSON.parse(fs.readFileSync(path.join(ROOT, "schemas/catalog.schema.json"), "utf8"));
    /** The schemas a path pattern reaches (every branch of a union). */
    const reach = (schema: Record<string, any>, pattern: string): Record<string, any>[] => {
      let nodes = [schema];
      const branches = (n: Record<string, any>): Record<string, any>[] => [n, ...["anyOf", "oneOf", "allOf"].flatMap((k) => (n[k] ?? []).flatMap(branches))];
      for (const step of pattern.split(/\.|(?=\[\*\])/).filter(Boolean)) {
        nodes = nodes.flatMap(branches).flatMap((n) => {
          if (step === "[*]") return n.items ? [n.items] : [];
          if (step === "*") return typeof n.additionalProperties === "object" ? [n.additionalProperties] : [];
          return n.properties?.[step] ? [n.properties[step]] : [];
        });
      }
      return nodes;
    };
    for (const r of AWS_SHAPE_RULES) {
      const [schema, field] = r.field.startsWith("catalog:") ? [catalog, r.field.slice("catalog:".length)] : [config, r.field];
      expect(reach(schema, field).length, `${r.field} is not a field of the ${schema === catalog ? "catalog" : "config"} schema`).toBeGreaterThan(0);
    }
  });

  it("reads values from the resolved config at every path (maps, lists, keys)", () => {
    const c = parseConfig(withDev({ cluster: { nodeGroups: { general: { taints: [{ key: "a", effect: "NO_EXECUTE" }] }, batch: { instanceTypes: ["m7i.large", "c7i.large"] } } } }), "t");
    expect(valuesAt(c, "cluster.nodeGroups.*.instanceTypes[*]").map((v) => [v.at.path.join("."), v.value])).toEqual([
      ["cluster.nodeGroups.general.instanceTypes.0", "t3.medium"],
      ["cluster.nodeGroups.batch.instanceTypes.0", "m7i.large"],
      ["cluster.nodeGroups.batch.instanceTypes.1", "c7i.large"],
    ]);
    expect(valuesAt(c, "cluster.nodeGroups", true).map((v) => v.value)).toEqual(["general", "batch"]);
    expect(valuesAt(c, "cluster.nodeGroups.*.taints[*].value")).toEqual([]);
  });

  it("leaves every shipped environment and catalog alone", () => {
    for (const env of ["dev", "prod", "ecs"]) expect(() => loadConfig({ PLATFORM_ENV: env }), env).not.toThrow();
    for (const catalog of ["reference", "yelb"]) {
      for (const extra of [{}, ECS, LATTICE, { mesh: { tls: { mode: "strict" } } }, HTTPS]) {
        const c = parseConfig(withDev({ ...extra, workloads: { catalog } } as never), catalog);
        expect(awsShapeIssues(c), `${catalog} ${JSON.stringify(extra)}`).toEqual([]);
      }
    }
  });
});

describe("rules the model states only in words: DOCUMENTED_RULES", () => {
  it("cite model documentation that still says them", () => {
    for (const r of DOCUMENTED_RULES) {
      if (!r.source.member) continue;
      const doc = BOTOCORE.documentation[r.source.member];
      expect(doc, `${r.id}: ${r.source.member} is not in the extracted documentation`).toBeDefined();
      expect(doc, r.id).toContain(r.source.quote);
    }
  });

  it("schedule expressions: the three forms, six cron fields, their ranges, and ? in exactly one day field", () => {
    const ok = ["cron(0 8 ? * MON-FRI *)", "cron(30 6 ? * MON *)", "cron(0 0 1 * ? *)", "cron(0/15 9-17 ? * 2-6 2026-2030)", "cron(15 10 ? * 6L *)", "cron(0 12 ? * FRI#2 *)", "cron(0 0 L * ? *)", "cron(0 0 15W * ? *)", "cron(0 18 ? JAN,DEC SUN *)", "rate(1 hour)", "rate(5 minutes)", "at(2026-12-24T18:00:00)", "at(2028-02-29T00:00:00)"];
    for (const v of ok) expect(SCHEDULE_EXPRESSION.check(v), v).toBeUndefined();
    const bad: Record<string, string> = {
      "cron(0 8 * * MON-FRI *)": 'names both Day_of_Month ("*") and Day_of_Week ("MON-FRI"); Application Auto Scaling takes "?" in exactly one of them, e.g. cron(0 8 ? * MON-FRI *)',
      "cron(0 8 * * * *)": 'names both Day_of_Month ("*") and Day_of_Week ("*"); Application Auto Scaling takes "?" in exactly one of them, e.g. cron(0 8 * * ? *)',
      "cron(0 8 ? * ? *)": 'has "?" in both Day_of_Month and Day_of_Week; Application Auto Scaling takes "?" in exactly one of them, e.g. cron(0 8 * * ? *)',
      "cron(0 8 ? * MON-FRI)": "has 5 cron fields; Application Auto Scaling takes six, [Minutes] [Hours] [Day_of_Month] [Month] [Day_of_Week] [Year], e.g. cron(0 8 ? * MON-FRI *)",
      "cron(0 24 ? * MON *)": 'is not a cron expression Application Auto Scaling accepts: Hours "24" is neither a value (0-23) nor a range, list or step of values',
      "cron(0 8 ? * 0 *)": 'is not a cron expression Application Auto Scaling accepts: Day_of_Week "0" is neither a value (1-7 or SUN-SAT) nor a range, list or step of values',
      "cron(0 8 ? 13 MON *)": 'is not a cron expression Application Auto Scaling accepts: Month "13" is neither a value (1-12 or JAN-DEC) nor a range, list or step of values',
      "cron(? 8 1 * ? *)": 'is not a cron expression Application Auto Scaling accepts: Minutes cannot be "?" (only Day_of_Month and Day_of_Week can)',
      "rate(0 minutes)": "has rate value 0; Application Auto Scaling takes a positive whole number, e.g. rate(1 hour)",
      "at(2027-02-29T08:00:00)": "is not a date and time that exists; write at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-12-24T18:00:00)",
    };
    for (const [v, message] of Object.entries(bad)) expect(SCHEDULE_EXPRESSION.check(v), v).toBe(`${message} (Application Auto Scaling PutScheduledAction Schedule)`);
  });

  it("time zones: IANA names, with the closest for a typo", () => {
    for (const v of ["UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+9", "Pacific/Tahiti", "Europe/Madrid"]) expect(TIME_ZONE.check(v), v).toBeUndefined();
    expect(TIME_ZONE.check("Europe/Madird")).toBe('is not an IANA time zone; Application Auto Scaling takes the canonical IANA names (PutScheduledAction Timezone); the closest are "Europe/Madrid", "Europe/Malta", "Europe/Paris"');
  });
});

describe("derived names are the ones the stacks send", () => {
  it("the App Mesh certificate name and the Lattice service name follow the code that makes them", () => {
    const s = { name: "orders", namespace: "shop" };
    expect(meshCertificateName(s, "v2")).toBe(versionHostname(s, "v2"));
    // The AWS Gateway API Controller: route name cut to 20, namespace to 18, hyphens trimmed at the cut.
    expect(latticeServiceName("notifications-service-api", "customer-notifications")).toBe("notifications-servic-customer-notificat");
    expect(latticeServiceName("order-history-lookup-api", "shop")).toBe("order-history-lookup-shop");
  });

  // The same configurations other test files synthesize, so the run's synthesis cache serves them.
  const cases: Array<[string, Parameters<typeof withDev>[0]]> = [
    ["dev (App Mesh)", {}],
    ["VPC Lattice", LATTICE],
    ["App Mesh with TLS", { mesh: { tls: { mode: "strict", certificateAuthorityArn: SHARED_CA } } }],
    [
      "ECS with scheduled scaling and a public ALB",
      {
        ...ECS,
        workloads: { catalog: "yelb" },
        edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "yelb.example.com", certificateArn: CERT },
        ecs: {
          capacityProviderStrategy: [
            { capacityProvider: "FARGATE", base: 1, weight: 1 },
            { capacityProvider: "FARGATE_SPOT", weight: 3 },
          ],
          scheduledScaling: { "yelb-appserver": [{ name: "peak", schedule: "cron(0 8 ? * MON-FRI *)", timezone: "America/Argentina/Buenos_Aires", minCapacity: 4, maxCapacity: 8 }] },
        },
      },
    ],
  ];
  it.each(cases)("%s: every derived value appears in the synthesized Terraform", (_name, overrides) => {
    const s = synthPlatform(withDev(overrides as never));
    const text = Object.keys(s.manifest.stacks).map((name) => JSON.stringify(s.stack(name))).join("\n");
    // The Lattice service names are made by the AWS Gateway API Controller, not by Terraform.
    const derived = checkedValues(s.config).filter((v) => v.rule.derive && v.rule.shape !== "vpc-lattice.ServiceName");
    expect(derived.length).toBeGreaterThan(3);
    for (const v of derived) expect(text.includes(JSON.stringify(v.sent)), `${v.rule.field} → ${v.rule.shape}: ${JSON.stringify(v.sent)}`).toBe(true);
  });
});

describe("the project's own enumerations are within the models'", () => {
  it("EKS AMI types, taint effects and log types; Karpenter's instance families; the default instance types", () => {
    const eks = (shape: string) => modelShape(`eks.${shape}`).enum!;
    expect(AMI_TYPES.filter((t) => !eks("AMITypes").includes(t))).toEqual([]);
    expect(TAINT_EFFECTS.filter((t) => !eks("TaintEffect").includes(t))).toEqual([]);
    expect(CONTROL_PLANE_LOG_TYPES.filter((t) => !eks("LogType").includes(t))).toEqual([]);
    const types = modelShape("ec2.InstanceType").enum!;
    expect(Object.entries(KNOWN_INSTANCE_FAMILIES).map(([f, x]) => `${f}.${x.smallest.size}`).filter((t) => !types.includes(t))).toEqual([]);
    expect(["t3.medium", ...dev.cluster.nodeGroups.general.instanceTypes].filter((t) => !types.includes(t))).toEqual([]);
  });
});

describe("EKS and EC2: node groups", () => {
  it("refuses an instance type EC2 does not have, with the closest ones", () => {
    expect(refusals(withDev({ cluster: { nodeGroups: { general: { instanceTypes: ["m7i.large", "t3.mediun"] } } } }))).toEqual([
      `cluster.nodeGroups.general.instanceTypes[1]: "t3.mediun" is not an EC2 instance type: EC2's InstanceType enumeration (botocore ${V}) has ${modelShape("ec2.InstanceType").enum!.length} values; the closest are "t3.medium", "t3a.medium", "t2.medium"`,
    ]);
    expect(refusals(withDev({ cluster: { nodeGroups: { general: { instanceTypes: ["m7i.large", "m7g.large", "c7gn.xlarge", "t4g.medium"] } } } }))).not.toContainEqual(expect.stringContaining("instance type"));
  });

  it("refuses a taint key and a label key longer than EKS takes, though Kubernetes would take them", () => {
    const key = "dedicated.payments.example.com/batch-reconciliation-nightly"; // 59: fine
    const long = "dedicated.payments.example.com/batch-reconciliation-nightly-jobs"; // 64
    expect(refusals(withDev({ cluster: { nodeGroups: { general: { labels: { [long]: "yes" } }, batch: { minSize: 0, taints: [{ key: long, value: "true", effect: "NO_SCHEDULE" }] } } } }))).toEqual([
      `cluster.nodeGroups.general.labels.${long}: "${long}" is 64 characters; EKS allows at most 63 (labelKey in the EKS API model, botocore ${V})`,
      `cluster.nodeGroups.batch.taints[0].key: "${long}" is 64 characters; EKS allows at most 63 (taintKey in the EKS API model, botocore ${V})`,
    ]);
    expect(refusals(withDev({ cluster: { nodeGroups: { general: { labels: { [key]: "yes" }, taints: [{ key, value: "true", effect: "PREFER_NO_SCHEDULE" }] } } } }))).toEqual([]);
  });

  it("gives the line of the field in a YAML environment file", () => {
    const file = path.join(scratch(), "team.yaml");
    fs.writeFileSync(
      file,
      [
        "platform: { name: team, environment: dev }",
        "edge: { insecurePlainHttpForThrowawayEnvironment: true }",
        "cluster:",
        "  nodeGroups:",
        "    general:",
        "      instanceTypes: [m7i.large, c7i.larg]",
        "",
      ].join("\n"),
    );
    expect(() => loadConfig({ PLATFORM_CONFIG: file })).toThrow(
      `line 6, cluster.nodeGroups.general.instanceTypes[1]: "c7i.larg" is not an EC2 instance type: EC2's InstanceType enumeration (botocore ${V}) has ${modelShape("ec2.InstanceType").enum!.length} values; the closest are "c7i.large", "c7i.xlarge", "c7g.large"`,
    );
  });

  it("checks every enumeration and count the node group sends (what the field schemas let through stays within EKS's)", () => {
    const c = changed(changed(dev, "cluster.supportType", "LTS"), "cluster.logging.types", ["api", "audit", "authenticator", "kubelet"]);
    const g = { ...dev.cluster.nodeGroups.general, amiType: "AL2_x86_64_GPU_OLD", capacityType: "RESERVED", minSize: -1, maxUnavailable: 0, taints: [{ key: "a", effect: "NoSchedule" }] };
    expect(awsShapeIssues(changed(c, "cluster.nodeGroups", { general: g }) as never).map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      `cluster.supportType: "LTS" is not an EKS support type: EKS's SupportType enumeration (botocore ${V}) allows "STANDARD", "EXTENDED"`,
      `cluster.logging.types.3: "kubelet" is not an EKS control-plane log type: EKS's LogType enumeration (botocore ${V}) allows "api", "audit", "authenticator", "controllerManager", "scheduler"`,
      expect.stringMatching(/^cluster\.nodeGroups\.general\.amiType: "AL2_x86_64_GPU_OLD" is not an EKS AMI type: EKS's AMITypes enumeration \(botocore [\d.]+\) has \d+ values; the closest are "AL2_x86_64_GPU"/),
      `cluster.nodeGroups.general.capacityType: "RESERVED" is not an EKS capacity type: EKS's CapacityTypes enumeration (botocore ${V}) allows "ON_DEMAND", "SPOT", "CAPACITY_BLOCK"`,
      `cluster.nodeGroups.general.taints.0.effect: "NoSchedule" is not an EKS taint effect: EKS's TaintEffect enumeration (botocore ${V}) allows "NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"`,
      `cluster.nodeGroups.general.minSize: -1 is below 0, the least EKS accepts (ZeroCapacity in the EKS API model, botocore ${V})`,
      `cluster.nodeGroups.general.maxUnavailable: 0 is below 1, the least EKS accepts (NonZeroInteger in the EKS API model, botocore ${V})`,
    ]);
  });

  it("checks the names built from platform.name and the node group's name", () => {
    const c = changed(changed(dev, "platform.name", "eks.mesh"), "cluster.nodeGroups", { "general#2": dev.cluster.nodeGroups.general });
    expect(awsShapeIssues(c as never).map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      `platform.name: "eks.mesh" makes the EKS cluster name "eks.mesh-dev", which does not fit EKS's ClusterName: letters, digits, hyphens and underscores, starting with a letter or digit (ClusterName in the EKS API model, botocore ${V}: ^[0-9A-Za-z][A-Za-z0-9\\-_]*); shorten platform.name or platform.environment`,
      `cluster.nodeGroups.general#2: "general#2" makes the launch template name "eks.mesh-dev-node-general#2", which does not fit EC2's LaunchTemplateName: 3-128 letters, digits and ( ) . - / _ (LaunchTemplateName in the EC2 API model, botocore ${V}: [a-zA-Z0-9\\(\\)\\.\\-/_]+); shorten the node group name, platform.name or platform.environment`,
    ]);
  });
});

describe("VPC Lattice", () => {
  it("refuses a service network name Lattice does not take, on the field that makes it", () => {
    expect(refusals(withDev({ ...LATTICE, mesh: { implementation: "vpc-lattice", name: "ab" } }))).toEqual([
      `mesh.name: "ab" is 2 characters; VPC Lattice needs at least 3 (ServiceNetworkName in the VPC Lattice API model, botocore ${V})`,
    ]);
    expect(refusals(withDev({ ...LATTICE, mesh: { implementation: "vpc-lattice", name: "shop--mesh" } }))).toEqual([
      `mesh.name: "shop--mesh" does not fit VPC Lattice's ServiceNetworkName: 3-63 lower-case letters, digits and hyphens, with no hyphen first, last or twice in a row (ServiceNetworkName in the VPC Lattice API model, botocore ${V}: (?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+)`,
    ]);
    expect(refusals(withDev({ platform: { name: "eks--mesh" }, ...LATTICE }))).toContain(
      `platform.name: "eks--mesh" makes the VPC Lattice service network name "eks--mesh-dev", which does not fit VPC Lattice's ServiceNetworkName: 3-63 lower-case letters, digits and hyphens, with no hyphen first, last or twice in a row (ServiceNetworkName in the VPC Lattice API model, botocore ${V}: (?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+); use single hyphens in platform.name and platform.environment, or set mesh.name`,
    );
    expect(refusals(withDev({ ...LATTICE, mesh: { implementation: "vpc-lattice", name: "shop-mesh" } }))).toEqual([]);
  });

  it("refuses a service whose Lattice service name or health check path Lattice would refuse, naming the catalog line", () => {
    const file = catalogFile(`name: shop
services:
  - name: order--api
    namespace: orders
    image: { ecr: orders, tag: "1.0.0" }
    port: 8080
    cpu: { request: 250, limit: 500 }
    memory: { request: 512, limit: 512 }
    placement: fargate
  - name: cart
    namespace: orders
    image: { ecr: cart, tag: "1.0.0" }
    port: 8080
    cpu: { request: 250, limit: 500 }
    memory: { request: 512, limit: 512 }
    placement: fargate
    healthCheckPath: "/health{ready}"
`);
    expect(refusals(withDev({ ...LATTICE, workloads: { catalog: file } }))).toEqual([
      `workloads.catalog: catalog shop.yaml:3 services.order--api.name: "order--api" makes the VPC Lattice service name "order--api-orders", which does not fit VPC Lattice's ServiceName: 3-40 lower-case letters, digits and hyphens, not starting with "svc-", with no hyphen first, last or twice in a row (ServiceName in the VPC Lattice API model, botocore ${V}: (?!svc-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+); use single hyphens in the service name and namespace`,
      `workloads.catalog: catalog shop.yaml:10 services.cart.healthCheckPath: "/health{ready}" does not fit VPC Lattice's HealthCheckPath: a path starting with / of letters, digits and @ : % _ + . ~ # ? & / = - (HealthCheckPath in the VPC Lattice API model, botocore ${V}: .*(^/[a-zA-Z0-9@:%_+.~#?&/=-]*$|(^$)).*)`,
    ]);
    // App Mesh makes no Lattice services.
    expect(refusals(withDev({ workloads: { catalog: file } }))).toEqual([]);
  });
});

describe("ACM", () => {
  it("refuses an edge domain longer than a certificate's first name may be, when the platform requests the certificate", () => {
    const domain = "checkout-and-payments.customer-portal.eu-central.shop.example.com"; // 65
    expect(refusals(withDev({ edge: { ...HTTPS.edge, domainName: domain } }))).toEqual([
      `edge.domainName: "${domain}" is 65 characters; ACM takes at most 64 for a certificate's first domain name, its Common Name (RFC 5280; RequestCertificate DomainName in the ACM API model, botocore ${V})`,
    ]);
    // A certificate of one's own (edge.certificateArn) is not requested from ACM here.
    expect(refusals(withDev({ edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: domain, certificateArn: CERT } }))).toEqual([]);
    expect(refusals(withDev(HTTPS))).toEqual([]);
  });

  it("refuses a version whose App Mesh certificate name is longer than 64", () => {
    const file = catalogFile(`name: shop
services:
  - name: notifications-dispatcher
    namespace: customer-notifications
    image: { ecr: notifications, tag: "1.0.0" }
    port: 8080
    cpu: { request: 250, limit: 500 }
    memory: { request: 512, limit: 512 }
    placement: fargate
    versions: [{ name: stable, weight: 90 }, { name: canary, weight: 10 }]
`);
    const host = "notifications-dispatcher-stable.customer-notifications.svc.cluster.local";
    expect(refusals(withDev({ mesh: { tls: { mode: "strict" } }, workloads: { catalog: file } }))).toEqual([
      `workloads.catalog: catalog shop.yaml:3 services.notifications-dispatcher.versions[0].name: "stable" makes the version's mesh certificate name "${host}", which is ${host.length} characters; ACM takes at most 64 for a certificate's first domain name, its Common Name (RFC 5280; RequestCertificate DomainName in the ACM API model, botocore ${V}); shorten the service, version or namespace name (the certificate is <service>-<version>.<namespace>.svc.cluster.local)`,
      `workloads.catalog: catalog shop.yaml:3 services.notifications-dispatcher.versions[1].name: "canary" makes the version's mesh certificate name "${host.replace("stable", "canary")}", which is ${host.length} characters; ACM takes at most 64 for a certificate's first domain name, its Common Name (RFC 5280; RequestCertificate DomainName in the ACM API model, botocore ${V}); shorten the service, version or namespace name (the certificate is <service>-<version>.<namespace>.svc.cluster.local)`,
    ]);
    expect(refusals(withDev({ workloads: { catalog: file } }))).toEqual([]);
  });
});

describe("ECS, IAM, Elastic Load Balancing and Application Auto Scaling", () => {
  it("refuses a platform name that makes the ECS public load balancer's name longer than 32", () => {
    expect(refusals(withDev({ ...ECS, platform: { ...ECS.platform, name: "customer-portal", environment: "staging" } }))).toEqual([
      `platform.name: "customer-portal" makes the public load balancer's name "customer-portal-staging-ecs-public", which is 34 characters; Elastic Load Balancing allows at most 32 in a load balancer name (CreateLoadBalancer Name in the Elastic Load Balancing v2 API model, botocore ${V}); shorten platform.name or platform.environment`,
    ]);
    expect(refusals(withDev({ ...ECS, platform: { ...ECS.platform, name: "portal", environment: "staging" } }))).toEqual([]);
  });

  it("refuses a service name that makes its ECS task role name longer than IAM takes", () => {
    const file = catalogFile(`name: shop
services:
  - name: customer-notification-dispatcher
    namespace: shop
    image: { ecr: notify, tag: "1.0.0" }
    port: 8080
    cpu: { request: 250, limit: 500 }
    memory: { request: 512, limit: 512 }
    placement: fargate
`);
    const role = "customer-portal-staging-ecs-customer-notification-dispatcher-task";
    expect(refusals(withDev({ platform: { name: "customer-portal", environment: "staging", orchestrator: "ecs" }, workloads: { catalog: file } }))).toEqual([
      `workloads.catalog: catalog shop.yaml:3 services.customer-notification-dispatcher.name: "customer-notification-dispatcher" makes the ECS task role name "${role}", which is ${role.length} characters; IAM allows at most 64 (roleNameType in the IAM API model, botocore ${V}); shorten the service name, platform.name or platform.environment`,
    ]);
    // On EKS the service's role is <prefix>-svc-<name>: 64 at most, which IAM takes.
    expect(refusals(withDev({ platform: { name: "customer-portal", environment: "staging" }, workloads: { catalog: file } }))).toEqual([]);
  });

  it("refuses schedules and time zones Application Auto Scaling would refuse", () => {
    const at = (schedule: string, timezone = "UTC") => ({ ...ECS, ecs: { scheduledScaling: { frontend: [{ name: "peak", schedule, timezone, minCapacity: 2, maxCapacity: 4 }] } } });
    expect(refusals(withDev(at("cron(0 8 * * MON-FRI *)", "Europe/Berln") as never))).toEqual([
      'ecs.scheduledScaling.frontend[0].schedule: "cron(0 8 * * MON-FRI *)" names both Day_of_Month ("*") and Day_of_Week ("MON-FRI"); Application Auto Scaling takes "?" in exactly one of them, e.g. cron(0 8 ? * MON-FRI *) (Application Auto Scaling PutScheduledAction Schedule)',
      'ecs.scheduledScaling.frontend[0].timezone: "Europe/Berln" is not an IANA time zone; Application Auto Scaling takes the canonical IANA names (PutScheduledAction Timezone); the closest are "Europe/Berlin", "Europe/Dublin", "Europe/Jersey"',
    ]);
    expect(refusals(withDev(at("cron(0 8 ? * MON-FRI *)", "America/Argentina/Buenos_Aires") as never))).toEqual([]);
    expect(refusals(withDev(at("rate(15 minutes)") as never))).toEqual([]);
  });

  it("checks the ECS capacity provider's instance type only when a service runs on EC2", () => {
    const file = catalogFile(`name: shop
services:
  - name: worker
    namespace: shop
    image: { ecr: worker, tag: "1.0.0" }
    port: 8080
    cpu: { request: 250, limit: 500 }
    memory: { request: 512, limit: 512 }
    placement: ec2
`);
    expect(refusals(withDev({ ...ECS, ecs: { ec2: { instanceType: "m7i.lrage" } }, workloads: { catalog: file } } as never))).toEqual([
      `ecs.ec2.instanceType: "m7i.lrage" is not an EC2 instance type: EC2's InstanceType enumeration (botocore ${V}) has ${modelShape("ec2.InstanceType").enum!.length} values; the closest are "m7i.large", "m7i.xlarge", "m7g.large"`,
    ]);
    // No service on EC2: no capacity provider, so the type is never sent.
    const fargateOnly = catalogFile(fs.readFileSync(file, "utf8").replace("placement: ec2", "placement: fargate"));
    expect(refusals(withDev({ ...ECS, ecs: { ec2: { instanceType: "m7i.lrage" } }, workloads: { catalog: fargateOnly } } as never))).toEqual([]);
  });

  it("checks the capacity provider strategy and the scheduled action names against their shapes", () => {
    const c = parseConfig(withDev({ ...ECS, ecs: { scheduledScaling: { frontend: [{ name: "peak", schedule: "rate(1 hour)", minCapacity: 1, maxCapacity: 2 }] } } } as never), "t");
    const bad = changed(changed(c, "ecs.capacityProviderStrategy", [{ capacityProvider: "FARGATE", weight: 1001, base: 0.5 }]), "ecs.scheduledScaling", { frontend: [{ ...c.ecs.scheduledScaling.frontend[0], name: "peak:hours" }] });
    expect(awsShapeIssues(bad as never).map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      `ecs.capacityProviderStrategy.0.weight: 1001 is above 1000, the most ECS accepts (CapacityProviderStrategyItemWeight in the ECS API model, botocore ${V})`,
      `ecs.capacityProviderStrategy.0.base: 0.5 is not a whole number; ECS takes one here (CapacityProviderStrategyItemBase in the ECS API model, botocore ${V})`,
      `ecs.scheduledScaling.frontend.0.name: "peak:hours" makes the scheduled action name "frontend-v1-peak:hours", which does not fit Application Auto Scaling's ScheduledActionName: 1-256 characters without : / | or control characters, not starting or ending with a space (ScheduledActionName in the Application Auto Scaling API model, botocore ${V}: (?!((^[ ]+.*)|(.*([\\u0000-\\u001f]|[\\u007f-\\u009f]|[:/|])+.*)|(.*[ ]+$))).+); shorten the action's name`,
    ]);
  });
});

describe("DynamoDB, CloudWatch Logs, AWS WAF, Route 53, EC2 flow logs", () => {
  it("checks the names and values the field schemas already bound, so a schema loosened later cannot let AWS refuse them", () => {
    const table = { partitionKey: { name: "", type: "S" }, billing: "provisioned", readCapacity: 0, writeCapacity: 5 };
    let c = changed(dev, "workloads.app", { ...dev.workloads.app, tables: { "orders#2026": table } });
    c = changed(c, "cluster.fargateProfiles", { apps: { selectors: [{ namespace: "shop ops" }] } });
    const zone = "Z0123456789ABCDEFGHIJKLMNOPQRSTUVW"; // 34
    c = changed(c, "edge", { ...c.edge, hostedZoneId: zone, tls: { mode: "https", certificate: { create: true, hostedZoneId: zone }, aliasZoneId: zone }, waf: { ...c.edge.waf, enabled: true, rateLimitPer5Minutes: 5 } });
    c = changed(c, "network.flowLogs.trafficType", "DENY");
    c = changed(c, "state", { backend: "s3", dynamodbTable: "tf" });
    expect(awsShapeIssues(c as never).map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      `network.flowLogs.trafficType: "DENY" is not a flow log traffic type: EC2's TrafficType enumeration (botocore ${V}) allows "ACCEPT", "REJECT", "ALL"`,
      `edge.waf.rateLimitPer5Minutes: 5 is below 10, the least AWS WAF accepts (RateLimit in the AWS WAF API model, botocore ${V})`,
      `edge.hostedZoneId: "Z0123456789ABCDEFGHIJKLMNOPQRSTUVW" is 34 characters; Route 53 allows at most 32 (ResourceId in the Route 53 API model, botocore ${V})`,
      `workloads.catalog: catalog "reference" (apps/reference.ts) tables.orders#2026: "orders#2026" makes the DynamoDB table name "eksmesh-dev-orders#2026", which does not fit DynamoDB's TableName: 3-255 letters, digits and _ . - (TableName in the DynamoDB API model, botocore ${V}: [a-zA-Z0-9_.-]+); shorten the table name, platform.name or platform.environment`,
      `workloads.catalog: catalog "reference" (apps/reference.ts) tables.orders#2026.partitionKey.name: "" is empty; DynamoDB needs at least 1 (KeySchemaAttributeName in the DynamoDB API model, botocore ${V})`,
      `workloads.catalog: catalog "reference" (apps/reference.ts) tables.orders#2026.readCapacity: 0 is below 1, the least DynamoDB accepts (PositiveLongObject in the DynamoDB API model, botocore ${V})`,
      `state.dynamodbTable: "tf" is 2 characters; DynamoDB needs at least 3 (TableName in the DynamoDB API model, botocore ${V})`,
      `cluster.fargateProfiles.apps.selectors.0.namespace: "shop ops" makes the Fargate log group name "/eksmesh/dev/fargate/shop ops", which does not fit CloudWatch Logs' LogGroupName: 1-512 letters, digits and . - _ / # (LogGroupName in the CloudWatch Logs API model, botocore ${V}: [\\.\\-_/#A-Za-z0-9]+); shorten the namespace`,
    ]);
  });

  it("suggests the closest values of a large enumeration, nearest and longest shared start first", () => {
    const types = modelShape("ec2.InstanceType").enum!;
    expect(closest("r7g.2xlage", types, 3)).toEqual(["r7g.2xlarge", "r7g.xlarge", "r7g.4xlarge"]);
    expect(closest("completely-wrong", types, 3)).toEqual([]);
  });
});
