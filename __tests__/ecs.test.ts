import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import { buildPlatform } from "../stacks/app";
import { EMPTY_STATE_FILE, planStandInsFromEnv } from "../stacks/synth/plan-stand-ins";
import { ECS_CLUSTER_OUTPUTS } from "../stacks/contracts";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { parseConfig } from "../config/load";
import { CATALOGS, resolveCatalog, type CatalogInput, type ResolvedCatalog } from "../apps/catalog";
import { checkEcs, ecsLaunch, ecsWarnings, formatEcsWarning, primaryVersion } from "../config/schema/ecs-checks";
import { ecsSchema } from "../config/schema/ecs";
import { cpuUnits, ecsTaskDemand, tryEcsFargateSize } from "../placement/ecs-sizing";
import { ECS_AL2023_AMI_PARAMETER } from "../stacks/ecs-cluster/ec2-capacity";
import { pathPatterns, PublicLoadBalancer } from "../stacks/ecs-services/load-balancer";
import { ALB_TLS_POLICIES } from "../config/schema/edge";
import { callersOf } from "../stacks/ecs-services/stack";
import { parseManifest, stackOrder } from "../ops/stack-order";
import { extractSynthWarnings } from "../ops/synth-warnings";
import { synthPlatform, withDev, type Synthesized } from "./support/synth";

const ECS = { platform: { orchestrator: "ecs" } } as const;
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab";

function ecs(overrides: Record<string, unknown> = {}): Synthesized {
  return synthPlatform(withDev({ ...ECS, ...overrides } as never));
}

function resolved(input: CatalogInput): ResolvedCatalog {
  const { catalog, issues } = resolveCatalog(input);
  if (!catalog) throw new Error(JSON.stringify(issues));
  return catalog;
}

function refusals(configInput: unknown): string {
  try {
    parseConfig(configInput, "test config");
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

/** Collects checkEcs issues for a catalog without going through the shipped catalog files. */
function ecsIssues(catalog: ResolvedCatalog, ecsInput: unknown = {}): string[] {
  const issues: string[] = [];
  const ctx = { addIssue: (i: { path: (string | number)[]; message: string }) => issues.push(`${i.path.join(".")}: ${i.message}`) } as never;
  checkEcs({ platform: { orchestrator: "ecs" }, mesh: { tls: { mode: "off" } }, network: { natGateways: "single", vpcEndpoints: { logs: true } }, ecs: ecsSchema.parse(ecsInput), workloads: { catalog: "reference", app: catalog, origin: { label: 'catalog "reference" (apps/reference.ts)', file: "apps/reference.ts", serviceLines: {} } } }, ctx);
  return issues;
}

const reference = ecs();
const yelb = ecs({
  workloads: { catalog: "yelb" },
  edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "yelb.example.com", certificateArn: CERT },
  ecs: {
    capacityProviderStrategy: [
      { capacityProvider: "FARGATE", base: 1, weight: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ],
    scheduledScaling: { "yelb-appserver": [{ name: "peak", schedule: "cron(0 8 ? * MON-FRI *)", timezone: "America/Argentina/Buenos_Aires", minCapacity: 4, maxCapacity: 8 }] },
  },
});

describe("platform.orchestrator", () => {
  it("defaults to eks: the four EKS stacks, no ECS stack", () => {
    expect(parseConfig(withDev(), "t").platform.orchestrator).toBe("eks");
  });

  it("refuses an unknown orchestrator naming the choices", () => {
    expect(refusals(withDev({ platform: { orchestrator: "nomad" } } as never))).toContain('platform.orchestrator: "nomad" is not an orchestrator; use one of eks, ecs');
  });

  it('"ecs" synthesizes network, ecs-cluster and ecs-services, in that order, and nothing of EKS', () => {
    const stacks = reference.manifest.stacks;
    expect(Object.keys(stacks).sort()).toEqual(["ecs-cluster", "ecs-services", "network"]);
    expect(stacks["ecs-cluster"].dependencies).toEqual(["network"]);
    expect(stacks["ecs-services"].dependencies).toEqual(["network", "ecs-cluster"]);
  });

  it("deploy:all and destroy:all take the ECS order from the manifest", () => {
    const manifest = parseManifest(reference.manifest);
    expect(stackOrder(manifest)).toEqual(["network", "ecs-cluster", "ecs-services"]);
    expect(stackOrder(manifest, { reverse: true })).toEqual(["ecs-services", "ecs-cluster", "network"]);
  });

  it("pull-request plans: stand-ins for an unapplied ecs-cluster, typed by its contract", () => {
    const config = parseConfig(withDev(ECS as never), "t");
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-stand-ins-"));
    const app = new App({ outdir });
    buildPlatform(app, config, { planStandIns: planStandInsFromEnv({ PLATFORM_PLAN_STANDINS: "true", PLATFORM_PLAN_UNAPPLIED: "ecs-cluster" }) });
    app.synth();
    const remote = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "ecs-services", "cdk.tf.json"), "utf8")).data.terraform_remote_state;
    expect(remote["remote-state-ecs-cluster"]).toMatchObject({ backend: "local", config: { path: `../../../${EMPTY_STATE_FILE}` } });
    expect(Object.keys(remote["remote-state-ecs-cluster"].defaults).sort()).toEqual(Object.values(ECS_CLUSTER_OUTPUTS).map((o) => o.name).sort());
    expect(remote["remote-state-network"].config).toEqual({ path: "../../../state/dev/network.tfstate" });
  });

  it("the ECS stacks read upstream outputs from the producers' state, by name", () => {
    const remote = reference.data("ecs-services", "terraform_remote_state");
    expect(Object.keys(remote).sort()).toEqual(["remote-state-ecs-cluster", "remote-state-network"]);
    const svc = reference.resource("ecs-services", "aws_ecs_service", "service-service-user-v1");
    expect(svc.cluster).toBe("${data.terraform_remote_state.remote-state-ecs-cluster.outputs.ecs_cluster_arn}");
    expect(svc.network_configuration.subnets).toBe("${data.terraform_remote_state.remote-state-network.outputs.private_subnet_ids}");
    expect(Object.keys(reference.stack("ecs-cluster").output ?? {})).toEqual(
      expect.arrayContaining(["ecs_cluster_name", "ecs_cluster_arn", "service_connect_namespace_arn", "ec2_capacity_provider_name"]),
    );
  });
});

