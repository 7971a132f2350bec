/**
 * What AWS, EKS or Kubernetes would refuse at apply, refused at synth: one test per rule
 * with its exact message, plus the cases each rule must let through.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config/load";
import { APPLY_RULES } from "../config/schema/apply-checks";


import { synthPlatform, withDev } from "./support/synth";
import { isArmInstanceType, partitionOf } from "../facts/aws";
import { isReservedNodeLabel } from "../facts/kubernetes";

const ROOT = path.resolve(__dirname, "..");

/** Every refusal line of a config (the "  - " lines), or [] when it is accepted. */
function refusals(overrides: Parameters<typeof withDev>[0]): string[] {
  try {
    parseConfig(withDev(overrides), "test config");
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
  }
}

const catalogFile = (name: string, text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "apply-checks-")), name);
  fs.writeFileSync(file, text);
  return file;
};

const SERVICE = `
  - name: api
    namespace: api
    image: { ecr: api, tag: "1.0.0" }
    port: 8080
    cpu: { request: 240, limit: 500 }
    memory: { request: 512, limit: 512 }
    placement: fargate`;

describe("ECR repository names, from the ECR API model (ecr.RepositoryName)", () => {
  it("accept hyphens in a row, which ECR accepts and a hand-written rule used to refuse", () => {
    const file = catalogFile("ecr-ok.yaml", `name: shop\nservices:${SERVICE.replace("ecr: api", "ecr: my--api")}\n`);
    expect(refusals({ workloads: { catalog: file } })).toEqual([]);
    expect(refusals({ platform: { name: "eks--mesh" } })).toEqual([]);
  });
});

describe("security-group-names", () => {
  it("refuses a platform name that makes a security group name start with sg-", () => {
    expect(refusals({ platform: { name: "sg-team" }, network: { vpcEndpoints: { s3: true, ecr: true } } })).toEqual([
      'platform.name: "sg-team" starts the name of the interface endpoints\' security group ("sg-team-dev-vpc-endpoints"), and EC2 refuses security group names starting with "sg-"; choose another platform name',
    ]);
    expect(refusals({ platform: { name: "sg-team" } })).toEqual([]);
  });
});

describe("service-range", () => {
  it("refuses a service range that overlaps the VPC", () => {
    expect(refusals({ cluster: { serviceIpv4Cidr: "10.0.128.0/20" } })).toEqual([
      'cluster.serviceIpv4Cidr: "10.0.128.0/20" overlaps the VPC block network.cidr "10.0.0.0/16"; Service IPs would shadow pod and node addresses, and EKS refuses it. Pick a range outside the VPC, e.g. "172.20.0.0/16"',
    ]);
  });

  it("refuses a public or wrongly sized range", () => {
    expect(refusals({ cluster: { serviceIpv4Cidr: "100.64.0.0/16" } })).toEqual([
      'cluster.serviceIpv4Cidr: "100.64.0.0/16" is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16; EKS takes the Kubernetes service range only from those private blocks',
    ]);
    expect(refusals({ cluster: { serviceIpv4Cidr: "172.20.0.0/25" } })).toEqual(['cluster.serviceIpv4Cidr: "172.20.0.0/25" is a /25; EKS accepts service ranges from /12 to /24']);
  });

  it("sets an accepted range on the cluster, and leaves EKS's choice alone by default", () => {
    const s = synthPlatform(withDev({ cluster: { serviceIpv4Cidr: "172.20.0.0/16" } }));
    expect(s.resource("cluster", "aws_eks_cluster", "cluster").kubernetes_network_config).toEqual({ service_ipv4_cidr: "172.20.0.0/16" });
    expect(synthPlatform().resource("cluster", "aws_eks_cluster", "cluster").kubernetes_network_config).toBeUndefined();
  });
});

describe("zones-in-region", () => {
  it("refuses zones of another region", () => {
    expect(refusals({ network: { availabilityZones: ["us-east-1a", "eu-west-1b"] } })).toEqual([
      'network.availabilityZones[1]: "eu-west-1b" is not a zone of platform.region "us-east-1"; use zones like "us-east-1a"',
    ]);
  });
});

