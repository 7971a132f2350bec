import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type FargateProfile, validateFargateProfiles } from "../config/schema/cluster";
import type { PlatformConfigInput } from "../config/schema";
import { formatFindings, scanStacks } from "../scripts/security-scan";
import { principalSlug } from "../stacks/cluster/stack";
import { policyOf, scratchDir, synthPlatform, withDev } from "./support/synth";
import { DEFAULT_ADDON_VERSIONS } from "../facts/eks-versions";
import { FARGATE_LIMITS } from "../facts/fargate";

const PRIVATE_SUBNETS = "${data.terraform_remote_state.remote-state-network.outputs.private_subnet_ids}";
const CLUSTER_NAME = "${aws_eks_cluster.cluster.name}";
const ADMIN_ROLE = "arn:aws:iam::123456789012:role/platform-admins";
const ADMIN_USER = "arn:aws:iam::123456789012:user/alice";

/** Every switch on: public endpoint (narrow CIDR), admins, SSM, CNI on the node role, Fargate profiles, two node groups. */
const everythingOn: PlatformConfigInput = withDev({
  state: { backend: "s3", bucket: "team-tf-state", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/team-tf-state" },
  cluster: {
    supportType: "EXTENDED",
    endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] },
    logging: { retentionDays: 731 },
    adminPrincipalArns: [ADMIN_ROLE, ADMIN_USER],
    vpcCniIrsa: false,
    nodeSsmAccess: true,
    fargateProfiles: {
      apis: { selectors: [{ namespace: "apis" }, { namespace: "shop", labels: { "eks-mesh-platform/compute": "fargate" } }] },
      batch: { selectors: [{ namespace: "batch", labels: { tier: "jobs" } }] },
    },
    nodeGroups: {
      general: { minSize: 2, desiredSize: 2, maxSize: 4 },
      frontend: {
        instanceTypes: ["t3.large", "t3a.large"],
        capacityType: "SPOT",
        amiType: "BOTTLEROCKET_x86_64",
        diskSizeGiB: 40,
        diskKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        labels: { app: "frontend" },
        taints: [{ key: "dedicated", value: "frontend", effect: "NO_SCHEDULE" }],
        maxUnavailable: 2,
      },
    },
  },
});

