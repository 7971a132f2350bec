import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ResolvedService } from "../../apps/catalog";
import { tableEnvVar } from "../../apps/catalog/service-env";
import { ecsWarnings, formatEcsWarning } from "../../config/schema/ecs-checks";
import { ECS_CLUSTER_OUTPUTS, ECS_SERVICES_OUTPUTS, ecsServiceOutputs, NETWORK_OUTPUTS, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { skipCheck } from "../synth/checkov";
import { publishNoEdge, PublicEdge } from "../constructs/edge/public-edge";
import { cloudWatchLogsGrant, PlatformKmsKey } from "../constructs/kms-key";
import { printOnce } from "../synth/warnings";
import { tableStatements } from "../constructs/table-access";
import { addWorkloadData } from "../constructs/workload-data";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { EcsMicroservice } from "./ecs-service";
import { PublicLoadBalancer } from "./load-balancer";
import { ECS_PUBLIC_ALB_PURPOSE, ecsServicePurpose } from "../../facts/naming";

/** Callers of each service: the services whose `dependsOn` names it. */
export function callersOf(services: readonly ResolvedService[]): Map<string, string[]> {
  const callers = new Map(services.map((s) => [s.name, [] as string[]]));
  for (const s of services) for (const callee of s.dependsOn) callers.get(callee)?.push(s.name);
  return callers;
}

/**
 * The catalog on ECS (platform.orchestrator "ecs"), in place of the workloads stack: the
 * same DynamoDB tables and ECR repositories, a security group per service that admits
 * only its callers (and the ALB for public ones), the shared ALB, and each service's
 * roles, task definitions, ECS services and autoscaling (stacks/ecs-services/ecs-service.ts).
 */
export class EcsServicesStack extends PlatformStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "ecs-services", props);
    const config = this.config;
    const catalog = config.workloads.app;
    const region = config.platform.region;
    const network = this.upstream("network", NETWORK_OUTPUTS);
    const cluster = this.upstream("ecs-cluster", ECS_CLUSTER_OUTPUTS);
    const context = new AwsContext(this, "aws-context", region);

    // To stdout like the edge warning: ops/synth-warnings.ts carries "WARNING:" lines into the plan comment.
    for (const w of ecsWarnings(catalog).map(formatEcsWarning)) printOnce("ecs", w, "stdout");

    // Tables, image repositories and their keys: the same as on EKS (stacks/constructs/workload-data.ts).
    const { tables, tableKey, repositories: repos } = addWorkloadData(this, { config, naming: this.naming, context });

    // Task logs: one group per service, one key that CloudWatch may use for these groups only.
    const logPrefix = this.naming.logGroup("ecs");
    const logsKey = new PlatformKmsKey(this, "task-logs-key", {
      context,
      description: `Encrypts the ${this.naming.prefix} ECS task logs`,
      alias: this.naming.kmsAlias("ecs-task-logs"),
      serviceGrants: [cloudWatchLogsGrant(region, [context.arn("logs", `log-group:${logPrefix}/*`)])],
    });

    // Security groups first, so rules can refer to callers and callees in any order.
    const groups = new Map(
      catalog.services.map((s) => {
        const sg = new SecurityGroup(this, `sg-${s.name}`, {
          name: this.naming.name(ecsServicePurpose(s.name)),
          description: `Tasks of ${s.name}: inbound from its callers only`,
          vpcId: network.vpcId,
          revokeRulesOnDelete: true,
        });
        sg.overrideLogicalId(`security-group-${s.name}`);
        return [s.name, sg] as const;
      }),
    );
    const callers = callersOf(catalog.services);
    for (const s of catalog.services) {
      const sg = groups.get(s.name)!;
      for (const caller of callers.get(s.name)!) {
        admit(this, `ingress-${s.name}-from-${caller}`, sg.id, s.port, groups.get(caller)!.id, `${caller} calls ${s.name}`);
      }
      for (const callee of s.dependsOn) {
        const target = catalog.services.find((o) => o.name === callee)!;
        new VpcSecurityGroupEgressRule(this, `egress-${s.name}-to-${callee}`, {
          securityGroupId: sg.id,
          description: `${s.name} calls ${callee}`,
          ipProtocol: "tcp",
          fromPort: target.port,
          toPort: target.port,
          referencedSecurityGroupId: groups.get(callee)!.id,
        }).overrideLogicalId(`egress-${s.name}-to-${callee}`);
      }
      new VpcSecurityGroupEgressRule(this, `egress-${s.name}-https`, {
        securityGroupId: sg.id,
        description: "HTTPS to ECR, DynamoDB, CloudWatch Logs and the Service Connect control plane",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      }).overrideLogicalId(`egress-${s.name}-https`);
    }

    // The shared ALB, when a service is public; rules longest path first, as Kubernetes' Prefix matching picks.
    const publicServices = catalog.services.filter((s) => s.public).sort((a, b) => b.public!.path.length - a.public!.path.length || a.name.localeCompare(b.name));
    // The edge (certificate, WAF, DNS, the insecure opt-out's warning) is the same construct the EKS ingress uses.
    const edge = publicServices.length
      ? new PublicEdge(this, "public-edge", { context, naming: this.naming, edge: config.edge, environment: config.platform.environment, publicServices: publicServices.map((s) => s.name), targetsRequireTls: false })
      : undefined;
    const tls = config.edge.tls;
    const alb = edge
      ? new PublicLoadBalancer(this, "public", {
          name: this.naming.bounded(ECS_PUBLIC_ALB_PURPOSE, 32),
          vpcId: network.vpcId,
          publicSubnetIds: network.publicSubnetIds,
          settings: config.ecs.loadBalancer,
          edge:
            tls.mode === "https"
              ? { mode: "https", domainName: tls.domainName, certificateArn: edge.certificate!.arn, tlsPolicy: tls.tlsPolicy, hstsHeader: tls.hstsHeader, webAclArn: edge.webAcl?.acl.arn }
              : { mode: "insecure-plain-http", webAclArn: edge.webAcl?.acl.arn },
        })
      : undefined;
    const targetGroups = new Map(publicServices.map((s, i) => [s.name, alb!.addService(s, i + 1)]));
    for (const s of publicServices) {
      const sg = groups.get(s.name)!;
      admit(this, `ingress-${s.name}-from-alb`, sg.id, s.port, alb!.securityGroup.id, `the public ALB forwards ${s.public!.path} to ${s.name}`);
      new VpcSecurityGroupEgressRule(this, `alb-egress-to-${s.name}`, {
        securityGroupId: alb!.securityGroup.id,
        description: `to ${s.name}'s tasks`,
        ipProtocol: "tcp",
        fromPort: s.port,
        toPort: s.port,
        referencedSecurityGroupId: sg.id,
      }).overrideLogicalId(`alb-egress-to-${s.name}`);
    }

    // Services, callees before callers (AWS's advice for Service Connect: a client's tasks resolve only endpoints that exist when they start).
    const built = new Map<string, EcsMicroservice>();
    const order = dependencyOrder(catalog.services);
    for (const s of order) {
      const logGroup = new CloudwatchLogGroup(this, `logs-${s.name}`, { name: `${logPrefix}/${s.name}`, retentionInDays: config.ecs.logRetentionDays, kmsKeyId: logsKey.key.arn });
      logGroup.overrideLogicalId(`log-group-${s.name}`);

      const statements: DataAwsIamPolicyDocumentStatement[] = tableStatements({ tables: s.tables, tableArn: (t) => tables.get(t)!.arn, keyArn: tableKey?.key.arn, region });
      const images = [s.image, ...s.versions.map((v) => v.image)];
      const imageRef = (image: ResolvedService["image"]) => ("ecr" in image ? `${repos.get(image.ecr)!.repositoryUrl}:${image.tag}` : image.external);
      const dependsOn: ITerraformDependable[] = [...(alb?.rules.has(s.name) ? [alb.rules.get(s.name)!] : []), ...s.dependsOn.flatMap((c) => [...built.get(c)!.services.values()])];
      const svc = new EcsMicroservice(this, `service-${s.name}`, {
        service: s,
        context,
        settings: config.ecs,
        baseName: this.naming.bounded(ecsServicePurpose(s.name), 59),
        clusterName: cluster.clusterName,
        clusterArn: cluster.clusterArn,
        namespaceArn: cluster.serviceConnectNamespaceArn,
        ec2CapacityProvider: cluster.ec2CapacityProviderName,
        privateSubnetIds: network.privateSubnetIds,
        securityGroupId: groups.get(s.name)!.id,
        images: Object.fromEntries(s.versions.map((v) => [v.name, imageRef(v.image)])),
        repositoryArns: [...new Set(images.flatMap((i) => ("ecr" in i ? [i.ecr] : [])))].map((r) => repos.get(r)!.arn),
        logGroupName: logGroup.name,
        logGroupArn: logGroup.arn,
        statements,
        platformEnv: Object.fromEntries(Object.keys(s.tables).map((t) => [tableEnvVar(t), tables.get(t)!.name])),
        targetGroups: targetGroups.get(s.name),
        dependsOn,
        scheduledActions: config.ecs.scheduledScaling[s.name] ?? [],
      });
      built.set(s.name, svc);
      const repo = images.find((i): i is { ecr: string; tag: string } => "ecr" in i);
      publishOutputs(this, ecsServiceOutputs(s.name), {
        taskRoleArn: svc.taskRole.arn,
        securityGroupId: groups.get(s.name)!.id,
        repositoryUrl: repo ? repos.get(repo.ecr)!.repositoryUrl : "",
      });
    }
    publishOutputs(this, ECS_SERVICES_OUTPUTS, { loadBalancerHostname: alb?.alb.dnsName ?? "" });
    // The domain's alias record and the edge outputs (public_url, public_edge_tls, ...), as the workloads stack publishes them.
    if (edge && alb) edge.finish(this, alb.alb.dnsName);
    else publishNoEdge(this);
  }
}

/** An ingress rule that admits one security group (never a CIDR) on one port. */
function admit(scope: Construct, id: string, securityGroupId: string, port: number, from: string, description: string): void {
  const rule = new VpcSecurityGroupIngressRule(scope, id, { securityGroupId, description, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: from });
  rule.overrideLogicalId(id);
  // Checkov reads a rule without a CIDR as open to 0.0.0.0/0; this one names its source group.
  if (port === 80) skipCheck(rule, "CKV_AWS_260", "the rule admits only the referenced security group on port 80, no CIDR; Checkov reads a rule without cidr_ipv4 as open to the internet");
}

/** The catalog's services, each after the services it calls (the catalog has no cycles: apps/catalog/validate.ts). */
function dependencyOrder(services: readonly ResolvedService[]): ResolvedService[] {
  const out: ResolvedService[] = [];
  const done = new Set<string>();
  const visit = (s: ResolvedService) => {
    if (done.has(s.name)) return;
    done.add(s.name);
    for (const c of s.dependsOn) visit(services.find((o) => o.name === c)!);
    out.push(s);
  };
  services.forEach(visit);
  return out;
}
