import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsContext } from "../stacks/constructs/aws-context";
import { PlatformKmsKey } from "../stacks/constructs/kms-key";
import { policyOf, synthPlatform, withDev } from "./support/synth";

describe("network stack, default (dev) config", () => {
  const s = synthPlatform();
  const subnets = s.resources("network", "aws_subnet");

  it("creates a VPC with DNS support and hostnames (EKS needs both)", () => {
    expect(s.resource("network", "aws_vpc", "vpc")).toMatchObject({ cidr_block: "10.0.0.0/16", enable_dns_support: true, enable_dns_hostnames: true });
  });

  it("has two public and two private subnets, one of each per pinned zone, CIDRs from the VPC block", () => {
    expect(Object.keys(subnets).sort()).toEqual(["private-subnet-0", "private-subnet-1", "public-subnet-0", "public-subnet-1"]);
    expect(subnets["public-subnet-0"]).toMatchObject({ cidr_block: "10.0.64.0/24", availability_zone: "us-east-1a", map_public_ip_on_launch: false });
    expect(subnets["public-subnet-1"]).toMatchObject({ cidr_block: "10.0.65.0/24", availability_zone: "us-east-1b" });
    expect(subnets["private-subnet-0"]).toMatchObject({ cidr_block: "10.0.0.0/19", availability_zone: "us-east-1a" });
    expect(subnets["private-subnet-1"]).toMatchObject({ cidr_block: "10.0.32.0/19", availability_zone: "us-east-1b" });
  });

  it("tags subnets for load balancer discovery", () => {
    for (const i of [0, 1]) {
      expect(subnets[`public-subnet-${i}`].tags).toMatchObject({ "kubernetes.io/role/elb": "1" });
      expect(subnets[`public-subnet-${i}`].tags).not.toHaveProperty("kubernetes.io/role/internal-elb");
      expect(subnets[`private-subnet-${i}`].tags).toMatchObject({ "kubernetes.io/role/internal-elb": "1" });
      expect(subnets[`private-subnet-${i}`].tags).not.toHaveProperty("kubernetes.io/role/elb");
    }
  });

  it("routes public subnets to the internet gateway and private subnets to one NAT gateway", () => {
    expect(s.resource("network", "aws_route", "public-default-route")).toMatchObject({ destination_cidr_block: "0.0.0.0/0", gateway_id: "${aws_internet_gateway.internet-gateway.id}" });
    expect(Object.keys(s.resources("network", "aws_nat_gateway"))).toEqual(["nat-gateway-0"]);
    expect(s.resource("network", "aws_nat_gateway", "nat-gateway-0")).toMatchObject({ subnet_id: "${aws_subnet.public-subnet-0.id}", allocation_id: "${aws_eip.nat-eip-0.allocation_id}" });
    for (const i of [0, 1]) {
      expect(s.resource("network", "aws_route", `private-default-route-${i}`)).toMatchObject({ nat_gateway_id: "${aws_nat_gateway.nat-gateway-0.id}", route_table_id: `\${aws_route_table.private-route-table-${i}.id}` });
      expect(s.resource("network", "aws_route_table_association", `private-subnet-${i}-routes`)).toMatchObject({ subnet_id: `\${aws_subnet.private-subnet-${i}.id}` });
    }
  });

  it("strips every rule from the default security group", () => {
    const sg = s.resource("network", "aws_default_security_group", "default-security-group");
    expect(sg.vpc_id).toBe("${aws_vpc.vpc.id}");
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
  });

  it("sends flow logs to a KMS-encrypted log group with retention, through a role scoped to it", () => {
    expect(s.resource("network", "aws_flow_log", "flow-log")).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs", vpc_id: "${aws_vpc.vpc.id}" });
    const group = s.resource("network", "aws_cloudwatch_log_group", "flow-log-group");
    expect(group).toMatchObject({ name: "/eksmesh/dev/vpc-flow-logs", retention_in_days: 365 });
    expect(group.kms_key_id).toBe("${aws_kms_key.logs-key.arn}");
    const key = s.resource("network", "aws_kms_key", "logs-key");
    expect(key.enable_key_rotation).toBe(true);
    const keyPolicy = policyOf(key.policy);
    const logsGrant = keyPolicy.Statement.find((st) => st.Principal.Service === "logs.us-east-1.amazonaws.com")!;
    expect(logsGrant.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"][0]).toContain("log-group:/eksmesh/dev/vpc-flow-logs");
    const write = s.data("network", "aws_iam_policy_document")["flow-logs-write"];
    const resources = write.statement.flatMap((st: { resources: string[] }) => st.resources);
    expect(resources).not.toContain("*");
  });

  it("creates no VPC endpoints unless asked", () => {
    expect(s.resources("network", "aws_vpc_endpoint")).toEqual({});
  });
});

describe("network stack, non-default configs", () => {
  it("spans 3 zones with a NAT gateway per zone, each private route table using its own zone's NAT", () => {
    const s = synthPlatform(withDev({ network: { availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], natGateways: "per-az" } }));
    expect(Object.keys(s.resources("network", "aws_subnet"))).toHaveLength(6);
    expect(Object.keys(s.resources("network", "aws_nat_gateway")).sort()).toEqual(["nat-gateway-0", "nat-gateway-1", "nat-gateway-2"]);
    for (const i of [0, 1, 2]) {
      expect(s.resource("network", "aws_nat_gateway", `nat-gateway-${i}`).subnet_id).toBe(`\${aws_subnet.public-subnet-${i}.id}`);
      expect(s.resource("network", "aws_route", `private-default-route-${i}`).nat_gateway_id).toBe(`\${aws_nat_gateway.nat-gateway-${i}.id}`);
    }
    expect(s.stack("network").output!.availability_zones.value).toEqual(["${aws_subnet.private-subnet-0.availability_zone}", "${aws_subnet.private-subnet-1.availability_zone}", "${aws_subnet.private-subnet-2.availability_zone}"]);
  });

  it("without pinned zones, takes the first N opt-in-free zones of the region", () => {
    const s = synthPlatform({ platform: { throwaway: true }, network: { azCount: 3 }, edge: { insecurePlainHttpForThrowawayEnvironment: true } });
    expect(s.data("network", "aws_availability_zones")["available-zones"].filter).toEqual([{ name: "opt-in-status", values: ["opt-in-not-required"] }]);
    expect(s.resource("network", "aws_subnet", "private-subnet-2").availability_zone).toBe("${element(data.aws_availability_zones.available-zones.names, 2)}");
  });

  it("with endpoints on: S3 gateway on the private route tables, ECR/STS/Logs interface endpoints in private subnets behind HTTPS-only SG", () => {
    const s = synthPlatform(withDev({ network: { vpcEndpoints: { s3: true, ecr: true, sts: true, logs: true } } }));
    const endpoints = s.resources("network", "aws_vpc_endpoint");
    expect(Object.keys(endpoints).sort()).toEqual(["ecr-api-endpoint", "ecr-dkr-endpoint", "logs-endpoint", "s3-gateway-endpoint", "sts-endpoint"]);
    expect(endpoints["s3-gateway-endpoint"]).toMatchObject({
      service_name: "com.amazonaws.us-east-1.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: ["${aws_route_table.private-route-table-0.id}", "${aws_route_table.private-route-table-1.id}"],
    });
    for (const id of ["ecr-api-endpoint", "ecr-dkr-endpoint", "logs-endpoint", "sts-endpoint"]) {
      expect(endpoints[id]).toMatchObject({
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        subnet_ids: ["${aws_subnet.private-subnet-0.id}", "${aws_subnet.private-subnet-1.id}"],
        security_group_ids: ["${aws_security_group.endpoints-security-group.id}"],
      });
    }
    expect(s.resource("network", "aws_vpc_security_group_ingress_rule", "endpoints-https-from-vpc")).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: "tcp", cidr_ipv4: "${aws_vpc.vpc.cidr_block}" });
  });

  it("with NAT none and endpoints: no NAT, no default route from private subnets", () => {
    // Deployable without NAT only where every image comes from the region's private ECR (apply-checks.ts).
    const s = synthPlatform(
      withDev({
        platform: { region: "us-west-2" },
        network: { availabilityZones: ["us-west-2a", "us-west-2b"], natGateways: "none", vpcEndpoints: { s3: true, ecr: true, sts: true } },
        mesh: { addons: { loadBalancerController: { enabled: false }, metricsServer: { enabled: false } } },
        workloads: { catalog: "__tests__/fixtures/private-catalog.yaml" },
      }),
    );
    expect(s.resources("network", "aws_nat_gateway")).toEqual({});
    expect(s.resources("network", "aws_eip")).toEqual({});
    expect(Object.keys(s.resources("network", "aws_route"))).toEqual(["public-default-route"]);
  });

  it("with flow logs off: no log group, key, role or flow log", () => {
    const s = synthPlatform(withDev({ network: { flowLogs: { enabled: false } } }));
    for (const type of ["aws_flow_log", "aws_cloudwatch_log_group", "aws_kms_key", "aws_iam_role"]) expect(s.resources("network", type)).toEqual({});
    expect(s.stack("network").output!.flow_log_group_name.value).toBe("");
  });
});

describe("PlatformKmsKey", () => {
  it("keeps every condition when a service grant uses the same operator twice", () => {
    const stack = new TerraformStack(Testing.app(), "kms");
    const context = new AwsContext(stack, "ctx", "us-east-1");
    new PlatformKmsKey(stack, "k", {
      context,
      description: "test",
      alias: "alias/test",
      serviceGrants: [{ service: "logs.us-east-1.amazonaws.com", actions: ["kms:Decrypt*"], conditions: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["1"] },
        { test: "StringEquals", variable: "kms:ViaService", values: ["logs.us-east-1.amazonaws.com"] },
      ] }],
    });
    const policy = JSON.parse(JSON.parse(Testing.synth(stack)).resource.aws_kms_key.k.policy);
    expect(policy.Statement[1].Condition).toEqual({ StringEquals: { "aws:SourceAccount": ["1"], "kms:ViaService": ["logs.us-east-1.amazonaws.com"] } });
  });
});
