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
import { MeshCertificates } from "../mesh/appmesh/tls";
import { Microservice } from "./microservice";
import { tableStatements } from "../constructs/table-access";
import { addWorkloadData } from "../constructs/workload-data";
import { addWorkloadCapacity } from "./capacity";
import { publicIngressGroup } from "../../facts/observability";
import { tracingEnv, tracingStatements } from "../mesh/tracing";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";
import { MESH_ROUTING } from "../mesh/routing";

// Shared with the ECS services stack (stacks/ecs/services.ts); re-exported for existing importers.
export { TABLE_ACTIONS } from "../constructs/table-access";

/**
 * Pod Security Standards per namespace. The App Mesh injector adds the proxyinit init
 * container with the NET_ADMIN capability (iptables redirection), which both "baseline"
 * and "restricted" reject; "privileged" is the strictest level injected pods pass. The
 * application containers meet "restricted", and warn/audit at "restricted" report any pod
 * that does not (docs/workloads.md, "Pod security").
 */
export const POD_SECURITY_LABELS = {
  "pod-security.kubernetes.io/enforce": "privileged",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
} as const;

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
    const routing = MESH_ROUTING[config.mesh.implementation];

    // Tables, image repositories and their keys: the same as on ECS (stacks/constructs/workload-data.ts).
    const { tables, tableKey, repositories: repos } = addWorkloadData(this, { config, naming: this.naming, context });
    const imageOf = (image: ResolvedService["image"]) =>
      "ecr" in image ? { ref: `${repos.get(image.ecr)!.repositoryUrl}:${image.tag}`, source: "ecr" as const } : { ref: image.external, source: "external" as const };

    // Namespaces, in the order the catalog names them.
    const namespaces = new Map<string, NamespaceV1>();
    for (const s of catalog.services) {
      if (namespaces.has(s.namespace)) continue;
      const ns = new NamespaceV1(this, `namespace-${s.namespace}`, {
        // The mesh may tighten Pod Security (Lattice injects nothing that needs privileges).
        metadata: { name: s.namespace, labels: { ...POD_SECURITY_LABELS, ...routing.namespaceLabels(mesh.meshName) } },
      });
      ns.overrideLogicalId(`namespace-${s.namespace}`);
      namespaces.set(s.namespace, ns);
    }

    // Karpenter NodePools and VPA objects, when configured (stacks/constructs/workload-capacity.ts).
    addWorkloadCapacity(this, { namespaces: [...namespaces.values()] });

    // Encryption in transit (docs/encryption.md): HTTPS at the public edge, TLS between sidecars when asked.
    // Under VPC Lattice, TLS is Lattice's own HTTPS listeners (stacks/routing/vpc-lattice.ts): no CA, no certificates here.
    const meshTls = config.mesh.tls.mode === "strict" && config.mesh.implementation === "appmesh" ? new MeshCertificates(this, "mesh-tls", { tls: config.mesh.tls, services: catalog.services, caCommonName: `${this.naming.prefix} mesh` }) : undefined;
    const publicServices = catalog.services.filter((s) => s.public).map((s) => s.name);
    const edge = publicServices.length
      ? new PublicEdge(this, "public-edge", { context, naming: this.naming, edge: config.edge, environment: config.platform.environment, publicServices, targetsRequireTls: meshTls !== undefined })
      : undefined;

    const rendered = routing.render(this, { meshName: mesh.meshName, mesh, settings: config.mesh, services: catalog.services, context, dependsOn: [...namespaces.values()], tls: meshTls });
    const roles = new Map<string, string>();

    let ingressHostname = "";
    for (const s of catalog.services) {
      const statements: DataAwsIamPolicyDocumentStatement[] = tableStatements({ tables: s.tables, tableArn: (t) => tables.get(t)!.arn, keyArn: tableKey?.key.arn, region });
      statements.push(...rendered.sidecarStatements(s));
      statements.push(...tracingStatements(config));

      const platformEnv = {
        ...Object.fromEntries(Object.keys(s.tables).map((t) => [tableEnvVar(t), tables.get(t)!.name])),
        ...tracingEnv(config),
        ...rendered.podEnvironment(s),
      };
      const svc = new Microservice(this, `service-${s.name}`, {
        service: s,
        namespace: namespaces.get(s.namespace)!.metadata.name,
        images: Object.fromEntries(s.versions.map((v) => [v.name, imageOf(v.image ?? s.image)])),
        roleName: this.naming.bounded(`svc-${s.name}`, 64),
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuerUrl: cluster.oidcIssuerUrl,
        statements,
        platformEnv,
        scheduling: s.placement === "ec2" ? withNodePools(ec2Scheduling(s, config.cluster.nodeGroups), config.cluster) : undefined,
        versionDependencies: (version) => rendered.versionDependencies(s.name, version),
        sidecars: rendered.sidecars(s),
        podAnnotations: rendered.podAnnotations(s),
        ingress: s.public ? { className: mesh.ingressClass, groupName: publicIngressGroup(this.naming), annotations: edge?.ingressAnnotations, host: edge?.host } : undefined,
        kubeletProbes: meshTls ? "tcp" : "http",
      });
      roles.set(s.name, svc.role.role.arn);
      if (svc.ingress && !ingressHostname) ingressHostname = svc.ingress.status.get(0).loadBalancer.get(0).ingress.get(0).hostname;

      const repo = [s.image, ...s.versions.map((v) => v.image ?? s.image)].find((i): i is { ecr: string; tag: string } => "ecr" in i);
      publishOutputs(this, serviceOutputs(s.name), {
        namespace: namespaces.get(s.namespace)!.metadata.name,
        roleArn: svc.role.role.arn,
        repositoryUrl: repo ? repos.get(repo.ecr)!.repositoryUrl : "",
      });
    }
    rendered.authorize(roles);
    const meshTlsOutput = config.mesh.tls.mode === "off" ? "off" : config.mesh.implementation === "appmesh" ? "appmesh-envoy-tls" : "lattice-https";
    publishOutputs(this, WORKLOADS_OUTPUTS, { ingressHostname, meshTls: meshTlsOutput });
    if (edge) edge.finish(this, ingressHostname);
    else publishNoEdge(this);
  }
}