describe("ecs defaults", () => {
  it("resolve to a Fargate cluster with rolling deployments and a year of logs", () => {
    expect(parseConfig(withDev(ECS as never), "t").ecs).toEqual({
      containerInsights: "enabled",
      capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
      ec2: { instanceType: "t3.medium", minSize: 1, maxSize: 3, diskSizeGiB: 30, targetCapacityPercent: 100 },
      deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
      logRetentionDays: 365,
      scheduledScaling: {},
      loadBalancer: { deletionProtection: false },
    });
  });

  it("a catalog with no ec2 service gets no EC2 capacity provider, and empty EC2 outputs", () => {
    const config = parseConfig(withDev(ECS as never), "t");
    const services = config.workloads.app.services.map((s) => ({ ...s, requestedPlacement: "fargate" as const, placement: "fargate" as const }));
    const fargateOnly = { ...config, workloads: { ...config.workloads, app: { ...config.workloads.app, services } } };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-fargate-only-"));
    const app = new App({ outdir });
    buildPlatform(app, fargateOnly);
    app.synth();
    const cluster = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "ecs-cluster", "cdk.tf.json"), "utf8"));
    expect(cluster.resource.aws_ecs_capacity_provider).toBeUndefined();
    expect(cluster.resource.aws_autoscaling_group).toBeUndefined();
    expect(cluster.resource.aws_ecs_cluster_capacity_providers["capacity-providers"].capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
    expect(cluster.output.ec2_capacity_provider_name.value).toBe("");
    const frontend = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "ecs-services", "cdk.tf.json"), "utf8")).resource.aws_ecs_task_definition["task-frontend-v1"];
    expect(frontend.requires_compatibilities).toEqual(["FARGATE"]);
  });
});

