import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../config/load";


import { poolSatisfies } from "../config/schema/node-pool-scheduling";
import { formatFindings, scanStacks } from "../scripts/security-scan";
import { ec2NodeClassManifest, nodePoolManifest } from "../stacks/addons/karpenter/node-pools";
import { Naming } from "../facts/naming";
import { refusal } from "./support/config";
import { karpenterCrdErrors } from "./support/karpenter-crds";
import { policyOf, type Synthesized, synthPlatform, withDev } from "./support/synth";
import { KARPENTER_NODEPOOL_LABEL, nodeGroupLabels, nodePoolLabels, COMPUTE_LABEL, NODE_GROUP_LABEL } from "../facts/labels";

const KARPENTER = { cluster: { autoscaling: "karpenter", verticalPodAutoscaler: true } } as const;

/** Does a node with these labels satisfy a required nodeAffinity term list (Exists / DoesNotExist / In)? */
function affinityAdmits(terms: { matchExpressions: { key: string; operator: string; values?: string[] }[] }[], labels: Record<string, string>): boolean {
  return terms.some((t) =>
    t.matchExpressions.every((e) => {
      if (e.operator === "Exists") return e.key in labels;
      if (e.operator === "DoesNotExist") return !(e.key in labels);
      if (e.operator === "In") return e.values!.includes(labels[e.key]);
      throw new Error(`operator ${e.operator} not modelled`);
    }),
  );
}

