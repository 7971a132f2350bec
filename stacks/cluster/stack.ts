import type { Construct } from "constructs";
import { Fn, type ITerraformDependable, Token } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { CONTROL_PLANE_LOG_TYPES, type CoreAddon } from "../../config/schema/cluster";
import { CLUSTER_OUTPUTS, type ClusterOutputs, NETWORK_OUTPUTS, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { skipCheck } from "../synth/checkov";
import { FargateProfiles } from "./fargate-profiles";
import { IrsaRole } from "../constructs/irsa-role";
import { addKarpenterInfrastructure } from "../addons/karpenter/infrastructure";
import { cloudWatchLogsGrant, PlatformKmsKey } from "../constructs/kms-key";
import { ManagedNodeGroup } from "./node-group";
import { ClusterTelemetry } from "./telemetry";
import { fargateNamespaces } from "../../facts/observability";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";

/** Cluster-scoped admin access policy EKS offers for access entries. */
const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/**
 * The EKS cluster: control plane in the private subnets, secrets envelope-encrypted with a
 * rotating KMS key, control-plane logs to a KMS-encrypted log group created first, access
 * through EKS access entries only (no aws-auth ConfigMap), an IAM OIDC provider for IRSA,
 * Fargate profiles for the APIs, managed EC2 node groups for what needs a node, and the
 * core add-ons pinned (vpc-cni and kube-proxy before the nodes, CoreDNS after them).
 *
 * Subnets come from the network stack's state; this stack creates no network of its own.
 */
export class ClusterStack extends PlatformStack {
  /** This stack's outputs as tokens of this stack (consumers read them from state instead). */
  readonly outputs: ClusterOutputs;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "cluster", props);
    const settings = this.config.cluster;
    const region = this.config.platform.region;
    const clusterName = this.naming.prefix;
    const network = this.upstream("network", NETWORK_OUTPUTS);
    const context = new AwsContext(this, "aws-context", region);
    const managedPolicy = (name: string) => `arn:${context.partition}:iam::aws:policy/${name}`;

    // --- Keys and the control-plane log group (before the cluster, so EKS never creates it unmanaged).
    const logGroupName = `/aws/eks/${clusterName}/cluster`;
    const secretsKey = new PlatformKmsKey(this, "secrets-key", {
      context,
      description: `Envelope-encrypts Kubernetes secrets of EKS cluster ${clusterName}`,
      alias: this.naming.kmsAlias("eks-secrets"),
    });
    const logsKey = new PlatformKmsKey(this, "cluster-logs-key", {
      context,
      description: `Encrypts the control-plane logs of EKS cluster ${clusterName}`,
      alias: this.naming.kmsAlias("eks-cluster-logs"),
      serviceGrants: [cloudWatchLogsGrant(region, [context.arn("logs", `log-group:${logGroupName}`)])],
    });
    const logGroup = new CloudwatchLogGroup(this, "control-plane-log-group", {
      name: logGroupName,
      retentionInDays: settings.logging.retentionDays,
      kmsKeyId: logsKey.key.arn,
    });

    // --- IAM: cluster role.
    const clusterTrust = new DataAwsIamPolicyDocument(this, "cluster-role-trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }] }],
    });
    const clusterRole = new IamRole(this, "cluster-role", {
      name: this.naming.bounded("eks-cluster", 64),
      description: `EKS control plane of ${clusterName}`,
      assumeRolePolicy: clusterTrust.json,
    });
    const clusterRolePolicies: ITerraformDependable[] = [
      new IamRolePolicyAttachment(this, "cluster-role-cluster-policy", { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") }),
    ];
    // The key policy delegates to IAM, so the control plane's use of the secrets key is granted here.
    const useSecretsKey = new DataAwsIamPolicyDocument(this, "cluster-role-secrets-key", {
      statement: [{ sid: "EnvelopeEncryptSecrets", actions: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], resources: [secretsKey.key.arn] }],
    });
    clusterRolePolicies.push(new IamRolePolicy(this, "cluster-role-secrets-key-policy", { name: "use-secrets-key", role: clusterRole.id, policy: useSecretsKey.json }));

    // --- The cluster.
    const ep = settings.endpoint;
    const cluster = new EksCluster(this, "cluster", {
      name: clusterName,
      version: settings.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: network.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: ep.publicAccess,
        publicAccessCidrs: ep.publicAccess ? ep.publicAccessCidrs : undefined,
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.key.arn } },
      kubernetesNetworkConfig: settings.serviceIpv4Cidr ? { serviceIpv4Cidr: settings.serviceIpv4Cidr } : undefined,
      enabledClusterLogTypes: [...settings.logging.types],
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      // The core add-ons are installed below as EKS add-ons, pinned; nothing self-managed to adopt.
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: settings.supportType },
      tags: { Name: clusterName },
      dependsOn: [logGroup, ...clusterRolePolicies],
    });
    if (ep.publicAccess) {
      skipCheck(cluster, "CKV_AWS_39", `public endpoint turned on explicitly by cluster.endpoint.publicAccess (off by default), limited to ${ep.publicAccessCidrs.join(", ")}`);
      if (ep.allowPublicFromAnywhere && ep.publicAccessCidrs.some((c) => c.endsWith("/0"))) {
        skipCheck(cluster, "CKV_AWS_38", "0.0.0.0/0 accepted explicitly by cluster.endpoint.allowPublicFromAnywhere; the API still requires IAM authentication and an access entry");
      }
    }
    const missingLogs = CONTROL_PLANE_LOG_TYPES.filter((t) => !settings.logging.types.includes(t));
    if (missingLogs.length > 0) {
      skipCheck(cluster, "CKV_AWS_37", `cluster.logging.types leaves out ${missingLogs.join(", ")} by choice; api, audit and authenticator are always on`);
    }
    const issuer = cluster.identity.get(0).oidc.get(0).issuer;

    // --- IRSA: the cluster's OIDC issuer as an IAM identity provider. No thumbprint: IAM
    // verifies the issuer's TLS certificate against its own library of trusted CAs, and
    // thumbprint_list is optional in AWS provider 6 (hashicorp/terraform-provider-aws#35112),
    // so no tls provider is needed.
    const oidc = new IamOpenidConnectProvider(this, "oidc-provider", {
      url: issuer,
      clientIdList: ["sts.amazonaws.com"],
      tags: { Name: `${clusterName}-irsa` },
    });

    // --- Access entries: cluster admins from config, plus (optionally) whoever deploys.
    const adminPolicyArn = `arn:${context.partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`;
    for (const arn of settings.adminPrincipalArns) {
      const id = `admin-${principalSlug(arn)}`;
      const entry = new EksAccessEntry(this, id, { clusterName: cluster.name, principalArn: arn, type: "STANDARD", tags: { Name: id } });
      new EksAccessPolicyAssociation(this, `${id}-cluster-admin`, {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: adminPolicyArn,
        accessScope: { type: "cluster" },
      });
    }
    if (settings.deployerIsAdmin) {
      // The caller may be an assumed-role session; its issuer is the IAM role an entry needs.
      const caller = context.node.findChild("caller") as DataAwsCallerIdentity;
      const session = new DataAwsIamSessionContext(this, "deployer", { arn: caller.arn });
      const deployerArn = session.issuerArn;
      // Skipped when the deployer is already listed: two entries for one principal conflict.
      const count = Token.asNumber(Fn.conditional(Fn.contains(settings.adminPrincipalArns, deployerArn), 0, 1));
      const entry = new EksAccessEntry(this, "admin-deployer", { count, clusterName: cluster.name, principalArn: deployerArn, type: "STANDARD", tags: { Name: "admin-deployer" } });
      new EksAccessPolicyAssociation(this, "admin-deployer-cluster-admin", {
        count,
        clusterName: cluster.name,
        principalArn: deployerArn,
        policyArn: adminPolicyArn,
        accessScope: { type: "cluster" },
        dependsOn: [entry],
      });
    }

    // --- Fargate: pod execution role, trusted only for this cluster's profiles.
    const fargateTrust = new DataAwsIamPolicyDocument(this, "fargate-pod-execution-trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["eks-fargate-pods.amazonaws.com"] }],
          condition: [{ test: "ArnLike", variable: "aws:SourceArn", values: [context.arn("eks", `fargateprofile/${clusterName}/*`)] }],
        },
      ],
    });
    const podExecutionRole = new IamRole(this, "fargate-pod-execution-role", {
      name: this.naming.bounded("eks-fargate-pods", 64),
      description: `Fargate pod execution role of ${clusterName}: image pulls and kubelet registration`,
      assumeRolePolicy: fargateTrust.json,
    });
    const podExecutionPolicy = new IamRolePolicyAttachment(this, "fargate-pod-execution-policy", {
      role: podExecutionRole.name,
      policyArn: managedPolicy("AmazonEKSFargatePodExecutionRolePolicy"),
    });
    const fargate = new FargateProfiles(this, "fargate-profiles", {
      clusterName: cluster.name,
      podExecutionRoleArn: podExecutionRole.arn,
      subnetIds: network.privateSubnetIds,
      profiles: settings.fargateProfiles,
      dependsOn: [podExecutionPolicy],
    });

    // --- Node role: only what a managed node needs.
    const nodeTrust = new DataAwsIamPolicyDocument(this, "node-role-trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    });
    const nodeRole = new IamRole(this, "node-role", {
      name: this.naming.bounded("eks-node", 64),
      description: `Managed node groups of ${clusterName}`,
      assumeRolePolicy: nodeTrust.json,
    });
    const nodePolicies: Record<string, string> = {
      "worker-node": "AmazonEKSWorkerNodePolicy",
      "ecr-pull": "AmazonEC2ContainerRegistryPullOnly",
      ...(settings.vpcCniIrsa ? {} : { cni: "AmazonEKS_CNI_Policy" }),
      ...(settings.nodeSsmAccess ? { ssm: "AmazonSSMManagedInstanceCore" } : {}),
    };
    const nodeRolePolicies = Object.entries(nodePolicies).map(
      ([id, policy]) => new IamRolePolicyAttachment(this, `node-role-${id}-policy`, { role: nodeRole.name, policyArn: managedPolicy(policy) }),
    );

    // --- Add-ons that must exist before nodes can become Ready.
    const addonVersion = (name: CoreAddon) => settings.addons[name].version;
    const addon = (name: CoreAddon, extra: { serviceAccountRoleArn?: string; dependsOn?: ITerraformDependable[] } = {}) =>
      new EksAddon(this, `addon-${name}`, {
        clusterName: cluster.name,
        addonName: name,
        addonVersion: addonVersion(name),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...extra,
      });
    const vpcCniRole = settings.vpcCniIrsa
      ? new IrsaRole(this, "vpc-cni-irsa", {
          oidcProviderArn: oidc.arn,
          oidcIssuerUrl: issuer,
          namespace: "kube-system",
          serviceAccount: "aws-node",
          roleName: this.naming.bounded("vpc-cni", 64),
          managedPolicyArns: [managedPolicy("AmazonEKS_CNI_Policy")],
          description: `vpc-cni (aws-node) of ${clusterName}: attaches ENIs and assigns pod IPs`,
        })
      : undefined;
    // Wait for the role's policy too, so aws-node never starts with a role that cannot attach ENIs.
    const vpcCniRoleParts = vpcCniRole?.node.findAll().filter((c): c is IamRole | IamRolePolicyAttachment => c instanceof IamRole || c instanceof IamRolePolicyAttachment);
    const vpcCni = addon("vpc-cni", { serviceAccountRoleArn: vpcCniRole?.role.arn, dependsOn: vpcCniRoleParts });
    const kubeProxy = addon("kube-proxy");

    // --- Managed node groups.
    const nodeGroups = Object.keys(settings.nodeGroups)
      .sort()
      .map(
        (name) =>
          new ManagedNodeGroup(this, `node-group-${name}`, {
            name,
            clusterName: cluster.name,
            kubernetesVersion: cluster.version,
            nodeRoleArn: nodeRole.arn,
            subnetIds: network.privateSubnetIds,
            launchTemplateName: this.naming.name(`node-${name}`),
            settings: settings.nodeGroups[name],
            dependsOn: [vpcCni, kubeProxy, ...nodeRolePolicies],
          }),
      );

    // CoreDNS is a Deployment: created before any node it stays DEGRADED (terraform-aws-eks #3001).
    addon("coredns", { dependsOn: nodeGroups.map((g) => g.nodeGroup) });

    // --- Karpenter's AWS side (cluster.autoscaling: "karpenter"); the mesh stack installs the controller.
    addKarpenterInfrastructure(this, settings.autoscaling === "karpenter", {
      context,
      naming: this.naming,
      clusterName: cluster.name,
      nodeSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
      oidcProviderArn: oidc.arn,
      oidcIssuerUrl: issuer,
      nodePolicyArns: Object.fromEntries(Object.entries(nodePolicies).map(([id, policy]) => [id, managedPolicy(policy)])),
    });

    // --- Pod logs (Fargate log groups and their writer policy) and Container Insights: stacks/observability.
    new ClusterTelemetry(this, "telemetry", {
      context,
      naming: this.naming,
      clusterName,
      clusterNameRef: cluster.name,
      settings: this.config.observability.logs,
      fargateNamespaces: fargateNamespaces(settings.fargateProfiles),
      podExecutionRoleName: podExecutionRole.name,
      oidcProviderArn: oidc.arn,
      oidcIssuerUrl: issuer,
      addonDependsOn: nodeGroups.map((g) => g.nodeGroup),
    });

    this.outputs = {
      clusterName: cluster.name,
      clusterEndpoint: cluster.endpoint,
      clusterCertificateAuthorityData: cluster.certificateAuthority.get(0).data,
      clusterVersion: cluster.version,
      oidcProviderArn: oidc.arn,
      oidcIssuerUrl: issuer,
      clusterSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
      nodeRoleArn: nodeRole.arn,
      podExecutionRoleArn: podExecutionRole.arn,
      secretsKmsKeyArn: secretsKey.key.arn,
      clusterArn: cluster.arn,
      nodeGroupNames: nodeGroups.map((g) => g.nodeGroup.nodeGroupName),
      fargateProfileNames: fargate.profiles.map((p) => p.fargateProfileName),
    };
    publishOutputs(this, CLUSTER_OUTPUTS, this.outputs);
  }
}

/** Readable, stable construct ID part for an IAM principal: `<account>-<role|user>-<name>`. */
export function principalSlug(arn: string): string {
  const m = /^arn:[^:]+:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
  const raw = m ? `${m[1]}-${m[2]}-${m[3]}` : arn;
  return raw.replace(/[^A-Za-z0-9_-]/g, "-");
}