describe("ecs config refusals", () => {
  it("a scheduled action for a service the catalog does not have", () => {
    expect(refusals(withDev({ ...ECS, ecs: { scheduledScaling: { payments: [{ name: "peak", schedule: "rate(1 hour)", minCapacity: 1, maxCapacity: 2 }] } } } as never))).toContain(
      'ecs.scheduledScaling.payments: the "reference" catalog has no service "payments"; it has frontend, service-user, service-registro, service-chat',
    );
  });

  it("a schedule Application Auto Scaling would reject, and min above max", () => {
    const msg = refusals(withDev({ ...ECS, ecs: { scheduledScaling: { frontend: [{ name: "peak", schedule: "every morning", minCapacity: 5, maxCapacity: 2 }] } } } as never));
    expect(msg).toContain('"every morning" is not a schedule Application Auto Scaling accepts; write cron(0 8 ? * MON-FRI *), rate(1 hour) or at(2026-12-24T18:00:00)');
    expect(msg).toContain("ecs.scheduledScaling.frontend[0].minCapacity: minCapacity must not exceed maxCapacity");
  });

  it("a capacity provider strategy ECS would reject", () => {
    expect(refusals(withDev({ ...ECS, ecs: { capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }, { capacityProvider: "FARGATE", weight: 2 }] } } as never))).toContain(
      "ecs.capacityProviderStrategy: each capacity provider may appear once",
    );
    expect(refusals(withDev({ ...ECS, ecs: { capacityProviderStrategy: [{ capacityProvider: "EC2", weight: 1 }] } } as never))).toContain(
      '"EC2" is not a Fargate capacity provider; use FARGATE or FARGATE_SPOT',
    );
  });

  it("no NAT: refused while the EC2 capacity provider needs ECS endpoints, and without the logs endpoint", () => {
    const endpoints = { s3: true, ecr: true, sts: true };
    expect(refusals(withDev({ ...ECS, network: { natGateways: "none", vpcEndpoints: { ...endpoints, logs: true } } } as never))).toContain(
      'network.natGateways: "none" leaves the ECS container instances for frontend no way to register with ECS (the ecs, ecs-agent and ecs-telemetry endpoints, which the network stack does not create); use "single" or "per-az" with platform.orchestrator "ecs"',
    );
    const fargateOnly = resolved({ name: "t", services: [{ ...CATALOGS.reference.services[1], tables: {} }] });
    const issues: string[] = [];
    const ctx = { addIssue: (i: { path: (string | number)[]; message: string }) => issues.push(`${i.path.join(".")}: ${i.message}`) } as never;
    checkEcs({ platform: { orchestrator: "ecs" }, mesh: { tls: { mode: "off" } }, network: { natGateways: "none", vpcEndpoints: { logs: false } }, ecs: ecsSchema.parse({}), workloads: { catalog: "reference", app: fargateOnly, origin: { label: 'catalog "reference" (apps/reference.ts)', file: "apps/reference.ts", serviceLines: {} } } }, ctx);
    expect(issues).toEqual(['network.vpcEndpoints.logs: is false with natGateways "none": ECS tasks send their logs to CloudWatch Logs, which they could not reach; set network.vpcEndpoints.logs to true']);
  });

  it("mesh TLS, which ECS does not build, is refused rather than dropped", () => {
    expect(refusals(withDev({ ...ECS, mesh: { tls: { mode: "strict" } } } as never))).toContain(
      'mesh.tls.mode: "strict" encrypts the traffic between Envoy sidecars on EKS; on ECS, Service Connect TLS (with AWS Private CA) is not built by this platform yet; set mesh.tls.mode to "off" with platform.orchestrator "ecs", or stay on "eks"',
    );
  });

  it("the ALB's certificate comes from the shared edge section, not from an ECS field", () => {
    expect(refusals(withDev({ ...ECS, ecs: { loadBalancer: { certificateArn: CERT } } } as never))).toContain("ecs.loadBalancer.certificateArn: unknown key");
  });

  const base = CATALOGS.reference.services[1];
  it("a GPU service is refused naming the service and field", () => {
    const cat = resolved({ name: "t", services: [{ ...base, tables: {}, placement: "ec2", constraints: { gpu: true } }] });
    expect(ecsIssues(cat)).toEqual([
      'workloads.catalog: catalog "reference" (apps/reference.ts) services.service-user.constraints.gpu: the ECS EC2 capacity provider runs t3.medium instances without GPUs; run this catalog with platform.orchestrator "eks" or drop the GPU need',
    ]);
  });

  it("a Fargate service larger than the largest Fargate task is refused; on EC2 it is not", () => {
    const big = { ...base, tables: {}, cpu: { request: 16_000, limit: 16_000 }, memory: { request: 1024, limit: 1024 } };
    expect(ecsIssues(resolved({ name: "t", services: [big] }))).toEqual([
      'workloads.catalog: catalog "reference" (apps/reference.ts) services.service-user.cpu.request/memory.request: 16000m and 1024Mi plus the Service Connect proxy exceed the largest Fargate task (16 vCPU / 120 GB); lower the requests or place the service on "ec2"',
    ]);
    expect(ecsIssues(resolved({ name: "t", services: [{ ...big, placement: "ec2" }] }))).toEqual([]);
  });

  it("the shipped catalogs pass", () => {
    expect(ecsIssues(resolved(CATALOGS.reference))).toEqual([]);
    expect(ecsIssues(resolved(CATALOGS.yelb))).toEqual([]);
  });
});