describe("arn-partition", () => {
  it("refuses ARNs of another partition than the region's", () => {
    expect(refusals({ cluster: { adminPrincipalArns: ["arn:aws-cn:iam::123456789012:role/admin"] } })).toEqual([
      'cluster.adminPrincipalArns[0]: "arn:aws-cn:iam::123456789012:role/admin" is in partition "aws-cn", but platform.region "us-east-1" is in "aws"; use an ARN starting "arn:aws:"',
    ]);
    expect(partitionOf("cn-north-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    expect(partitionOf("eu-central-1")).toBe("aws");
  });
});

describe("arn-region: one rule for every ARN whose service must be in the same region", () => {
  const PCA = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555";
  const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
  it("refuses a state key outside the bucket's region", () => {
    const state = { backend: "s3" as const, bucket: "team-state", region: "eu-west-1", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0000" };
    expect(refusals({ state })).toEqual([
      `state.kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0000" is in us-east-1, but the state bucket (state.region, default platform.region) is in eu-west-1; S3 encrypts only with a KMS key of the bucket's region; use the bootstrap stack's state_kms_key_arn. Use one in eu-west-1`,
    ]);
    expect(refusals({ state: { ...state, region: "us-east-1" } })).toEqual([]);
  });

  it("refuses node disk keys, the edge's certificate, the mesh's private CA and the alarms' topic from another region, each on its field", () => {
    const found = refusals({
      cluster: { nodeGroups: { general: { diskKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0000" } }, autoscaling: "karpenter", karpenter: { diskKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0001" } },
      edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "shop.example.com", certificateArn: CERT },
      mesh: { tls: { mode: "strict", certificateAuthorityArn: PCA } },
      observability: { alarms: { topicArn: "arn:aws:sns:eu-west-1:123456789012:oncall" } },
    } as never);
    expect(found.map((l) => l.split(":")[0])).toEqual(["cluster.nodeGroups.general.diskKmsKeyArn", "cluster.karpenter.diskKmsKeyArn", "edge.certificateArn", "mesh.tls.certificateAuthorityArn", "observability.alarms.topicArn"]);
    expect(found[2]).toBe(`edge.certificateArn: "${CERT}" is in eu-west-1, but the load balancer (platform.region) is in us-east-1; an ALB can only use an ACM certificate of its own region. Use one in us-east-1`);
    expect(found[4]).toBe('observability.alarms.topicArn: "arn:aws:sns:eu-west-1:123456789012:oncall" is in eu-west-1, but every alarm that notifies it (platform.region) is in us-east-1; CloudWatch alarm actions notify only SNS topics of the alarm\'s region. Use one in us-east-1');
    // The same ARNs in the platform's region pass.
    const west = { platform: { region: "eu-west-1" }, network: { availabilityZones: ["eu-west-1a", "eu-west-1b"] } };
    expect(refusals({ ...west, edge: { insecurePlainHttpForThrowawayEnvironment: false, domainName: "shop.example.com", certificateArn: CERT }, mesh: { tls: { mode: "strict", certificateAuthorityArn: PCA } } } as never)).toEqual([]);
  });
});

describe("node-architecture", () => {
  it("refuses Graviton types on an x86_64 AMI and the other way round", () => {
    expect(refusals({ cluster: { nodeGroups: { general: { instanceTypes: ["t3.medium", "t4g.medium"] } } } })).toEqual([
      'cluster.nodeGroups.general.instanceTypes: "t4g.medium" is Arm (Graviton), but amiType AL2023_x86_64_STANDARD runs on x86_64; use x86_64 types such as "m7i.large" or set amiType to "AL2023_ARM_64_STANDARD"',
    ]);
    expect(refusals({ cluster: { nodeGroups: { general: { amiType: "AL2023_ARM_64_STANDARD" } } } })).toEqual([
      'cluster.nodeGroups.general.instanceTypes: "t3.medium" is x86_64, but amiType AL2023_ARM_64_STANDARD runs on Arm; use Graviton types such as "m7g.large" or set amiType to an x86_64 AMI type',
    ]);
    expect(refusals({ cluster: { nodeGroups: { general: { amiType: "BOTTLEROCKET_ARM_64", instanceTypes: ["m7g.large", "c6gn.xlarge"] } } } })).toEqual([]);
  });

  it("tells Graviton families apart by name", () => {
    for (const t of ["a1.large", "t4g.small", "m7g.large", "c6gn.xlarge", "x2gd.medium", "im4gn.large", "is4gen.large", "g5g.xlarge"]) expect(isArmInstanceType(t), t).toBe(true);
    for (const t of ["t3.medium", "m7i.large", "m7i-flex.large", "g5.xlarge", "c7a.large", "inf2.xlarge", "p4d.24xlarge"]) expect(isArmInstanceType(t), t).toBe(false);
  });
});

describe("node-labels", () => {
  it("refuses node labels in namespaces the kubelet may not set", () => {
    expect(refusals({ cluster: { nodeGroups: { general: { labels: { "node-role.kubernetes.io/worker": "true" } } } } })).toEqual([
      'cluster.nodeGroups.general.labels.node-role.kubernetes.io/worker: is in a namespace Kubernetes reserves (kubernetes.io, k8s.io); the kubelet refuses to register a node with it, so the node group never becomes ready. Use your own prefix, e.g. "example.com/worker"',
    ]);
    expect(isReservedNodeLabel("node.kubernetes.io/lifecycle")).toBe(false);
    expect(isReservedNodeLabel("topology.kubernetes.io/zone")).toBe(false);
    expect(isReservedNodeLabel("team.example.com/x")).toBe(false);
    expect(isReservedNodeLabel("k8s.io/x")).toBe(true);
  });

  it("refuses more than 50 taints", () => {
    const taints = Array.from({ length: 51 }, (_, i) => ({ key: `t${i}`, effect: "PREFER_NO_SCHEDULE" as const }));
    expect(refusals({ cluster: { nodeGroups: { general: {}, tainted: { taints } } } })).toEqual(["cluster.nodeGroups.tainted.taints: has 51 taints; EKS allows 50 per node group"]);
  });
});

describe("platform-namespaces", () => {
  it("refuses a catalog namespace the mesh stack creates", () => {
    const file = catalogFile("ns.yaml", `name: shop\nservices:${SERVICE.replace("namespace: api", "namespace: appmesh-system")}\n`);
    expect(refusals({ workloads: { catalog: file } })).toEqual([
      'workloads.catalog: catalog ns.yaml:3 services.api.namespace: "appmesh-system" is created by the mesh stack, for the App Mesh controller; the workloads stack cannot create it again. Give the service a namespace of its own',
    ]);
    const karpenter = catalogFile("ns2.yaml", `name: shop\nservices:${SERVICE.replace("namespace: api", "namespace: karpenter")}\n`);
    expect(refusals({ workloads: { catalog: karpenter } })).toEqual([]);
    expect(refusals({ cluster: { autoscaling: "karpenter" }, workloads: { catalog: karpenter } } as never)).toEqual([
      'workloads.catalog: catalog ns2.yaml:3 services.api.namespace: "karpenter" is created by the mesh stack, for Karpenter; the workloads stack cannot create it again. Give the service a namespace of its own',
    ]);
    // The logs' namespaces, whether or not those logs are on: turning them on later must not collide.
    for (const namespace of ["aws-observability", "amazon-cloudwatch"]) {
      const logs = catalogFile(`${namespace}.yaml`, `name: shop\nservices:${SERVICE.replace("namespace: api", `namespace: ${namespace}`)}\n`);
      expect(refusals({ workloads: { catalog: logs } })).toEqual([expect.stringContaining(`services.api.namespace: "${namespace}" is created by the`)]);
    }
  });
});

describe("writable-paths", () => {
  it("refuses a writable path listed twice", () => {
    const file = catalogFile("paths.yaml", `name: shop\nservices:${SERVICE}\n    writablePaths: [/tmp, /cache, /tmp/]\n`);
    expect(refusals({ workloads: { catalog: file } })).toEqual([
      'workloads.catalog: catalog paths.yaml:3 services.api.writablePaths: "/tmp/" is listed twice; Kubernetes refuses two volume mounts at one path',
    ]);
  });
});

describe("egress-without-nat", () => {
  const noNat = { natGateways: "none" as const, vpcEndpoints: { s3: true, ecr: true, sts: true } };

  it("refuses no NAT when the mesh stack pulls images from outside the region's private ECR", () => {
    expect(refusals({ network: noNat, cluster: { autoscaling: "karpenter", verticalPodAutoscaler: true } } as never)).toEqual([
      'network.natGateways: "none" leaves no route to registries outside this region\'s private ECR, but the platform pulls the App Mesh controller (840364872350.dkr.ecr.us-west-2.amazonaws.com/amazon/appmesh-controller), the AWS Load Balancer Controller (public.ecr.aws/eks/aws-load-balancer-controller), metrics-server (registry.k8s.io/metrics-server/metrics-server), Karpenter (public.ecr.aws/karpenter/controller), the VPA recommender (registry.k8s.io/autoscaling/vpa-recommender); Helm waits for those pods and the apply fails. Use "single" or "per-az"',
    ]);
    expect(refusals({ network: noNat })).toEqual([
      'network.natGateways: "none" leaves no route to registries outside this region\'s private ECR, but the platform pulls the App Mesh controller (840364872350.dkr.ecr.us-west-2.amazonaws.com/amazon/appmesh-controller), the AWS Load Balancer Controller (public.ecr.aws/eks/aws-load-balancer-controller), metrics-server (registry.k8s.io/metrics-server/metrics-server); Helm waits for those pods and the apply fails. Use "single" or "per-az"',
    ]);
  });

  it("names external catalog images too, and accepts a platform whose images are all in the region's ECR", () => {
    const west = { platform: { region: "us-west-2" }, network: { ...noNat, availabilityZones: ["us-west-2a", "us-west-2b"] }, mesh: { addons: { loadBalancerController: { enabled: false }, metricsServer: { enabled: false } } } };
    const external = catalogFile("ext.yaml", `name: shop\nservices:${SERVICE.replace("{ ecr: api, tag: \"1.0.0\" }", "{ external: docker.io/library/nginx:1.27 }")}\n`);
    expect(refusals({ ...west, workloads: { catalog: external } })).toEqual([
      'network.natGateways: "none" leaves no route to registries outside this region\'s private ECR, but the platform pulls api (docker.io/library/nginx:1.27); Helm waits for those pods and the apply fails. Use "single" or "per-az"',
    ]);
    expect(refusals({ ...west, workloads: { catalog: "__tests__/fixtures/private-catalog.yaml" } })).toEqual([]);
  });
});

describe("the rules are documented", () => {
  it("the generated reference page lists every rule by id, and the README links it", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs", "reference", "checks.md"), "utf8");
    for (const rule of APPLY_RULES) expect(page, rule.id).toContain(`| \`${rule.id}\` | ${rule.checks.replace(/\|/g, "\\|")} |`);
    expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain("docs/reference/checks.md");
  });
});

describe("a pod Fargate cannot run", () => {
  it("is refused when pinned to Fargate and larger than the largest size once EKS adds 256 MiB and the sidecars", () => {
    const catalog = catalogFile("big.yaml", `name: shop\nservices:\n  - name: api\n    namespace: shop\n    image: { ecr: api, tag: "1.0.0" }\n    port: 8080\n    cpu: { request: 4000, limit: 4000 }\n    memory: { request: 122880, limit: 122880 }\n    placement: fargate\n`);
    expect(refusals({ workloads: { catalog } })).toEqual([
      expect.stringMatching(/^workloads\.catalog: catalog .*big\.yaml:3 services\.api: runs on Fargate, but its pod asks 4010m CPU and 122912Mi with its sidecars, plus the 256Mi EKS adds on Fargate: more than the largest Fargate size \(16 vCPU \/ 120 GB\), so the pod would stay Pending\. Lower cpu\/memory requests, or set placement: "ec2"$/),
    ]);
    // 256 MiB less than the largest size (minus Envoy's request) fits.
    const fits = catalogFile("fits.yaml", `name: shop\nservices:\n  - name: api\n    namespace: shop\n    image: { ecr: api, tag: "1.0.0" }\n    port: 8080\n    cpu: { request: 4000, limit: 4000 }\n    memory: { request: 8192, limit: 8192 }\n    placement: fargate\n`);
    expect(refusals({ workloads: { catalog: fits } })).toEqual([]);
  });
});

describe("refusals about a YAML catalog carry its file and line", () => {
  it("VPC Lattice's too", () => {
    const catalog = catalogFile("lattice.yaml", `name: shop\nservices:\n  - name: db\n    namespace: shop\n    image: { ecr: db, tag: "1.0.0" }\n    port: 5432\n    protocol: tcp\n    cpu: { request: 250, limit: 500 }\n    memory: { request: 256, limit: 512 }\n    versions:\n      - { name: v1, weight: 50 }\n      - { name: v2, weight: 50 }\n`);
    const found = refusals({ mesh: { implementation: "vpc-lattice" }, workloads: { catalog } } as never);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^workloads\.catalog: catalog .*lattice\.yaml:3 services\.db\.versions: mesh\.implementation "vpc-lattice" cannot split protocol "tcp" traffic by weight/);
  });
});

describe("platform-names", () => {
  it("refuses an ECS service whose name gives it the names of the platform's own resources", () => {
    const catalog = catalogFile("ec2.yaml", `name: shop\nservices:\n  - name: ec2\n    namespace: shop\n    image: { ecr: api, tag: "1.0.0" }\n    port: 8080\n    cpu: { request: 250, limit: 500 }\n    memory: { request: 512, limit: 1024 }\n`);
    const found = refusals({ platform: { orchestrator: "ecs" }, workloads: { catalog } } as never);
    expect(found).toContainEqual(expect.stringMatching(/^workloads\.catalog: catalog .*ec2\.yaml:3 services\.ec2\.name: "ec2" names its security group and roles "eksmesh-dev-ecs-ec2", the name of the ecs-cluster stack's EC2 capacity; AWS refuses the second one\. Rename the service$/));
    // On EKS the same name creates nothing of the sort.
    expect(refusals({ workloads: { catalog } }).filter((l) => l.includes("names its security group"))).toEqual([]);
  });
});