describe("Karpenter config refusals name the field", () => {
  const karpenter = (pools: Record<string, unknown>, extra: Record<string, unknown> = {}) => withDev({ cluster: { autoscaling: "karpenter", karpenter: { nodePools: pools, ...extra } } } as never);

  it("refuses limits below one node of the pool's smallest instance", () => {
    expect(refusal(karpenter({ default: { instanceFamilies: ["m6i"], limits: { cpu: 1, memoryGiB: 4 } } }))).toBe(
      [
        "Invalid configuration in test config:",
        "  - cluster.karpenter.nodePools.default.limits.cpu: 1 vCPU is below one node: the smallest this pool can launch (m6i.large) has 2; raise the limit",
        "  - cluster.karpenter.nodePools.default.limits.memoryGiB: 4 GiB is below one node: the smallest this pool can launch (m6i.large) has 8 GiB; raise the limit",
        "Nothing was synthesized; fix the fields above and run synth again.",
      ].join("\n"),
    );
  });

  it("refuses an unknown instance family, and a family of the wrong architecture", () => {
    const message = refusal(karpenter({ default: { instanceFamilies: ["m9z", "m7g"] } }));
    expect(message).toContain('  - cluster.karpenter.nodePools.default.instanceFamilies[0]: "m9z" is not an instance family the platform knows; use one of t3, t3a, t4g,');
    expect(message).toContain('  - cluster.karpenter.nodePools.default.instanceFamilies[1]: "m7g" is arm64, but architectures is ["amd64"]; add "arm64" to architectures or pick an amd64 family');
  });

  it("refuses spot for a pool that must not be interrupted (spot-only or mixed)", () => {
    const expected =
      '  - cluster.karpenter.nodePools.critical.capacityTypes: includes "spot" but interruptible is false: AWS reclaims spot capacity with two minutes\' warning (and Karpenter launches spot first when both are allowed); use ["on-demand"] for this pool or set interruptible: true';
    expect(refusal(karpenter({ default: {}, critical: { capacityTypes: ["spot"], interruptible: false } }))).toContain(expected);
    expect(refusal(karpenter({ default: {}, critical: { capacityTypes: ["on-demand", "spot"], interruptible: false } }))).toContain(expected);
    expect(() => parseConfig(karpenter({ default: {}, critical: { capacityTypes: ["on-demand"], interruptible: false } }))).not.toThrow();
  });

  it("refuses categories and families together, reserved label domains, platform labels, half a budget window", () => {
    const message = refusal(
      karpenter({
        default: {
          instanceCategories: ["m"],
          instanceFamilies: ["m7i"],
          labels: { "karpenter.sh/team": "a", [NODE_GROUP_LABEL]: "general" },
          consolidation: { budgets: [{ nodes: "0", schedule: "0 9 * * mon-fri" }] },
        },
      }),
    );
    expect(message).toContain("  - cluster.karpenter.nodePools.default.instanceFamilies: is set together with instanceCategories; give one of them");
    expect(message).toContain("  - cluster.karpenter.nodePools.default.labels.karpenter.sh/team: uses a label domain Karpenter or Kubernetes reserves");
    expect(message).toContain(`  - cluster.karpenter.nodePools.default.labels.${NODE_GROUP_LABEL}: is set by the platform on every node; choose another label key`);
    expect(message).toContain("  - cluster.karpenter.nodePools.default.consolidation.budgets[0]: sets only one of schedule and duration;");
  });

  it("refuses bad durations and capacity types with the allowed values", () => {
    const message = refusal(karpenter({ default: { expireAfter: "30d", capacityTypes: ["reserved"] } }));
    expect(message).toContain('  - cluster.karpenter.nodePools.default.capacityTypes[0]: "reserved" is not a capacity type; use "on-demand" or "spot"');
    expect(message).toContain("cluster.karpenter.nodePools.default.expireAfter");
  });

  it("refuses more controller replicas than managed nodes to spread them on", () => {
    expect(refusal(karpenter({ default: {} }, { controllerReplicas: 3 }))).toContain(
      "  - cluster.karpenter.controllerReplicas: 3 replicas need as many managed nodes (one per node), but the untainted node groups start with 2; raise their desiredSize or lower controllerReplicas",
    );
  });

  it("refuses an EC2 service whose selector neither a node group nor a NodePool satisfies, listing both", () => {
    expect(refusal(withDev({ cluster: { autoscaling: "karpenter", nodeGroups: { workers: {} } } } as never))).toContain(
      '  - workloads.catalog: catalog "reference" (apps/reference.ts) services.frontend.nodeSelector: no node group or NodePool has the labels {"eks-mesh-platform/node-group":"general","eks-mesh-platform/compute":"ec2"}, so its pods could never be scheduled; node groups offer: workers {"eks-mesh-platform/compute":"ec2","eks-mesh-platform/node-group":"workers"}; NodePools offer: default {"eks-mesh-platform/compute":"ec2","eks-mesh-platform/node-pool":"default"}. Add the labels under cluster.nodeGroups.<name>.labels or cluster.karpenter.nodePools.<name>.labels or change the selector',
    );
  });

  it("refuses VPA without metrics-server", () => {
    expect(refusal(withDev({ cluster: { verticalPodAutoscaler: true }, mesh: { addons: { metricsServer: { enabled: false } } } } as never))).toContain(
      "  - cluster.verticalPodAutoscaler: is true, but the VPA recommender reads pod usage from metrics-server, which mesh.addons.metricsServer.enabled turns off; turn metrics-server on or VPA off",
    );
  });

  it("defaults: autoscaling none, one on-demand amd64 default pool, VPA off", () => {
    // The smallest config that synthesizes: everything at its default but the public edge, which has none.
    const c = parseConfig({ platform: { throwaway: true }, edge: { insecurePlainHttpForThrowawayEnvironment: true } });
    expect(c.cluster.autoscaling).toBe("none");
    expect(c.cluster.verticalPodAutoscaler).toBe(false);
    expect(c.cluster.karpenter.chartVersion).toBe("1.14.1");
    expect(c.cluster.karpenter.nodePools).toEqual({
      default: {
        capacityTypes: ["on-demand"],
        architectures: ["amd64"],
        limits: { cpu: 16, memoryGiB: 64 },
        labels: {},
        taints: [],
        interruptible: true,
        consolidation: { policy: "WhenEmptyOrUnderutilized", after: "1m", budgets: [{ nodes: "10%" }] },
        expireAfter: "720h",
        instances: { categories: ["c", "m", "r"] },
      },
    });
  });
});