describe("what ECS cannot honour is warned, naming service and field", () => {
  it("yelb: the internal 50/50 canary, the retry policy and the unprobed health path", () => {
    const lines = ecsWarnings(resolved(CATALOGS.yelb)).map(formatEcsWarning);
    expect(lines).toContain(
      "WARNING: ECS: services.yelb-appserver.versions: weights v1=50, v2=50 cannot be split for internal calls on ECS: Service Connect sends a name to one ECS service, so v1 takes every call to yelb-appserver and yelb-appserver-v2 answers only by its own name; on EKS the mesh splits by weight",
    );
    expect(lines).toContain(
      "WARNING: ECS: services.yelb-appserver.retryPolicy: 2 retries of 2000 ms are not applied on ECS: Service Connect has no per-route retry setting; callers must retry themselves",
    );
    expect(ecsWarnings(resolved(CATALOGS.yelb)).filter((w) => w.field === "healthCheckPath").map((w) => w.service)).toEqual(["yelb-appserver"]);
  });

  it("reference: the frontend's node selector and the internal APIs' health paths", () => {
    const warnings = ecsWarnings(resolved(CATALOGS.reference));
    expect(warnings.map((w) => `${w.service}.${w.field}`)).toEqual(["frontend.nodeSelector", "service-user.healthCheckPath", "service-registro.healthCheckPath", "service-chat.healthCheckPath"]);
  });

  it("the warnings reach the pull-request plan comment like the other synth warnings", () => {
    const lines = ecsWarnings(resolved(CATALOGS.yelb)).map(formatEcsWarning);
    expect(extractSynthWarnings(`Synthesizing\n${lines.join("\n")}\nSynthesized cdktf.out\n`)).toEqual(lines);
  });

  it("a public canary is split by the ALB, so it is not warned", () => {
    const ui = { ...CATALOGS.yelb.services[0], dependsOn: [], versions: [{ name: "v1", weight: 90 }, { name: "v2", weight: 10 }] };
    expect(ecsWarnings(resolved({ name: "t", services: [ui] })).map((w) => w.field)).not.toContain("versions");
  });
});

describe("sizing: the cost model's Fargate table, without the 256 MiB EKS adds", () => {
  it("maps millicores to CPU units and rounds tasks up to valid sizes", () => {
    expect(cpuUnits(240)).toBe(246);
    expect(cpuUnits(1000)).toBe(1024);
    // 240m + proxy 256 units = 502 units, 512 + 64 MiB = 576 MiB → 0.5 vCPU / 1 GB.
    expect(tryEcsFargateSize(ecsTaskDemand({ cpuMillicores: 240, memoryMiB: 512 }))).toEqual({ vcpu: 0.5, memoryGiB: 1 });
    // 100m / 128Mi → 359 units, 192 MiB → 0.5 vCPU / 1 GB (0.25 vCPU holds only 256 units).
    expect(tryEcsFargateSize(ecsTaskDemand({ cpuMillicores: 100, memoryMiB: 128 }))).toEqual({ vcpu: 0.5, memoryGiB: 1 });
    expect(tryEcsFargateSize({ cpuUnits: 256, memoryMiB: 512 })).toEqual({ vcpu: 0.25, memoryGiB: 0.5 });
    expect(tryEcsFargateSize({ cpuUnits: 20_000, memoryMiB: 512 })).toBeUndefined();
  });
});

