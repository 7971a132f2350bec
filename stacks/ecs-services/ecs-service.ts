import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ResolvedService } from "../../apps/catalog";
import type { EcsSettings, ScheduledAction } from "../../config/schema/ecs";
import { ecsLaunch, primaryVersion } from "../../config/schema/ecs-checks";
import { cpuUnits, ecsTaskDemand, taskDefinitionSize, tryEcsFargateSize } from "../../placement/ecs-sizing";
import type { AwsContext } from "../constructs/aws-context";

/**
 * The name callers use for a service on EKS (its Kubernetes Service's cluster DNS name),
 * which Service Connect answers on ECS too, so the catalog's URLs work unchanged.
 */
export function clusterDnsName(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

/** The port name Service Connect and the ALB refer to in the task definition. */
export const PORT_NAME = "app";

export interface EcsMicroserviceProps {
  readonly service: ResolvedService;
  readonly context: AwsContext;
  readonly settings: EcsSettings;
  /** `<prefix>-<service>`: role and task family names derive from it. */
  readonly baseName: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly namespaceArn: string;
  /** EC2 capacity provider name ("" when the cluster has none). */
  readonly ec2CapacityProvider: string;
  readonly privateSubnetIds: string[];
  readonly securityGroupId: string;
  /** Image reference per version. */
  readonly images: Record<string, string>;
  /** ECR repository ARNs the execution role may pull from (none for external images). */
  readonly repositoryArns: string[];
  readonly logGroupName: string;
  readonly logGroupArn: string;
  /** Table access statements for the task role (built like the EKS IRSA role's). */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  /** `DYNAMODB_TABLE_<NAME>` variables, as on EKS. */
  readonly platformEnv: Record<string, string>;
  /** Target group per version, for public services. */
  readonly targetGroups?: Map<string, LbTargetGroup>;
  /** What the ECS services must wait for (the listener rule, the services this one calls). */
  readonly dependsOn: ITerraformDependable[];
  readonly scheduledActions: ScheduledAction[];
}

/**
 * One catalog service on ECS: a task role with exactly its tables, an execution role with
 * exactly pulling its images and writing its log group, and per version a task definition
 * (awsvpc, Fargate-sized from the catalog's requests, read-only root, non-root, all
 * capabilities dropped, logs to CloudWatch), an ECS service (private subnets, its security
 * group, Service Connect under the same name callers use on EKS, rolling deployment with
 * the circuit breaker and rollback) and CPU target tracking between the catalog's bounds.
 */
export class EcsMicroservice extends Construct {
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;
  readonly services = new Map<string, EcsService>();
  readonly taskDefinitions = new Map<string, EcsTaskDefinition>();

  constructor(scope: Construct, id: string, props: EcsMicroserviceProps) {
    super(scope, id);
    const s = props.service;
    const { context } = props;
    const launch = ecsLaunch(s);
    const readable = <T extends { overrideLogicalId(id: string): void }>(r: T, logicalId: string): T => {
      r.overrideLogicalId(logicalId);
      return r;
    };

    // Confused-deputy guard: only ECS tasks of this account and region may assume the roles.
    const trust = readable(
      new DataAwsIamPolicyDocument(this, "trust", {
        statement: [
          {
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
            condition: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [context.accountId] },
              { test: "ArnLike", variable: "aws:SourceArn", values: [context.arn("ecs", "*")] },
            ],
          },
        ],
      }),
      `${s.name}-task-trust`,
    );
    this.taskRole = readable(new IamRole(this, "task-role", { name: `${props.baseName}-task`, description: `Tasks of ${s.name} (ECS): its tables only`, assumeRolePolicy: trust.json }), `${s.name}-task-role`);
    if (props.statements.length > 0) {
      const doc = readable(new DataAwsIamPolicyDocument(this, "task-policy-document", { statement: props.statements }), `${s.name}-task-policy`);
      readable(new IamRolePolicy(this, "task-policy", { name: "tables", role: this.taskRole.id, policy: doc.json }), `${s.name}-task-policy`);
    }

    this.executionRole = readable(
      new IamRole(this, "execution-role", { name: `${props.baseName}-exec`, description: `ECS agent for ${s.name}: pull its images, write its logs`, assumeRolePolicy: trust.json }),
      `${s.name}-execution-role`,
    );
    const pull: DataAwsIamPolicyDocumentStatement[] = props.repositoryArns.length
      ? [
          // GetAuthorizationToken has no resource to scope to: IAM accepts only "*" for it.
          { sid: "EcrLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
          { sid: "PullOwnImages", actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: props.repositoryArns },
        ]
      : [];
    const execDoc = readable(
      new DataAwsIamPolicyDocument(this, "execution-policy-document", {
        statement: [...pull, { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${props.logGroupArn}:*`] }],
      }),
      `${s.name}-execution-policy`,
    );
    const execPolicy = readable(new IamRolePolicy(this, "execution-policy", { name: "pull-and-log", role: this.executionRole.id, policy: execDoc.json }), `${s.name}-execution-policy`);

    const demand = ecsTaskDemand({ cpuMillicores: s.cpu.request, memoryMiB: s.memory.request });
    // Fargate rounds up to a valid size (refused at config time when none fits); EC2 tasks reserve exactly the demand.
    const size = launch === "fargate" ? taskDefinitionSize(tryEcsFargateSize(demand)!) : { cpu: String(demand.cpuUnits), memory: String(demand.memoryMiB) };
    const env = { ...s.env, ...props.platformEnv };
    const primary = primaryVersion(s);

    for (const v of s.versions) {
      const name = `${s.name}-${v.name}`;
      const container = {
        name: s.name,
        image: props.images[v.name],
        essential: true,
        // The request is the reservation (as the Kubernetes scheduler reads it); the task size is the ceiling.
        cpu: cpuUnits(s.cpu.request),
        memoryReservation: s.memory.request,
        portMappings: [
          { name: PORT_NAME, containerPort: s.port, protocol: "tcp", ...(s.protocol === "tcp" ? {} : { appProtocol: s.protocol }) },
        ],
        environment: Object.entries(env)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([n, value]) => ({ name: n, value })),
        readonlyRootFilesystem: true,
        user: String(s.runAsUser),
        privileged: false,
        linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
        // A port below 1024 opens to the non-root user as on EKS (the pod's sysctl there).
        ...(s.port < 1024 ? { systemControls: [{ namespace: "net.ipv4.ip_unprivileged_port_start", value: "0" }] } : {}),
        mountPoints: s.writablePaths.map((p, i) => ({ sourceVolume: `writable-${i}`, containerPath: p, readOnly: false })),
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": props.logGroupName, "awslogs-region": context.region, "awslogs-stream-prefix": v.name } },
      };
      const taskDefinition = readable(
        new EcsTaskDefinition(this, `task-${v.name}`, {
          family: `${props.baseName}-${v.name}`,
          networkMode: "awsvpc",
          requiresCompatibilities: [launch === "fargate" ? "FARGATE" : "EC2"],
          cpu: size.cpu,
          memory: size.memory,
          runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
          taskRoleArn: this.taskRole.arn,
          executionRoleArn: this.executionRole.arn,
          // Writable paths under the read-only root: task-scoped scratch space, like emptyDir.
          volume: s.writablePaths.map((_p, i) => ({ name: `writable-${i}` })),
          containerDefinitions: JSON.stringify([container]),
          dependsOn: [execPolicy],
        }),
        `task-${name}`,
      );
      this.taskDefinitions.set(v.name, taskDefinition);

      // The primary version answers the name callers use on EKS; the others their own version name, as their EKS virtual nodes.
      const dnsName = clusterDnsName(v.name === primary ? s.name : name, s.namespace);
      const targetGroup = props.targetGroups?.get(v.name);
      const strategy =
        launch === "ec2"
          ? [{ capacityProvider: props.ec2CapacityProvider, weight: 1, base: 0 }]
          : props.settings.capacityProviderStrategy.map((c) => ({ capacityProvider: c.capacityProvider, weight: c.weight, base: c.base }));
      const service = readable(
        new EcsService(this, `service-${v.name}`, {
          name,
          cluster: props.clusterArn,
          taskDefinition: taskDefinition.arn,
          desiredCount: s.replicas.min,
          capacityProviderStrategy: strategy,
          // The AWS provider refuses to plan a changed strategy (ecs.capacityProviderStrategy,
          // e.g. adding FARGATE_SPOT) unless the update also starts a new deployment.
          forceNewDeployment: true,
          ...(launch === "fargate" ? { platformVersion: "LATEST" } : {}),
          deploymentMaximumPercent: props.settings.deployment.maximumPercent,
          deploymentMinimumHealthyPercent: props.settings.deployment.minimumHealthyPercent,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          networkConfiguration: { subnets: props.privateSubnetIds, securityGroups: [props.securityGroupId], assignPublicIp: false },
          serviceConnectConfiguration: {
            enabled: true,
            namespace: props.namespaceArn,
            service: [{ portName: PORT_NAME, discoveryName: v.name === primary ? s.name : name, clientAlias: { port: s.port, dnsName } }],
            logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": props.logGroupName, "awslogs-region": context.region, "awslogs-stream-prefix": `service-connect-${v.name}` } },
          },
          ...(targetGroup ? { loadBalancer: [{ targetGroupArn: targetGroup.arn, containerName: s.name, containerPort: s.port }], healthCheckGracePeriodSeconds: 60 } : {}),
          propagateTags: "SERVICE",
          enableEcsManagedTags: true,
          // Autoscaling owns the count once created.
          lifecycle: { ignoreChanges: ["desired_count"] },
          dependsOn: props.dependsOn,
        }),
        `service-${name}`,
      );
      this.services.set(v.name, service);

      const target = readable(
        new AppautoscalingTarget(this, `scaling-target-${v.name}`, {
          serviceNamespace: "ecs",
          scalableDimension: "ecs:service:DesiredCount",
          resourceId: `service/${props.clusterName}/${service.name}`,
          minCapacity: s.replicas.min,
          maxCapacity: s.replicas.max,
        }),
        `scaling-target-${name}`,
      );
      readable(
        new AppautoscalingPolicy(this, `cpu-tracking-${v.name}`, {
          name: `${name}-cpu`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: s.replicas.targetCpuUtilization,
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
            scaleInCooldown: 300,
            scaleOutCooldown: 60,
          },
        }),
        `cpu-tracking-${name}`,
      );
      for (const a of props.scheduledActions) {
        readable(
          new AppautoscalingScheduledAction(this, `schedule-${v.name}-${a.name}`, {
            name: `${name}-${a.name}`,
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            schedule: a.schedule,
            timezone: a.timezone,
            scalableTargetAction: { minCapacity: String(a.minCapacity), maxCapacity: String(a.maxCapacity) },
          }),
          `schedule-${name}-${a.name}`,
        );
      }
    }
  }
}