describe("Karpenter custom resources validate against the v1.14.1 CRDs", () => {
  const naming = new Naming({ name: "eksmesh", environment: "dev", tags: { team: "platform" } });
  const config = parseConfig(
    withDev({
      cluster: {
        autoscaling: "karpenter",
        karpenter: {
          amiAlias: "al2023@v20251120",
          diskKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          nodePools: {
            default: {},
            batch: {
              instanceFamilies: ["m7g", "c7g", "m7i"],
              architectures: ["amd64", "arm64"],
              capacityTypes: ["on-demand", "spot"],
              limits: { cpu: 64, memoryGiB: 256 },
              labels: { workload: "batch" },
              taints: [{ key: "workload", value: "batch", effect: "NO_SCHEDULE" }],
              consolidation: { policy: "WhenEmpty", after: "5m", budgets: [{ nodes: "20%" }, { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Underutilized", "Drifted"] }] },
              expireAfter: "Never",
              weight: 10,
            },
          },
        },
      },
    } as never),
  );

  it("the EC2NodeClass", () => {
    const nodeClass = ec2NodeClassManifest(naming, config.cluster.karpenter, "eksmesh-dev-karpenter-node");
    expect(karpenterCrdErrors(nodeClass)).toEqual([]);
  });

  it.each(["default", "batch"])("NodePool %s", (name) => {
    expect(karpenterCrdErrors(nodePoolManifest(name, config.cluster.karpenter.nodePools[name]))).toEqual([]);
  });

  it("the validator rejects what the CRD rejects (it can fail)", () => {
    const bad = nodePoolManifest("default", config.cluster.karpenter.nodePools.default) as any;
    bad.spec.disruption.consolidationPolicy = "Sometimes";
    delete bad.spec.template.spec.nodeClassRef;
    expect(karpenterCrdErrors(bad).join("\n")).toMatch(/consolidationPolicy.*must be equal to one of the allowed values[\s\S]*nodeClassRef/);
  });
});

describe("synthesized with cluster.autoscaling karpenter and VPA", () => {
  let s: Synthesized;
  let plain: Synthesized;
  beforeAll(() => {
    s = synthPlatform(withDev(KARPENTER as never));
    plain = synthPlatform(withDev());
  }, 60_000);

  const manifests = (stack: Synthesized, kind: string) =>
    Object.entries(stack.resources("workloads", "kubernetes_manifest"))
      .filter(([, r]) => r.manifest.kind === kind)
      .map(([id, r]) => ({ id, manifest: r.manifest as any, resource: r }));

  it("every Karpenter custom resource it writes validates against the CRDs", () => {
    const resources = [...manifests(s, "EC2NodeClass"), ...manifests(s, "NodePool")];
    expect(resources.map((r) => r.id).sort()).toEqual(["karpenter-node-class", "karpenter-node-pool-default"]);
    for (const r of resources) expect(karpenterCrdErrors(r.manifest), r.id).toEqual([]);
  });

  it("discovery tags on the private subnets and the node security group are what the EC2NodeClass selects", () => {
    const nodeClass = manifests(s, "EC2NodeClass")[0].manifest;
    const subnetSelector = nodeClass.spec.subnetSelectorTerms[0].tags;
    const sgSelector = nodeClass.spec.securityGroupSelectorTerms[0].tags;
    expect(subnetSelector).toEqual({ "karpenter.sh/discovery": "eksmesh-dev" });
    const privateSubnets = Object.entries(s.resources("network", "aws_subnet")).filter(([id]) => id.startsWith("private-"));
    expect(privateSubnets).toHaveLength(2);
    for (const [, subnet] of privateSubnets) expect(subnet.tags).toMatchObject(subnetSelector);
    for (const [id, subnet] of Object.entries(s.resources("network", "aws_subnet")).filter(([id]) => id.startsWith("public-"))) {
      expect(subnet.tags, id).not.toHaveProperty("karpenter.sh/discovery");
    }
    const sgTag = s.resource("cluster", "aws_ec2_tag", "karpenter-security-group-discovery-tag");
    expect({ [sgTag.key]: sgTag.value }).toEqual(sgSelector);
    expect(sgTag.resource_id).toBe("${aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id}");
  });

  it("the EC2NodeClass: AL2023 by alias, IMDSv2 with hop limit 1, encrypted gp3, the node role, the platform's tags", () => {
    const spec = manifests(s, "EC2NodeClass")[0].manifest.spec;
    expect(spec.amiSelectorTerms).toEqual([{ alias: "al2023@latest" }]);
    expect(spec.metadataOptions).toEqual({ httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
    expect(spec.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: "20Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } }]);
    expect(spec.role).toBe("${data.terraform_remote_state.remote-state-cluster.outputs.karpenter_node_role_name}");
    expect(spec.tags).toMatchObject({ "eks-mesh-platform/project": "eksmesh", "eks-mesh-platform/environment": "dev", "eks-mesh-platform/managed-by": "karpenter" });
    // Keys the CRD's CEL rules forbid (ajv does not evaluate CEL).
    for (const key of Object.keys(spec.tags)) expect(key).not.toMatch(/^(kubernetes\.io\/cluster\/|karpenter\.sh\/nodepool$|eks:eks-cluster-name$|karpenter\.sh\/nodeclaim$|karpenter\.k8s\.aws\/ec2nodeclass$)/);
  });

  it("the controller cannot be scheduled onto nodes it manages, only onto the managed node group", () => {
    const values = parse(s.resource("mesh", "helm_release", "karpenter").values[0]);
    const terms = values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const config = s.config;
    for (const [name, pool] of Object.entries(config.cluster.karpenter.nodePools)) {
      // What a Karpenter node carries: the pool's template labels plus karpenter.sh/nodepool.
      const labels = { ...(manifests(s, "NodePool").find((m) => m.id === `karpenter-node-pool-${name}`)!.manifest.spec.template.metadata.labels as Record<string, string>), [KARPENTER_NODEPOOL_LABEL]: name };
      expect(labels).toEqual({ ...nodePoolLabels(name, pool), [KARPENTER_NODEPOOL_LABEL]: name });
      expect(affinityAdmits(terms, labels), name).toBe(false);
    }
    for (const [name, group] of Object.entries(config.cluster.nodeGroups)) expect(affinityAdmits(terms, nodeGroupLabels(name, group)), name).toBe(true);
    expect(values.nodeSelector).toEqual({ [COMPUTE_LABEL]: "ec2", "kubernetes.io/os": "linux" });
    expect(values.replicas).toBe(2);
  });

  it("the controller: pinned chart from its OCI repository, CRDs applied by Terraform, IRSA, the interruption queue", () => {
    const release = s.resource("mesh", "helm_release", "karpenter");
    expect(release).toMatchObject({ repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1", namespace: "karpenter", skip_crds: true, atomic: true });
    const template = s.data("mesh", "helm_template")["karpenter-chart"];
    expect(template).toMatchObject({ repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1", include_crds: true });
    const values = parse(release.values[0]);
    expect(values.settings).toEqual({
      clusterName: "${data.terraform_remote_state.remote-state-cluster.outputs.cluster_name}",
      interruptionQueue: "${data.terraform_remote_state.remote-state-cluster.outputs.karpenter_interruption_queue_name}",
    });
    expect(values.controller.env).toEqual([{ name: "AWS_REGION", value: "us-east-1" }]);
    expect(values.controller.resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1024Mi" } });
    expect(values.serviceAccount).toEqual({ create: true, name: "karpenter", annotations: { "eks.amazonaws.com/role-arn": "${data.terraform_remote_state.remote-state-cluster.outputs.karpenter_controller_role_arn}" } });
    const trust = policyOf(JSON.stringify(toPolicy(s.data("cluster", "aws_iam_policy_document")["karpenter-controller-trust"])));
    expect(JSON.stringify(trust)).toContain("system:serviceaccount:karpenter:karpenter");
  });

  it("the interruption rules (spot, rebalance, state change, health) target the queue", () => {
    const rules = s.resources("cluster", "aws_cloudwatch_event_rule");
    const patterns = Object.fromEntries(Object.entries(rules).filter(([id]) => id.startsWith("karpenter-")).map(([id, r]) => [id, JSON.parse(r.event_pattern)]));
    expect(patterns).toEqual({
      "karpenter-spot-rule": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
      "karpenter-rebalance-rule": { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
      "karpenter-state-change-rule": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
      "karpenter-health-rule": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
      "karpenter-reservation-rule": { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
    });
    const targets = s.resources("cluster", "aws_cloudwatch_event_target");
    for (const id of Object.keys(patterns)) {
      const target = targets[id.replace(/-rule$/, "-target")];
      expect(target, id).toMatchObject({ rule: `\${aws_cloudwatch_event_rule.${id}.name}`, arn: "${aws_sqs_queue.karpenter-interruption-queue.arn}" });
    }
  });

  it("the queue is encrypted, and its policy lets EventBridge (from these rules) in and nobody else", () => {
    expect(s.resource("cluster", "aws_sqs_queue", "karpenter-interruption-queue")).toMatchObject({ name: "eksmesh-dev-karpenter-interruption", sqs_managed_sse_enabled: true, message_retention_seconds: 300 });
    expect(s.resource("cluster", "aws_sqs_queue_policy", "karpenter-interruption-queue-policy").queue_url).toBe("${aws_sqs_queue.karpenter-interruption-queue.id}");
    const doc = s.data("cluster", "aws_iam_policy_document")["karpenter-interruption-queue-policy"];
    const allows = doc.statement.filter((st: any) => (st.effect ?? "Allow") === "Allow");
    expect(allows).toEqual([
      {
        sid: "EventBridgeRulesOnly",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        actions: ["sqs:SendMessage"],
        resources: ["${aws_sqs_queue.karpenter-interruption-queue.arn}"],
        condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ["spot", "rebalance", "state-change", "health", "reservation"].map((k) => `\${aws_cloudwatch_event_rule.karpenter-${k}-rule.arn}`) }],
      },
    ]);
    const deny = doc.statement.find((st: any) => st.effect === "Deny");
    expect(deny).toMatchObject({ actions: ["sqs:*"], principals: [{ type: "*", identifiers: ["*"] }], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
  });

  it("the node role: its own access entry of type EC2_LINUX, no instance profile (Karpenter v1 creates it), least-privilege policies", () => {
    expect(s.resource("cluster", "aws_eks_access_entry", "karpenter-node-access-entry")).toMatchObject({ type: "EC2_LINUX", principal_arn: "${aws_iam_role.karpenter-node-role.arn}" });
    expect(s.resources("cluster", "aws_iam_instance_profile")).toEqual({});
    const attached = Object.entries(s.resources("cluster", "aws_iam_role_policy_attachment"))
      .filter(([id]) => id.startsWith("karpenter-node-role-"))
      .map(([, a]) => a.policy_arn.replace(/^.*policy\//, ""));
    expect(attached.sort()).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy"]);
  });

  it("the controller's policies are scoped as upstream scopes them: tagged writes, PassRole on the node role only", () => {
    const docs = s.data("cluster", "aws_iam_policy_document");
    const statements = ["node-lifecycle", "iam-integration", "eks-integration", "interruption", "zonal-shift", "resource-discovery"].flatMap((g) => docs[`karpenter-controller-${g}`].statement as any[]);
    const byId = Object.fromEntries(statements.map((st) => [st.sid, st]));
    expect(byId.AllowPassingInstanceRole).toMatchObject({ actions: ["iam:PassRole"], resources: ["${aws_iam_role.karpenter-node-role.arn}"] });
    expect(byId.AllowScopedDeletion.condition).toEqual([
      { test: "StringEquals", variable: "aws:ResourceTag/kubernetes.io/cluster/eksmesh-dev", values: ["owned"] },
      { test: "StringLike", variable: "aws:ResourceTag/karpenter.sh/nodepool", values: ["*"] },
    ]);
    expect(byId.AllowInterruptionQueueActions.resources).toEqual(["${aws_sqs_queue.karpenter-interruption-queue.arn}"]);
    // "*" only for actions that have no resource-level permissions.
    const unscoped = statements.filter((st) => st.resources.includes("*")).flatMap((st) => st.actions).sort();
    expect(unscoped).toEqual(
      [
        "arc-zonal-shift:GetManagedResource",
        "iam:ListInstanceProfiles",
        "pricing:GetProducts",
        ...["CapacityReservations", "Images", "Instances", "InstanceStatus", "InstanceTypeOfferings", "InstanceTypes", "LaunchTemplates", "PlacementGroups", "SecurityGroups", "SpotPriceHistory", "Subnets"].map((k) => `ec2:Describe${k}`),
      ].sort(),
    );
    const attachments = Object.keys(s.resources("cluster", "aws_iam_role_policy_attachment")).filter((id) => id.startsWith("karpenter-controller-managed-"));
    expect(attachments).toHaveLength(6);
  });

  it("the catalog does not change: EC2 pods keep their selector, and the default NodePool carries the compute label", () => {
    const deployments = (x: Synthesized) => x.resources("workloads", "kubernetes_deployment_v1");
    for (const [id, d] of Object.entries(deployments(plain))) {
      expect(deployments(s)[id].spec.template.spec.node_selector, id).toEqual(d.spec.template.spec.node_selector);
    }
    const pool = s.config.cluster.karpenter.nodePools.default;
    expect(poolSatisfies("default", pool, { [COMPUTE_LABEL]: "ec2" })).toBe(true);
    // A service pinned to a node group by name (the reference frontend) stays there.
    expect(poolSatisfies("default", pool, { [COMPUTE_LABEL]: "ec2", [NODE_GROUP_LABEL]: "general" })).toBe(false);
  });

  it("an EC2 service selecting a pool's label gets the pool's taints tolerated", () => {
    const t = synthPlatform(
      withDev({
        workloads: { catalog: "yelb" },
        cluster: { autoscaling: "karpenter", karpenter: { nodePools: { default: { taints: [{ key: "capacity", value: "karpenter", effect: "NO_SCHEDULE" }] } } } },
      } as never),
    );
    const tolerations = Object.values(t.resources("workloads", "kubernetes_deployment_v1"))
      .filter((d) => d.spec.template.spec.node_selector?.[COMPUTE_LABEL] === "ec2")
      .map((d) => d.spec.template.spec.toleration);
    expect(tolerations.length).toBeGreaterThan(0);
    for (const list of tolerations) expect(list).toContainEqual(expect.objectContaining({ key: "capacity", value: "karpenter", effect: "NoSchedule" }));
  }, 60_000);

  it("the managed node group's desired size stays with whoever scales it (ignore_changes)", () => {
    expect(s.resource("cluster", "aws_eks_node_group", "node-group-general").lifecycle).toEqual({ ignore_changes: ["scaling_config[0].desired_size"] });
  });

  it("VPA: the recommender only, and a recommendation-only VerticalPodAutoscaler per Deployment", () => {
    const release = s.resource("mesh", "helm_release", "vertical-pod-autoscaler");
    expect(release).toMatchObject({ repository: "https://charts.fairwinds.com/stable", chart: "vpa", version: "5.0.0", namespace: "kube-system", skip_crds: true });
    const values = parse(release.values[0]);
    expect(values.recommender).toMatchObject({ enabled: true, nodeSelector: { [COMPUTE_LABEL]: "ec2" } });
    expect(values.updater.enabled).toBe(false);
    expect(values.admissionController.enabled).toBe(false);
    const vpas = manifests(s, "VerticalPodAutoscaler");
    const deployments = Object.values(s.resources("workloads", "kubernetes_deployment_v1")).map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
    const namespaceRef = (ns: string) => `\${kubernetes_namespace_v1.namespace-${ns}.metadata[0].name}`;
    expect(vpas.map((v) => `${namespaceRef(v.manifest.metadata.namespace)}/${v.manifest.spec.targetRef.name}`).sort()).toEqual(deployments.sort());
    for (const v of vpas) {
      expect(v.manifest.spec.updatePolicy).toEqual({ updateMode: "Off" });
      expect(v.manifest.apiVersion).toBe("autoscaling.k8s.io/v1");
    }
  });

  it("with autoscaling none nothing of Karpenter or VPA is created, and the outputs are empty", () => {
    expect(Object.keys(plain.stack("cluster").resource!).filter((t) => /sqs|cloudwatch_event|ec2_tag/.test(t))).toEqual([]);
    expect(plain.resources("mesh", "helm_release")).not.toHaveProperty("karpenter");
    expect(plain.resources("mesh", "helm_release")).not.toHaveProperty("vertical-pod-autoscaler");
    expect(Object.values(plain.resources("workloads", "kubernetes_manifest")).filter((m) => /NodePool|EC2NodeClass|VerticalPodAutoscaler/.test(m.manifest.kind))).toEqual([]);
    for (const [, subnet] of Object.entries(plain.resources("network", "aws_subnet"))) expect(subnet.tags).not.toHaveProperty("karpenter.sh/discovery");
    const outputs = plain.stack("cluster").output!;
    expect(outputs.karpenter_node_role_name.value).toBe("");
    expect(outputs.karpenter_interruption_queue_name.value).toBe("");
    expect(s.stack("cluster").output!.karpenter_interruption_queue_name.value).toBe("${aws_sqs_queue.karpenter-interruption-queue.name}");
  });

  it("Checkov finds nothing to fail in any stack", () => {
    const report = scanStacks(path.join(s.outdir, "stacks"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    const checked = new Set(report.passedChecks.map((p) => p.resource));
    expect([...checked].some((r) => r.includes("karpenter-interruption-queue"))).toBe(true);
  }, 120_000);
});

/** A policy document data source as IAM JSON (enough for substring checks). */
function toPolicy(doc: Record<string, any>): unknown {
  return { Statement: doc.statement };
}