describe("ecs-cluster stack", () => {
  it("a cluster with Container Insights and the Service Connect namespace as its default", () => {
    const c = reference.resource("ecs-cluster", "aws_ecs_cluster", "cluster");
    expect(c.name).toBe("eksmesh-dev");
    expect(c.setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
    expect(c.service_connect_defaults.namespace).toBe("${aws_service_discovery_http_namespace.service-connect-namespace.arn}");
  });

  it("FARGATE, FARGATE_SPOT and the EC2 provider, with the default strategy from config", () => {
    const cp = reference.resource("ecs-cluster", "aws_ecs_cluster_capacity_providers", "capacity-providers");
    expect(cp.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT", "${aws_ecs_capacity_provider.ec2-capacity-provider.name}"]);
    expect(cp.default_capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE", weight: 1, base: 0 }]);
    const spot = yelb.resource("ecs-cluster", "aws_ecs_cluster_capacity_providers", "capacity-providers");
    expect(spot.default_capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 1, base: 1 },
      { capacity_provider: "FARGATE_SPOT", weight: 3, base: 0 },
    ]);
  });

  it("EC2 capacity: AL2023 ECS AMI looked up, IMDSv2, encrypted disk, no SSH, managed scaling and termination protection", () => {
    expect(reference.data("ecs-cluster", "aws_ssm_parameter")["ecs-al2023-ami"].name).toBe(ECS_AL2023_AMI_PARAMETER);
    const lt = reference.resource("ecs-cluster", "aws_launch_template", "ecs-instance-launch-template");
    expect(lt.image_id).toBe("${data.aws_ssm_parameter.ecs-al2023-ami.value}");
    expect(lt.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings[0].ebs).toMatchObject({ encrypted: "true", volume_type: "gp3", volume_size: 30 });
    expect(lt.key_name).toBeUndefined();
    expect(lt.instance_type).toBe("t3.medium");
    const sg = reference.resource("ecs-cluster", "aws_security_group", "ecs-instance-security-group");
    expect(sg.ingress).toBeUndefined();
    const asg = reference.resource("ecs-cluster", "aws_autoscaling_group", "ecs-instance-group");
    expect(asg.protect_from_scale_in).toBe(true);
    expect(asg.vpc_zone_identifier).toBe("${data.terraform_remote_state.remote-state-network.outputs.private_subnet_ids}");
    const cp = reference.resource("ecs-cluster", "aws_ecs_capacity_provider", "ec2-capacity-provider");
    expect(cp.auto_scaling_group_provider).toMatchObject({ managed_termination_protection: "ENABLED", managed_scaling: { status: "ENABLED", target_capacity: 100 } });
  });
});

describe("ecs-services stack: tasks", () => {
  const task = (s: Synthesized, id: string) => {
    const t = s.resource("ecs-services", "aws_ecs_task_definition", id);
    return { t, c: JSON.parse(t.container_definitions)[0] };
  };

  it("Fargate tasks: awsvpc, sized from the requests, read-only root, non-root, capabilities dropped, logs to CloudWatch", () => {
    const { t, c } = task(reference, "task-service-chat-v1");
    expect(t).toMatchObject({ network_mode: "awsvpc", requires_compatibilities: ["FARGATE"], cpu: "512", memory: "1024", family: "eksmesh-dev-ecs-service-chat-v1" });
    expect(c).toMatchObject({ cpu: 246, memoryReservation: 512, readonlyRootFilesystem: true, user: "10001", privileged: false, linuxParameters: { capabilities: { drop: ["ALL"] } } });
    expect(c.logConfiguration).toEqual({ logDriver: "awslogs", options: { "awslogs-group": "${aws_cloudwatch_log_group.log-group-service-chat.name}", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "v1" } });
    expect(c.mountPoints).toEqual([{ sourceVolume: "writable-0", containerPath: "/tmp", readOnly: false }]);
    expect(t.volume).toEqual([{ name: "writable-0" }]);
    const group = reference.resource("ecs-services", "aws_cloudwatch_log_group", "log-group-service-chat");
    expect(group).toMatchObject({ name: "/eksmesh/dev/ecs/service-chat", retention_in_days: 365, kms_key_id: "${aws_kms_key.task-logs-key.arn}" });
  });

  it("the catalog's ec2 service runs on the EC2 capacity provider", () => {
    expect(task(reference, "task-frontend-v1").t.requires_compatibilities).toEqual(["EC2"]);
    const svc = reference.resource("ecs-services", "aws_ecs_service", "service-frontend-v1");
    expect(svc.capacity_provider_strategy).toEqual([{ capacity_provider: "${data.terraform_remote_state.remote-state-ecs-cluster.outputs.ec2_capacity_provider_name}", weight: 1, base: 0 }]);
    expect(svc.platform_version).toBeUndefined();
  });

  it("a port below 1024 opens to the non-root user, as the pod's sysctl does on EKS", () => {
    expect(task(yelb, "task-yelb-ui-v1").c.systemControls).toEqual([{ namespace: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    expect(task(yelb, "task-yelb-db-v1").c.systemControls).toBeUndefined();
  });

  it("the task role holds exactly the catalog's table access; the execution role exactly pulling and logging", () => {
    const docs = reference.data("ecs-services", "aws_iam_policy_document");
    const chat = docs["service-chat-task-policy"].statement;
    expect(chat.map((s: { sid: string }) => s.sid)).toEqual(["TableMessagesReadwrite", "TableUsersRead", "TableKeyThroughDynamoDbOnly"]);
    expect(chat[1].resources).toEqual(["${aws_dynamodb_table.table-users.arn}", "${aws_dynamodb_table.table-users.arn}/index/*"]);
    expect(docs["frontend-task-policy"]).toBeUndefined();
    const exec = docs["service-chat-execution-policy"].statement;
    expect(exec).toEqual([
      { sid: "EcrLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      { sid: "PullOwnImages", actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: ["${aws_ecr_repository.repository-service-chat.arn}"] },
      { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: ["${aws_cloudwatch_log_group.log-group-service-chat.arn}:*"] },
    ]);
    // External images: nothing to pull from ECR, so no ECR permission at all.
    expect(yelb.data("ecs-services", "aws_iam_policy_document")["redis-server-execution-policy"].statement.map((s: { sid: string }) => s.sid)).toEqual(["WriteOwnLogs"]);
    const trust = docs["service-chat-task-trust"].statement[0];
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }]);
    expect(trust.condition.map((c: { variable: string }) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
  });
});

describe("ecs-services stack: services, networking, scaling", () => {
  it("deployment configuration with the circuit breaker and rollback, private subnets, no public IP", () => {
    const svc = reference.resource("ecs-services", "aws_ecs_service", "service-service-user-v1");
    expect(svc).toMatchObject({
      name: "service-user-v1",
      desired_count: 2,
      deployment_maximum_percent: 200,
      deployment_minimum_healthy_percent: 100,
      deployment_circuit_breaker: { enable: true, rollback: true },
      platform_version: "LATEST",
      capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
      lifecycle: { ignore_changes: ["desired_count"] },
    });
    expect(svc.network_configuration.assign_public_ip).toBe(false);
  });

  it("a changed capacity provider strategy can be planned: every service starts a new deployment on update", () => {
    // Without it the AWS provider's plan fails: "force_new_deployment should be true when
    // capacity_provider_strategy is being updated" (found by npm run test:terraform).
    const spot = ecs({ ecs: { capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }] } });
    for (const s of [reference, spot]) {
      for (const svc of Object.values(s.stack("ecs-services").resource!.aws_ecs_service as Record<string, { force_new_deployment?: boolean }>)) {
        expect(svc.force_new_deployment).toBe(true);
      }
    }
  });

  it("Service Connect under the names callers use on EKS; canary versions under their own names", () => {
    const sc = (s: Synthesized, id: string) => s.resource("ecs-services", "aws_ecs_service", id).service_connect_configuration;
    expect(sc(reference, "service-service-user-v1").service).toEqual([{ port_name: "app", discovery_name: "service-user", client_alias: { port: 8080, dns_name: "service-user.apiuser.svc.cluster.local" } }]);
    expect(CATALOGS.reference.services[0].env!.LOGIN_API_URL).toBe("http://service-user.apiuser.svc.cluster.local:8080");
    expect(sc(yelb, "service-yelb-appserver-v1").service[0]).toMatchObject({ discovery_name: "yelb-appserver", client_alias: { dns_name: "yelb-appserver.yelb.svc.cluster.local" } });
    expect(sc(yelb, "service-yelb-appserver-v2").service[0]).toMatchObject({ discovery_name: "yelb-appserver-v2", client_alias: { dns_name: "yelb-appserver-v2.yelb.svc.cluster.local" } });
    expect(primaryVersion({ versions: [{ name: "a", weight: 10 }, { name: "b", weight: 90 }] })).toBe("b");
  });

  it("callers start after what they call (Service Connect resolves only endpoints that exist)", () => {
    const deps = reference.resource("ecs-services", "aws_ecs_service", "service-frontend-v1").depends_on;
    expect(deps).toEqual(["aws_lb_listener_rule.listener-rule-frontend", "aws_ecs_service.service-service-user-v1", "aws_ecs_service.service-service-registro-v1", "aws_ecs_service.service-service-chat-v1"]);
  });

  it("each security group admits only its callers (and the ALB for public services)", () => {
    const ingress = Object.values(reference.resources("ecs-services", "aws_vpc_security_group_ingress_rule"));
    const sources = (svc: string) =>
      ingress
        .filter((r) => r.security_group_id === `\${aws_security_group.security-group-${svc}.id}`)
        .map((r) => [r.referenced_security_group_id, r.from_port, r.cidr_ipv4])
        .sort();
    expect(sources("service-user")).toEqual([["${aws_security_group.security-group-frontend.id}", 8080, undefined]]);
    expect(sources("frontend")).toEqual([["${aws_security_group.alb-security-group.id}", 8080, undefined]]);
    expect(ingress.filter((r) => r.cidr_ipv4 !== undefined).map((r) => r.security_group_id)).toEqual(["${aws_security_group.alb-security-group.id}"]);
    expect(callersOf(resolved(CATALOGS.yelb).services).get("redis-server")).toEqual(["yelb-appserver"]);
  });

  it("target tracking on CPU between the catalog's replica bounds, and the scheduled peak hours", () => {
    const target = yelb.resource("ecs-services", "aws_appautoscaling_target", "scaling-target-yelb-appserver-v2");
    expect(target).toMatchObject({ service_namespace: "ecs", scalable_dimension: "ecs:service:DesiredCount", min_capacity: 2, max_capacity: 4 });
    expect(target.resource_id).toBe("service/${data.terraform_remote_state.remote-state-ecs-cluster.outputs.ecs_cluster_name}/${aws_ecs_service.service-yelb-appserver-v2.name}");
    const policy = yelb.resource("ecs-services", "aws_appautoscaling_policy", "cpu-tracking-yelb-appserver-v2");
    expect(policy.policy_type).toBe("TargetTrackingScaling");
    expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: 70, predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } });
    const actions = yelb.resources("ecs-services", "aws_appautoscaling_scheduled_action");
    expect(Object.keys(actions).sort()).toEqual(["schedule-yelb-appserver-v1-peak", "schedule-yelb-appserver-v2-peak"]);
    expect(actions["schedule-yelb-appserver-v1-peak"]).toMatchObject({ schedule: "cron(0 8 ? * MON-FRI *)", timezone: "America/Argentina/Buenos_Aires", scalable_target_action: { min_capacity: "4", max_capacity: "8" } });
    expect(reference.resources("ecs-services", "aws_appautoscaling_scheduled_action")).toEqual({});
  });
});

