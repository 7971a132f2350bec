import type { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { ResolvedService } from "../../apps/catalog";
import { tableEnvVar } from "../../apps/catalog/service-env";
import { ec2Scheduling } from "../../config/schema/cross-checks";
import { withNodePools } from "../../config/schema/node-pool-scheduling";
import { CLUSTER_OUTPUTS, MESH_OUTPUTS, publishOutputs, serviceOutputs, WORKLOADS_OUTPUTS } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { configureKubernetesProviders } from "../constructs/kubernetes-providers";
import { publishNoEdge, PublicEdge } from "../constructs/edge/public-edge";
import { Microservice } from "./microservice";
import { tableStatements } from "../constructs/table-access";
import { addWorkloadData } from "../constructs/workload-data";
import { addWorkloadCapacity } from "./capacity";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { meshImplementation } from "../mesh/implementations";
import { publicIngressGroup } from "../../facts/naming";
import { podSecurityLabels } from "../../facts/labels";

/**
 * Pod Security Standards per namespace. The App Mesh injector adds the proxyinit init
 * container with the NET_ADMIN capability (iptables redirection), which both "baseline"
 * and "restricted" reject; "privileged" is the strictest level injected pods pass. The
 * application containers meet "restricted", and warn/audit at "restricted" report any pod
 * that does not (docs/workloads.md, "Pod security").
 */
export const POD_SECURITY_LABELS = podSecurityLabels({ enforce: "privileged", warn: "restricted", audit: "restricted" });

/**
 * The catalog's services on the cluster (issue 5): namespaces joined to the mesh, one IRSA
 * role per service with exactly its tables, Deployments per version, Services,
 * autoscalers, disruption budgets, an ALB for the public ones, the mesh routing, and the
 * ECR repositories and DynamoDB tables the catalog names. Deployed after the mesh stack.
 */
export class WorkloadsStack extends PlatformStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "workloads", props);
    const config = this.config;
    const catalog = config.workloads.app;
    const region = config.platform.region;

    const cluster = this.upstream("cluster", CLUSTER_OUTPUTS);
    const mesh = this.upstream("mesh", MESH_OUTPUTS);
    configureKubernetesProviders(this, { cluster, region });
    const context = new AwsContext(this, "aws-context", region);
    const meshImpl = meshImplementation(config);

    // Tables, image repositories and their keys: the same as on ECS (stacks/constructs/workload-data.ts).
    const { tables, tableKey, repositories: repos } = addWorkloadData(this, { config, naming: this.naming, context });
    const imageOf = (image: ResolvedService["image"]) =>
      "ecr" in image ? { ref: `${repos.get(image.ecr)!.repositoryUrl}:${image.tag}`, source: "ecr" as const } : { ref: image.external, source: "external" as const };

    // Namespaces, in the order the catalog names them.
    // The ingress group's rules, most specific path first (the ECS listener rules are ordered
    // the same way): otherwise "/" could take "/api"'s requests, as the Load Balancer
    // Controller orders a group's ingresses by name when no order is given. One public
    // service needs no order, and gets none.
    const publicByPath = catalog.services.filter((s) => s.public).sort((a, b) => b.public!.path.length - a.public!.path.length || a.name.localeCompare(b.name));
    const ruleOrder = new Map(publicByPath.length > 1 ? publicByPath.map((s, i) => [s.name, { "alb.ingress.kubernetes.io/group.order": String(i + 1) }] as const) : []);
    const namespaces = new Map<string, NamespaceV1>();
    for (const s of catalog.services) {
      if (namespaces.has(s.namespace)) continue;
      const ns = new NamespaceV1(this, `namespace-${s.namespace}`, {
        // The mesh may tighten Pod Security (Lattice injects nothing that needs privileges).
        metadata: { name: s.namespace, labels: { ...POD_SECURITY_LABELS, ...meshImpl.namespaceLabels(mesh.meshName) } },
      });
      ns.overrideLogicalId(`namespace-${s.namespace}`);
      namespaces.set(s.namespace, ns);
    }

    // Karpenter NodePools and VPA objects, when configured (stacks/workloads/capacity.ts).
    addWorkloadCapacity(this, { namespaces: [...namespaces.values()] });

    // Encryption in transit (docs/encryption.md): HTTPS at the public edge; between services, the mesh's own.
    const publicServices = catalog.services.filter((s) => s.public).map((s) => s.name);
    const edge = publicServices.length
      ? new PublicEdge(this, "public-edge", { context, naming: this.naming, edge: config.edge, environment: config.platform.environment, publicServices, targetsRequireTls: meshImpl.podPort === "tls" })
      : undefined;

    // The mesh's routing for the catalog (under App Mesh with TLS, its certificates too).
    const rendered = meshImpl.render(this, { mesh, services: catalog.services, context, naming: this.naming, dependsOn: [...namespaces.values()] });

    const roles = new Map<string, string>();

    let ingressHostname = "";
    for (const s of catalog.services) {
      const statements: DataAwsIamPolicyDocumentStatement[] = tableStatements({ tables: s.tables, tableArn: (t) => tables.get(t)!.arn, keyArn: tableKey?.key.arn, region });
      statements.push(...rendered.sidecarStatements(s));
      statements.push(...meshImpl.tracing.podStatements());

      const platformEnv = {
        ...Object.fromEntries(Object.keys(s.tables).map((t) => [tableEnvVar(t), tables.get(t)!.name])),
        ...meshImpl.tracing.podEnv(),
        ...rendered.podEnvironment(s),
      };
      const svc = new Microservice(this, `service-${s.name}`, {
        service: s,
        namespace: namespaces.get(s.namespace)!.metadata.name,
        images: Object.fromEntries(s.versions.map((v) => [v.name, imageOf(v.image)])),
        roleName: this.naming.bounded(`svc-${s.name}`, 64),
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuerUrl: cluster.oidcIssuerUrl,
        statements,
        platformEnv,
        scheduling: s.placement === "ec2" ? withNodePools(ec2Scheduling(s, config.cluster.nodeGroups), config.cluster) : undefined,
        versionDependencies: (version) => rendered.versionDependencies(s.name, version),
        sidecars: rendered.sidecars(s),
        podAnnotations: rendered.podAnnotations(s),
        ingress: s.public ? { className: mesh.ingressClass, groupName: publicIngressGroup(this.naming), annotations: { ...edge?.ingressAnnotations, ...ruleOrder.get(s.name) }, host: edge?.host } : undefined,
        kubeletProbes: meshImpl.podPort === "tls" ? "tcp" : "http",
      });
      roles.set(s.name, svc.role.role.arn);
      if (svc.ingress && !ingressHostname) ingressHostname = svc.ingress.status.get(0).loadBalancer.get(0).ingress.get(0).hostname;

      const repo = [s.image, ...s.versions.map((v) => v.image)].find((i): i is { ecr: string; tag: string } => "ecr" in i);
      publishOutputs(this, serviceOutputs(s.name), {
        namespace: namespaces.get(s.namespace)!.metadata.name,
        roleArn: svc.role.role.arn,
        repositoryUrl: repo ? repos.get(repo.ecr)!.repositoryUrl : "",
      });
    }
    rendered.authorize(roles);
    publishOutputs(this, WORKLOADS_OUTPUTS, { ingressHostname, meshTls: meshImpl.tlsOutput });
    if (edge) edge.finish(this, ingressHostname);
    else publishNoEdge(this);
  }
}