describe("cluster stack, default (dev) config", () => {
  const s = synthPlatform();
  const cluster = s.resource("cluster", "aws_eks_cluster", "cluster");

  it("reads its subnets from the network stack's state and creates no network of its own", () => {
    const remote = s.data("cluster", "terraform_remote_state")["remote-state-network"];
    expect(remote).toMatchObject({ backend: "local", config: { path: "../../../state/dev/network.tfstate" } });
    expect(cluster.vpc_config.subnet_ids).toBe(PRIVATE_SUBNETS);
    for (const type of ["aws_vpc", "aws_subnet", "aws_route_table", "aws_nat_gateway", "aws_security_group"]) {
      expect(s.resources("cluster", type)).toEqual({});
    }
    expect(JSON.stringify(s.stack("cluster"))).not.toContain("public_subnet_ids");
    expect(s.manifest.stacks.cluster.dependencies).toEqual(["network"]);
  });

  it("is named after the platform prefix and runs the pinned Kubernetes version", () => {
    expect(cluster).toMatchObject({ name: "eksmesh-dev", version: "1.35", upgrade_policy: { support_type: "STANDARD" } });
    expect(s.config.cluster.kubernetesVersion).toBe("1.35");
  });

  it("keeps the API private: private endpoint on, public endpoint off, no CIDRs", () => {
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(cluster.vpc_config).not.toHaveProperty("public_access_cidrs");
  });

  it("envelope-encrypts secrets with a rotating KMS key the control plane may use", () => {
    expect(cluster.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: "${aws_kms_key.secrets-key.arn}" } });
    expect(s.resource("cluster", "aws_kms_key", "secrets-key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(s.resource("cluster", "aws_kms_alias", "secrets-key-alias").name).toBe("alias/eksmesh-dev-eks-secrets");
    const use = s.data("cluster", "aws_iam_policy_document")["cluster-role-secrets-key"];
    expect(use.statement).toEqual([expect.objectContaining({ resources: ["${aws_kms_key.secrets-key.arn}"], actions: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"] })]);
    expect(s.resource("cluster", "aws_iam_role_policy", "cluster-role-secrets-key-policy").role).toBe("${aws_iam_role.cluster-role.id}");
  });

  it("sends all five control-plane log types to a KMS-encrypted group with retention, created before the cluster", () => {
    expect(cluster.enabled_cluster_log_types).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    const group = s.resource("cluster", "aws_cloudwatch_log_group", "control-plane-log-group");
    expect(group).toMatchObject({ name: "/aws/eks/eksmesh-dev/cluster", retention_in_days: 365, kms_key_id: "${aws_kms_key.cluster-logs-key.arn}" });
    expect(cluster.depends_on).toContain("aws_cloudwatch_log_group.control-plane-log-group");
    const keyPolicy = policyOf(s.resource("cluster", "aws_kms_key", "cluster-logs-key").policy);
    const grant = keyPolicy.Statement.find((st) => st.Principal.Service === "logs.us-east-1.amazonaws.com")!;
    expect(grant.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"][0]).toMatch(/:log-group:\/aws\/eks\/eksmesh-dev\/cluster$/);
  });

  it("uses access entries only: API mode, no creator bootstrap, the deployer as admin unless already listed", () => {
    expect(cluster.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
    const entry = s.resource("cluster", "aws_eks_access_entry", "admin-deployer");
    expect(entry).toMatchObject({ cluster_name: CLUSTER_NAME, principal_arn: "${data.aws_iam_session_context.deployer.issuer_arn}", type: "STANDARD" });
    expect(entry.count).toBe("${contains([], data.aws_iam_session_context.deployer.issuer_arn) ? 0 : 1}");
    expect(s.resource("cluster", "aws_eks_access_policy_association", "admin-deployer-cluster-admin")).toMatchObject({
      count: entry.count,
      policy_arn: "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      access_scope: { type: "cluster" },
    });
    expect(s.data("cluster", "aws_iam_session_context").deployer.arn).toBe("${data.aws_caller_identity.current.arn}");
    // No aws-auth ConfigMap, and no entries for node or pod execution roles (EKS creates those itself).
    expect(JSON.stringify(s.stack("cluster"))).not.toContain("aws-auth");
    expect(Object.keys(s.resources("cluster", "aws_eks_access_entry"))).toEqual(["admin-deployer"]);
  });

  it("creates the IAM OIDC provider for IRSA without a thumbprint", () => {
    const oidc = s.resource("cluster", "aws_iam_openid_connect_provider", "oidc-provider");
    expect(oidc).toMatchObject({ url: "${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}", client_id_list: ["sts.amazonaws.com"] });
    expect(oidc).not.toHaveProperty("thumbprint_list");
  });

  it("gives the control plane, Fargate and the nodes separate, minimal roles", () => {
    const attachments = s.resources("cluster", "aws_iam_role_policy_attachment");
    const policyOfAttachment = (id: string) => attachments[id].policy_arn.replace("arn:${data.aws_partition.current.partition}:iam::aws:policy/", "");
    expect(policyOfAttachment("cluster-role-cluster-policy")).toBe("AmazonEKSClusterPolicy");
    expect(policyOfAttachment("fargate-pod-execution-policy")).toBe("AmazonEKSFargatePodExecutionRolePolicy");
    const nodeAttachments = Object.keys(attachments).filter((id) => attachments[id].role === "${aws_iam_role.node-role.name}");
    expect(nodeAttachments.map(policyOfAttachment).sort()).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy"]);

    const trust = s.data("cluster", "aws_iam_policy_document");
    expect(trust["cluster-role-trust"].statement[0].principals).toEqual([{ type: "Service", identifiers: ["eks.amazonaws.com"] }]);
    expect(trust["node-role-trust"].statement[0].principals).toEqual([{ type: "Service", identifiers: ["ec2.amazonaws.com"] }]);
    expect(trust["fargate-pod-execution-trust"].statement[0]).toMatchObject({
      principals: [{ type: "Service", identifiers: ["eks-fargate-pods.amazonaws.com"] }],
      condition: [{ test: "ArnLike", variable: "aws:SourceArn", values: ["arn:${data.aws_partition.current.partition}:eks:us-east-1:${data.aws_caller_identity.current.account_id}:fargateprofile/eksmesh-dev/*"] }],
    });
    expect(s.resource("cluster", "aws_iam_role", "node-role").name).toBe("eksmesh-dev-eks-node");
  });

  it("runs vpc-cni (aws-node) on its own IRSA role, trusted only for kube-system/aws-node", () => {
    expect(s.resource("cluster", "aws_iam_role", "vpc-cni-irsa").assume_role_policy).toBe("${data.aws_iam_policy_document.vpc-cni-irsa-trust.json}");
    const trust = s.data("cluster", "aws_iam_policy_document")["vpc-cni-irsa-trust"].statement[0];
    const issuer = '${replace(aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}';
    expect(trust).toMatchObject({
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: ["${aws_iam_openid_connect_provider.oidc-provider.arn}"] }],
      condition: [
        { test: "StringEquals", variable: `${issuer}:sub`, values: ["system:serviceaccount:kube-system:aws-node"] },
        { test: "StringEquals", variable: `${issuer}:aud`, values: ["sts.amazonaws.com"] },
      ],
    });
    expect(s.resource("cluster", "aws_iam_role_policy_attachment", "vpc-cni-irsa-managed-0").policy_arn).toMatch(/:policy\/AmazonEKS_CNI_Policy$/);
    expect(s.resource("cluster", "aws_eks_addon", "addon-vpc-cni").service_account_role_arn).toBe("${aws_iam_role.vpc-cni-irsa.arn}");
  });

  it("installs the core add-ons pinned, overwriting conflicts; vpc-cni and kube-proxy before the nodes, CoreDNS after", () => {
    const addons = s.resources("cluster", "aws_eks_addon");
    // Plus the CloudWatch observability add-on (observability.logs.ec2, asserted in observability.test.ts).
    expect(Object.keys(addons).sort()).toEqual(["addon-amazon-cloudwatch-observability", "addon-coredns", "addon-kube-proxy", "addon-vpc-cni"]);
    for (const [name, version] of Object.entries(DEFAULT_ADDON_VERSIONS)) {
      expect(addons[`addon-${name}`]).toMatchObject({ addon_name: name, addon_version: version, cluster_name: CLUSTER_NAME, resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" });
    }
    expect(addons["addon-coredns"].depends_on).toEqual(["aws_eks_node_group.node-group-general"]);
    expect(s.resource("cluster", "aws_eks_node_group", "node-group-general").depends_on).toEqual(expect.arrayContaining(["aws_eks_addon.addon-vpc-cni", "aws_eks_addon.addon-kube-proxy"]));
  });

  it("has one managed node group 'general' in private subnets, labelled, sized 1/2/3, version-tracking its launch template", () => {
    const group = s.resource("cluster", "aws_eks_node_group", "node-group-general");
    expect(group).toMatchObject({
      node_group_name: "general",
      cluster_name: CLUSTER_NAME,
      version: "${aws_eks_cluster.cluster.version}",
      subnet_ids: PRIVATE_SUBNETS,
      ami_type: "AL2023_x86_64_STANDARD",
      capacity_type: "ON_DEMAND",
      instance_types: ["t3.medium"],
      scaling_config: { min_size: 1, desired_size: 2, max_size: 3 },
      update_config: { max_unavailable: 1 },
      labels: { "eks-mesh-platform/compute": "ec2", "eks-mesh-platform/node-group": "general" },
      launch_template: { id: "${aws_launch_template.node-group-general.id}", version: "${aws_launch_template.node-group-general.latest_version}" },
      lifecycle: { ignore_changes: ["scaling_config[0].desired_size"] },
    });
    expect(group).not.toHaveProperty("disk_size");
    expect(group).not.toHaveProperty("taint");
    expect(s.resource("cluster", "aws_launch_template", "node-group-general")).toMatchObject({ name: "eksmesh-dev-node-general", update_default_version: true });
  });

  it("publishes every output the mesh and workloads stacks read, under their contract names", () => {
    const out = s.stack("cluster").output!;
    expect(out).toMatchObject({
      cluster_name: { value: CLUSTER_NAME },
      cluster_endpoint: { value: "${aws_eks_cluster.cluster.endpoint}" },
      cluster_certificate_authority_data: { value: "${aws_eks_cluster.cluster.certificate_authority[0].data}" },
      cluster_version: { value: "${aws_eks_cluster.cluster.version}" },
      oidc_provider_arn: { value: "${aws_iam_openid_connect_provider.oidc-provider.arn}" },
      oidc_issuer_url: { value: "${aws_eks_cluster.cluster.identity[0].oidc[0].issuer}" },
      cluster_security_group_id: { value: "${aws_eks_cluster.cluster.vpc_config[0].cluster_security_group_id}" },
      node_role_arn: { value: "${aws_iam_role.node-role.arn}" },
      fargate_pod_execution_role_arn: { value: "${aws_iam_role.fargate-pod-execution-role.arn}" },
      secrets_kms_key_arn: { value: "${aws_kms_key.secrets-key.arn}" },
      cluster_arn: { value: "${aws_eks_cluster.cluster.arn}" },
      node_group_names: { value: ["${aws_eks_node_group.node-group-general.node_group_name}"] },
    });
    expect(out.fargate_profile_names.value).toEqual(Object.keys(s.config.cluster.fargateProfiles).sort().map((n) => `\${aws_eks_fargate_profile.fargate-profile-${n}.fargate_profile_name}`));
    for (const o of Object.values(out)) expect(o.sensitive).toBe(false);
  });

  it("creates exactly the Fargate profiles of the resolved config (none written by default) and none for kube-system", () => {
    const resolved = s.config.cluster.fargateProfiles;
    const profiles = s.resources("cluster", "aws_eks_fargate_profile");
    expect(Object.keys(profiles).sort()).toEqual(Object.keys(resolved).sort().map((n) => `fargate-profile-${n}`));
    for (const [name, p] of Object.entries(resolved)) {
      expect(profiles[`fargate-profile-${name}`]).toMatchObject({ fargate_profile_name: name, subnet_ids: PRIVATE_SUBNETS });
      expect(p.selectors.map((sel) => sel.namespace)).not.toContain("kube-system");
    }
  });

  it("uses readable addresses without cdktf hashes, identical on every synth", () => {
    const stack = s.stack("cluster");
    const blocks = [...Object.values(stack.resource ?? {}), ...Object.values(stack.data ?? {})];
    for (const ids of blocks) for (const id of Object.keys(ids)) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const again = synthPlatform(withDev(), scratchDir());
    expect(fs.readFileSync(path.join(again.outdir, "stacks/cluster/cdk.tf.json"), "utf8")).toBe(fs.readFileSync(path.join(s.outdir, "stacks/cluster/cdk.tf.json"), "utf8"));
  });
});

describe("cluster stack, everything on", () => {
  const s = synthPlatform(everythingOn);
  const cluster = s.resource("cluster", "aws_eks_cluster", "cluster");

  it("opens the public endpoint to the listed CIDRs only, with the Checkov exception recorded next to the cluster", () => {
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24", "198.51.100.0/24"] });
    expect(cluster["//"].checkov).toEqual([expect.stringMatching(/^checkov:skip=CKV_AWS_39:public endpoint turned on explicitly by cluster\.endpoint\.publicAccess/)]);
    expect(cluster.upgrade_policy).toEqual({ support_type: "EXTENDED" });
    expect(s.resource("cluster", "aws_cloudwatch_log_group", "control-plane-log-group").retention_in_days).toBe(731);
  });

  it("reads network outputs through the S3 backend the network stack writes with", () => {
    expect(s.data("cluster", "terraform_remote_state")["remote-state-network"]).toMatchObject({ backend: "s3", config: { bucket: "team-tf-state", key: "eks-mesh-platform/dev/network.tfstate" } });
  });

  it("gives each configured admin an access entry and a cluster-scoped admin policy, under readable IDs", () => {
    expect(principalSlug(ADMIN_ROLE)).toBe("123456789012-role-platform-admins");
    expect(principalSlug("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc")).toBe("123456789012-role-AWSReservedSSO_Admin_abc");
    const entries = s.resources("cluster", "aws_eks_access_entry");
    expect(Object.keys(entries).sort()).toEqual(["admin-123456789012-role-platform-admins", "admin-123456789012-user-alice", "admin-deployer"]);
    expect(entries["admin-123456789012-role-platform-admins"]).toMatchObject({ principal_arn: ADMIN_ROLE, cluster_name: CLUSTER_NAME, type: "STANDARD" });
    expect(s.resource("cluster", "aws_eks_access_policy_association", "admin-123456789012-user-alice-cluster-admin")).toMatchObject({
      principal_arn: "${aws_eks_access_entry.admin-123456789012-user-alice.principal_arn}",
      policy_arn: expect.stringMatching(/:cluster-access-policy\/AmazonEKSClusterAdminPolicy$/),
      access_scope: { type: "cluster" },
    });
    expect(entries["admin-deployer"].count).toBe(`\${contains(["${ADMIN_ROLE}", "${ADMIN_USER}"], data.aws_iam_session_context.deployer.issuer_arn) ? 0 : 1}`);
  });

  it("puts the CNI policy on the node role when IRSA is off, and adds SSM when asked", () => {
    expect(s.resources("cluster", "aws_iam_role")).not.toHaveProperty("vpc-cni-irsa");
    expect(s.resource("cluster", "aws_eks_addon", "addon-vpc-cni")).not.toHaveProperty("service_account_role_arn");
    const attachments = s.resources("cluster", "aws_iam_role_policy_attachment");
    const onNode = Object.values(attachments).filter((a) => a.role === "${aws_iam_role.node-role.name}").map((a) => a.policy_arn.split("/").pop());
    expect(onNode.sort()).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"]);
  });

  it("creates the Fargate profiles in private subnets only, chained one after another in name order", () => {
    const profiles = s.resources("cluster", "aws_eks_fargate_profile");
    // The user's two, plus any the workloads catalog generates into the resolved config.
    const names = Object.keys(s.config.cluster.fargateProfiles).sort();
    expect(names).toEqual(expect.arrayContaining(["apis", "batch"]));
    expect(Object.keys(profiles).sort()).toEqual(names.map((n) => `fargate-profile-${n}`));
    for (const p of Object.values(profiles)) {
      expect(p).toMatchObject({ cluster_name: CLUSTER_NAME, subnet_ids: PRIVATE_SUBNETS, pod_execution_role_arn: "${aws_iam_role.fargate-pod-execution-role.arn}" });
    }
    expect(profiles["fargate-profile-apis"]).toMatchObject({
      fargate_profile_name: "apis",
      selector: [{ namespace: "apis" }, { namespace: "shop", labels: { "eks-mesh-platform/compute": "fargate" } }],
      depends_on: ["aws_iam_role_policy_attachment.fargate-pod-execution-policy"],
    });
    expect(profiles["fargate-profile-apis"].selector[0]).not.toHaveProperty("labels");
    expect(profiles["fargate-profile-batch"]).toMatchObject({ selector: [{ namespace: "batch", labels: { tier: "jobs" } }], depends_on: ["aws_eks_fargate_profile.fargate-profile-apis"] });
    expect(s.stack("cluster").output!.fargate_profile_names.value).toEqual(names.map((n) => `\${aws_eks_fargate_profile.fargate-profile-${n}.fargate_profile_name}`));
  });

  it("chains any number of profiles in name order, whatever order the config lists them in", () => {
    const chained = synthPlatform(
      withDev({ cluster: { fargateProfiles: { zeta: { selectors: [{ namespace: "z" }] }, alpha: { selectors: [{ namespace: "a" }] }, mid: { selectors: [{ namespace: "m" }] } } } }),
    );
    const profiles = chained.resources("cluster", "aws_eks_fargate_profile");
    const ids = Object.keys(chained.config.cluster.fargateProfiles).sort().map((n) => `fargate-profile-${n}`);
    expect(Object.keys(profiles).sort()).toEqual(ids);
    ids.forEach((id, i) => {
      expect(profiles[id].depends_on).toEqual([i === 0 ? "aws_iam_role_policy_attachment.fargate-pod-execution-policy" : `aws_eks_fargate_profile.${ids[i - 1]}`]);
    });
    expect(ids.indexOf("fargate-profile-alpha")).toBeLessThan(ids.indexOf("fargate-profile-mid"));
    expect(ids.indexOf("fargate-profile-mid")).toBeLessThan(ids.indexOf("fargate-profile-zeta"));
  });

  it("builds a hardened launch template per node group and never allows remote access", () => {
    const templates = s.resources("cluster", "aws_launch_template");
    const groups = s.resources("cluster", "aws_eks_node_group");
    expect(Object.keys(groups).sort()).toEqual(["node-group-frontend", "node-group-general"]);
    expect(Object.keys(templates).sort()).toEqual(["node-group-frontend", "node-group-general"]);
    for (const [id, t] of Object.entries(templates)) {
      expect(t.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1, instance_metadata_tags: "disabled" });
      expect(t.monitoring).toEqual({ enabled: true });
      for (const m of t.block_device_mappings) expect(m.ebs).toMatchObject({ encrypted: "true", volume_type: "gp3" });
      expect(t).not.toHaveProperty("key_name");
      expect(t).not.toHaveProperty("image_id");
      expect(groups[id]).not.toHaveProperty("remote_access");
      expect(groups[id].subnet_ids).toBe(PRIVATE_SUBNETS);
      expect(groups[id].launch_template.version).toBe(`\${aws_launch_template.${id}.latest_version}`);
    }
    expect(templates["node-group-frontend"].block_device_mappings).toEqual([
      { device_name: "/dev/xvdb", ebs: { volume_size: 40, volume_type: "gp3", encrypted: "true", kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", delete_on_termination: "true" } },
    ]);
    expect(groups["node-group-frontend"]).toMatchObject({
      capacity_type: "SPOT",
      ami_type: "BOTTLEROCKET_x86_64",
      instance_types: ["t3.large", "t3a.large"],
      labels: { "eks-mesh-platform/compute": "ec2", "eks-mesh-platform/node-group": "frontend", app: "frontend" },
      taint: [{ key: "dedicated", value: "frontend", effect: "NO_SCHEDULE" }],
      update_config: { max_unavailable: 2 },
    });
    expect(s.resource("cluster", "aws_eks_addon", "addon-coredns").depends_on).toEqual(["aws_eks_node_group.node-group-frontend", "aws_eks_node_group.node-group-general"]);
  });
});

describe("refused cluster configs name the field, the problem and what is allowed", () => {
  const refused = (cluster: Record<string, unknown>) => () => synthPlatform(withDev({ cluster } as PlatformConfigInput));
  const profile = (...namespaces: string[]) => ({ selectors: namespaces.map((namespace) => ({ namespace })) });
  it.each([
    ["min > desired", { nodeGroups: { general: { minSize: 3 } } }, "cluster.nodeGroups.general.minSize: 3 is larger than desiredSize (2); use minSize ≤ desiredSize ≤ maxSize"],
    ["desired > max", { nodeGroups: { general: { desiredSize: 5 } } }, "cluster.nodeGroups.general.desiredSize: 5 is larger than maxSize (3); use minSize ≤ desiredSize ≤ maxSize"],
    ["empty instance types", { nodeGroups: { general: { instanceTypes: [] } } }, 'cluster.nodeGroups.general.instanceTypes: is empty; list at least one EC2 instance type, e.g. ["t3.medium"]'],
    ["malformed instance type", { nodeGroups: { general: { instanceTypes: ["medium"] } } }, 'cluster.nodeGroups.general.instanceTypes[0]: "medium" is not an EC2 instance type; use names like "t3.medium" or "m7i.large"'],
    [
      "no schedulable node group (all tainted)",
      { nodeGroups: { general: { taints: [{ key: "dedicated", value: "gpu", effect: "NO_EXECUTE" }] } } },
      "cluster.nodeGroups: has no node group CoreDNS and the core add-ons can run on; at least one group needs minSize ≥ 1 and no NO_SCHEDULE or NO_EXECUTE taint (CoreDNS is not on Fargate here)",
    ],
    ["no schedulable node group (min 0)", { nodeGroups: { general: { minSize: 0, desiredSize: 0 } } }, "cluster.nodeGroups: has no node group CoreDNS and the core add-ons can run on"],
    ["platform label overridden", { nodeGroups: { general: { labels: { "eks-mesh-platform/compute": "fargate" } } } }, "cluster.nodeGroups.general.labels.eks-mesh-platform/compute: is set by the platform on every node; choose another label key"],
    ["bad taint effect", { nodeGroups: { general: { taints: [{ key: "a", effect: "NoSchedule" }] } } }, 'cluster.nodeGroups.general.taints[0].effect: "NoSchedule" is not a taint effect; use "NO_SCHEDULE", "NO_EXECUTE" or "PREFER_NO_SCHEDULE"'],
    ["invalid Fargate namespace", { fargateProfiles: { apis: profile("Shop_API") } }, 'cluster.fargateProfiles.apis.selectors[0].namespace: "Shop_API" is not a valid Kubernetes namespace name; use 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit'],
    ["Fargate namespace too long", { fargateProfiles: { apis: profile("a".repeat(64)) } }, "cluster.fargateProfiles.apis.selectors[0].namespace: " + JSON.stringify("a".repeat(64)) + " is not a valid Kubernetes namespace name"],
    ["profile without selectors", { fargateProfiles: { apis: { selectors: [] } } }, "cluster.fargateProfiles.apis.selectors: is empty; a Fargate profile needs 1 to 5 selectors"],
    ["too many selectors", { fargateProfiles: { apis: profile("a", "b", "c", "d", "e", "f") } }, "cluster.fargateProfiles.apis.selectors: has 6 selectors; EKS allows 5 per Fargate profile; split them across profiles"],
    [
      "too many labels",
      { fargateProfiles: { apis: { selectors: [{ namespace: "a", labels: { a: "1", b: "1", c: "1", d: "1", e: "1", f: "1" } }] } } },
      "cluster.fargateProfiles.apis.selectors[0].labels: has 6 labels; EKS allows 5 per Fargate selector",
    ],
    [
      "too many profiles",
      { fargateProfiles: Object.fromEntries([...Array(11).keys()].map((i) => [`p${i}`, profile(`ns${i}`)])) },
      "cluster.fargateProfiles: has 11 profiles; EKS allows 10 Fargate profiles per cluster (service quota); merge selectors into fewer profiles",
    ],
    [
      "identical selectors in two profiles",
      { fargateProfiles: { a: profile("shop"), b: profile("shop") } },
      'cluster.fargateProfiles.b.selectors[0]: is identical to selector 0 of Fargate profile "a" (namespace "shop"); a pod may match only one profile\'s selectors, so remove one of them',
    ],
    [
      "overlapping selectors in two profiles",
      { fargateProfiles: { a: profile("shop"), b: { selectors: [{ namespace: "shop", labels: { tier: "api" } }] } } },
      'cluster.fargateProfiles.b.selectors[0]: overlaps selector 0 of Fargate profile "a" (namespace "shop"): a pod matching both is placed by either profile at random; give the profiles different namespaces or non-overlapping labels',
    ],
    ["bad label key", { fargateProfiles: { a: { selectors: [{ namespace: "shop", labels: { "-bad": "x" } }] } } }, 'cluster.fargateProfiles.a.selectors[0].labels.-bad: "-bad" is not a valid Kubernetes label key'],
    ["Kubernetes version without the dot's second digit", { kubernetesVersion: "1.3" }, 'cluster.kubernetesVersion: "1.3" is not a Kubernetes minor version; write it like "1.35" (no "v", no patch number)'],
    ["Kubernetes version with a v", { kubernetesVersion: "v1.34" }, 'cluster.kubernetesVersion: "v1.34" is not a Kubernetes minor version; write it like "1.35" (no "v", no patch number)'],
    [
      "kube-proxy pinned for another Kubernetes version",
      { kubernetesVersion: "1.34", addons: { "kube-proxy": { version: "v1.35.3-eksbuild.2" } } },
      'cluster.addons.kube-proxy.version: "v1.35.3-eksbuild.2" is a build for Kubernetes 1.35 but kubernetesVersion is "1.34"; use a v1.34.x build (aws eks describe-addon-versions --kubernetes-version 1.34 --addon-name kube-proxy)',
    ],
    ["malformed add-on version", { addons: { coredns: { version: "1.13.2" } } }, 'cluster.addons.coredns.version: "1.13.2" is not an EKS add-on version; use the form "v1.2.3-eksbuild.1" (list them with: aws eks describe-addon-versions --kubernetes-version <version> --addon-name coredns)'],
    ["admin principal that is not an IAM ARN", { adminPrincipalArns: ["alice"] }, 'cluster.adminPrincipalArns[0]: "alice" is not an IAM principal ARN; use arn:aws:iam::<12-digit account>:role/<name> or :user/<name>'],
    [
      "admin principal that is an STS session",
      { adminPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/Admin/alice"] },
      'cluster.adminPrincipalArns[0]: "arn:aws:sts::123456789012:assumed-role/Admin/alice" is an STS session ARN; an access entry needs the IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    ],
    ["admin listed twice", { adminPrincipalArns: [ADMIN_ROLE, ADMIN_ROLE] }, "cluster.adminPrincipalArns: lists a principal twice; each may appear once"],
    [
      "public endpoint without CIDRs",
      { endpoint: { publicAccess: true } },
      'cluster.endpoint.publicAccessCidrs: is empty while publicAccess is true; list the source CIDRs allowed to reach the API (e.g. your VPN egress "203.0.113.0/24"), or turn publicAccess off',
    ],
    [
      "public endpoint open to the internet",
      { endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } },
      'cluster.endpoint.publicAccessCidrs[0]: "0.0.0.0/0" opens the Kubernetes API to the whole internet; list narrower CIDRs, or set endpoint.allowPublicFromAnywhere: true to accept that',
    ],
    ["CIDRs with the public endpoint off", { endpoint: { publicAccessCidrs: ["203.0.113.0/24"] } }, "cluster.endpoint.publicAccessCidrs: is set but endpoint.publicAccess is false, so it would have no effect; remove it or set publicAccess: true"],
    ["malformed CIDR", { endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.1/24"] } }, 'cluster.endpoint.publicAccessCidrs[0]: "203.0.113.1/24" has host bits set; the block starts at 203.0.113.0/24; write it like "203.0.113.0/24"'],
    ["audit logs off", { logging: { types: ["api", "authenticator"] } }, 'cluster.logging.types: leaves out "audit"; api, audit and authenticator logs are always on (they record who did what to the cluster)'],
    ["unknown log type", { logging: { types: ["api", "audit", "authenticator", "kubelet"] } }, 'cluster.logging.types[3]: "kubelet" is not a control-plane log type; use api, audit, authenticator, controllerManager, scheduler'],
    ["bad log retention", { logging: { retentionDays: 100 } }, "cluster.logging.retentionDays: 100 is not a retention CloudWatch Logs accepts"],
    ["unknown key", { nodegroups: {} }, "cluster.nodegroups: unknown key; allowed keys here: kubernetesVersion, supportType, endpoint, logging, adminPrincipalArns, deployerIsAdmin, vpcCniIrsa, nodeSsmAccess, fargateProfiles, nodeGroups, addons, serviceIpv4Cidr, autoscaling, karpenter, verticalPodAutoscaler"],
  ])("%s", (_name, cluster, message) => {
    expect(refused(cluster)).toThrow(message);
  });
});

describe("exported Fargate limits for the merged (user + generated) profile set", () => {
  const check = (profiles: Record<string, FargateProfile>) => {
    const schema = z.custom<Record<string, FargateProfile>>().superRefine((p, ctx) => validateFargateProfiles(p, ctx, ["cluster", "fargateProfiles"]));
    const result = schema.safeParse(profiles);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("states the EKS quotas", () => {
    expect(FARGATE_LIMITS).toEqual({ profilesPerCluster: 10, selectorsPerProfile: 5, labelsPerSelector: 5 });
  });

  it("accepts distinct namespaces, and the same namespace with disjoint labels", () => {
    expect(
      check({
        "workloads-0": { selectors: [{ namespace: "chat", labels: { "eks-mesh-platform/compute": "fargate" } }] },
        "workloads-1": { selectors: [{ namespace: "login", labels: { "eks-mesh-platform/compute": "fargate" } }] },
        other: { selectors: [{ namespace: "chat", labels: { "eks-mesh-platform/compute": "fargate-spot" } }] },
      }),
    ).toEqual([]);
  });

  it("reports overlaps and over-quota sets under the path it is given", () => {
    const issues = check({
      mine: { selectors: [{ namespace: "chat" }] },
      "workloads-0": { selectors: [{ namespace: "chat", labels: { "eks-mesh-platform/compute": "fargate" } }] },
    });
    expect(issues).toEqual([expect.stringMatching(/^cluster\.fargateProfiles\.workloads-0\.selectors\.0: overlaps selector 0 of Fargate profile "mine"/)]);
    const many = Object.fromEntries([...Array(11).keys()].map((i) => [`workloads-${i}`, { selectors: [{ namespace: `ns${i}` }] }]));
    expect(check(many)).toEqual(["cluster.fargateProfiles: has 11 profiles; EKS allows 10 Fargate profiles per cluster (service quota); merge selectors into fewer profiles"]);
  });
});

describe("Checkov scan of the cluster stack", () => {
  it.each([
    ["default (dev)", withDev()],
    ["everything on", everythingOn],
    ["public endpoint open to anywhere, by explicit choice", withDev({ cluster: { endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], allowPublicFromAnywhere: true } } })],
  ])("%s: no failed check that is not skipped in code with a reason", (_name, input) => {
    const s = synthPlatform(input);
    const report = scanStacks(path.join(s.outdir, "stacks", "cluster"));
    expect(report.parsingErrors).toEqual([]);
    expect(formatFindings(report.failed)).toBe("");
    for (const skip of report.skipped) expect(skip.skipReason!.length).toBeGreaterThan(20);
    // The EKS, launch template, log group and KMS checks really ran and passed.
    const passed = report.passedChecks.map((p) => p.checkId);
    expect(passed).toEqual(expect.arrayContaining(["CKV_AWS_58", "CKV_AWS_37", "CKV_AWS_339", "CKV_AWS_79", "CKV_AWS_341", "CKV_AWS_158", "CKV_AWS_338", "CKV_AWS_7"]));
    if (!s.config.cluster.endpoint.publicAccess) expect(passed).toEqual(expect.arrayContaining(["CKV_AWS_39", "CKV_AWS_38"]));
    else expect(report.skipped.map((f) => f.checkId)).toContain("CKV_AWS_39");
  });
});