describe("the public ALB", () => {
  it("without a certificate: HTTP on 80 with a rule per public path and a 404 default", () => {
    const http = reference.resource("ecs-services", "aws_lb_listener", "public-http");
    expect(http).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(http.default_action[0].fixed_response.status_code).toBe("404");
    const rule = reference.resource("ecs-services", "aws_lb_listener_rule", "listener-rule-frontend");
    expect(rule.listener_arn).toBe("${aws_lb_listener.public-http.arn}");
    expect(rule.condition).toEqual([{ path_pattern: { values: ["/*"] } }]);
    expect(rule.action[0].forward.target_group).toEqual([{ arn: "${aws_lb_target_group.target-group-frontend-v1.arn}", weight: 100 }]);
    const alb = reference.resource("ecs-services", "aws_lb", "public-alb");
    expect(alb).toMatchObject({ internal: false, load_balancer_type: "application", drop_invalid_header_fields: true, subnets: "${data.terraform_remote_state.remote-state-network.outputs.public_subnet_ids}" });
    const tg = reference.resource("ecs-services", "aws_lb_target_group", "target-group-frontend-v1");
    expect(tg).toMatchObject({ target_type: "ip", port: 8080, health_check: { path: "/health" } });
  });

  it("the edge's domain and certificate: HTTPS on 443 with its TLS policy and HSTS, 80 redirects, rules for its host only", () => {
    expect(yelb.resource("ecs-services", "aws_lb_listener", "public-https")).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      ssl_policy: ALB_TLS_POLICIES[0],
      certificate_arn: CERT,
      routing_http_response_strict_transport_security_header_value: "max-age=31536000",
    });
    expect(yelb.resource("ecs-services", "aws_lb_listener_rule", "listener-rule-yelb-ui").condition).toEqual([{ path_pattern: { values: ["/*"] } }, { host_header: { values: ["yelb.example.com"] } }]);
    expect(yelb.stack("ecs-services").output?.public_url.value).toBe("https://yelb.example.com");
    expect(reference.stack("ecs-services").output?.public_edge_tls.value).toBe("INSECURE-PLAIN-HTTP");
    const redirect = yelb.resource("ecs-services", "aws_lb_listener", "public-http-redirect");
    expect(redirect.default_action[0]).toMatchObject({ type: "redirect", redirect: { port: "443", protocol: "HTTPS", status_code: "HTTP_301" } });
    expect(yelb.resource("ecs-services", "aws_lb_listener_rule", "listener-rule-yelb-ui").listener_arn).toBe("${aws_lb_listener.public-https.arn}");
  });

  it("an edge zone: the certificate is created and DNS-validated, the domain points at the ALB, the WAF guards it", () => {
    const s = ecs({ edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "shop.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", waf: { enabled: true } } });
    expect(Object.keys(s.resources("ecs-services", "aws_acm_certificate"))).toHaveLength(1);
    const listener = s.resource("ecs-services", "aws_lb_listener", "public-https");
    expect(listener.certificate_arn).toMatch(/^\$\{aws_acm_certificate_validation\./);
    const record = Object.values(s.resources("ecs-services", "aws_route53_record")).find((r) => r.type === "A")!;
    expect(record).toMatchObject({ name: "shop.example.com", zone_id: "Z0123456789ABCDEFGHIJ", alias: { name: "${aws_lb.public-alb.dns_name}" } });
    const waf = s.resource("ecs-services", "aws_wafv2_web_acl_association", "public-alb-web-acl");
    expect(waf.resource_arn).toBe("${aws_lb.public-alb.arn}");
  });

  it("path prefixes become ALB patterns for the path and everything under it", () => {
    expect(pathPatterns("/")).toEqual(["/*"]);
    expect(pathPatterns("/api/")).toEqual(["/api", "/api/*"]);
  });

  it("a public canary gets a target group per version, weighted as the catalog says", () => {
    const stack = new TerraformStack(Testing.app(), "alb");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const alb = new PublicLoadBalancer(stack, "public", { name: "t-public", vpcId: "vpc-1", publicSubnetIds: ["subnet-1"], settings: { deletionProtection: false }, edge: { mode: "insecure-plain-http", webAclArn: undefined } });
    const ui = resolved({ name: "t", services: [{ ...CATALOGS.yelb.services[0], dependsOn: [], versions: [{ name: "v1", weight: 90 }, { name: "v2", weight: 10 }] }] }).services[0];
    alb.addService(ui, 1);
    const out = JSON.parse(Testing.synth(stack));
    expect(Object.keys(out.resource.aws_lb_target_group).sort()).toEqual(["target-group-yelb-ui-v1", "target-group-yelb-ui-v2"]);
    expect(out.resource.aws_lb_listener_rule["listener-rule-yelb-ui"].action[0].forward.target_group).toEqual([
      { arn: "${aws_lb_target_group.target-group-yelb-ui-v1.arn}", weight: 90 },
      { arn: "${aws_lb_target_group.target-group-yelb-ui-v2.arn}", weight: 10 },
    ]);
  });
});

describe("ECS and EKS render each service the same (walks both catalogs)", () => {
  const cases = [
    ["reference", reference, synthPlatform(withDev())],
    ["yelb", yelb, synthPlatform(withDev({ workloads: { catalog: "yelb" } }))],
  ] as const;

  it.each(cases)("%s: image, port, CPU, memory, replica bounds, tables and callers agree", (_name, onEcs, onEks) => {
    const catalog = onEcs.config.workloads.app;
    const eksPolicies = onEks.data("workloads", "aws_iam_policy_document");
    const ecsPolicies = onEcs.data("ecs-services", "aws_iam_policy_document");
    const ecsIngress = Object.values(onEcs.resources("ecs-services", "aws_vpc_security_group_ingress_rule"));
    let compared = 0;
    for (const s of catalog.services) {
      for (const v of s.versions) {
        const pod = onEks.resource("workloads", "kubernetes_deployment_v1", `${s.name}-deployment-${v.name}`).spec.template.spec.container[0];
        const container = JSON.parse(onEcs.resource("ecs-services", "aws_ecs_task_definition", `task-${s.name}-${v.name}`).container_definitions)[0];
        expect(container.image, `${s.name}-${v.name} image`).toBe(pod.image);
        expect(container.portMappings[0].containerPort).toBe(pod.port[0].container_port);
        expect(container.cpu).toBe(cpuUnits(Number(pod.resources.requests.cpu.replace("m", ""))));
        expect(`${container.memoryReservation}Mi`).toBe(pod.resources.requests.memory);
        expect(container.user).toBe(String(s.runAsUser));
        const env = (list: { name: string; value: string }[]) => Object.fromEntries(list.map((e) => [e.name, e.value]));
        expect(env(container.environment)).toEqual(env(pod.env));

        const hpa = onEks.resource("workloads", "kubernetes_horizontal_pod_autoscaler_v2", `${s.name}-autoscaler-${v.name}`).spec;
        const target = onEcs.resource("ecs-services", "aws_appautoscaling_target", `scaling-target-${s.name}-${v.name}`);
        expect([target.min_capacity, target.max_capacity]).toEqual([hpa.min_replicas, hpa.max_replicas]);
        const tracking = onEcs.resource("ecs-services", "aws_appautoscaling_policy", `cpu-tracking-${s.name}-${v.name}`);
        expect(tracking.target_tracking_scaling_policy_configuration.target_value).toBe(hpa.metric[0].resource.target.average_utilization);
        compared++;
      }
      // The name callers use: the EKS VirtualService's, answered by Service Connect for the primary version.
      const primarySvc = onEcs.resource("ecs-services", "aws_ecs_service", `service-${s.name}-${primaryVersion(s)}`);
      expect(primarySvc.service_connect_configuration.service[0].client_alias).toEqual({ port: s.port, dns_name: onEks.resource("workloads", "kubernetes_manifest", `${s.name}-virtual-service`).manifest.spec.awsName });

      // Tables: the same statements (the EKS role adds only what Envoy needs from App Mesh).
      const tableStatements = (doc: Record<string, any> | undefined): { sid: string }[] => (doc?.statement ?? []).filter((st: { sid: string }) => st.sid.startsWith("Table"));
      expect(tableStatements(ecsPolicies[`${s.name}-task-policy`]), `${s.name} tables`).toEqual(tableStatements(eksPolicies[`${s.name}-role-permissions`]));

      // Callers: the mesh backends that name this service are exactly the security group's sources.
      const eksCallers = catalog.services
        .filter((o) => o.versions.some((v) => (onEks.resource("workloads", "kubernetes_manifest", `${o.name}-virtual-node-${v.name}`).manifest.spec.backends ?? []).some((b: { virtualService: { virtualServiceRef: { name: string } } }) => b.virtualService.virtualServiceRef.name === s.name)))
        .map((o) => `\${aws_security_group.security-group-${o.name}.id}`)
        .sort();
      const ecsCallers = ecsIngress
        .filter((r) => r.security_group_id === `\${aws_security_group.security-group-${s.name}.id}` && r.referenced_security_group_id !== "${aws_security_group.alb-security-group.id}")
        .map((r) => r.referenced_security_group_id)
        .sort();
      expect(ecsCallers, `${s.name} callers`).toEqual(eksCallers);
    }
    expect(compared).toBe(catalog.services.reduce((n, s) => n + s.versions.length, 0));
    expect(compared).toBeGreaterThanOrEqual(4);
  });

  it("placement: ec2 in the catalog is EC2 on both; everything else is Fargate on ECS", () => {
    for (const s of reference.config.workloads.app.services) expect(ecsLaunch(s)).toBe(s.requestedPlacement === "ec2" ? "ec2" : "fargate");
  });
});

describe("the EKS default is untouched", () => {
  it("no ECS resource in any EKS stack", () => {
    const s = synthPlatform(withDev());
    expect(Object.keys(s.manifest.stacks).sort()).toEqual(["cluster", "mesh", "network", "observability", "workloads"]);
    for (const name of ["cluster", "mesh", "workloads", "observability"]) {
      expect(Object.keys(s.stack(name).resource ?? {}).filter((t) => t.startsWith("aws_ecs"))).toEqual([]);
    }
  });
});



