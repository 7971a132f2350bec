import type { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { NETWORK_OUTPUTS, type NetworkOutputs, publishOutputs } from "../contracts";
import { AwsContext } from "../constructs/aws-context";
import { skipCheck } from "../synth/checkov";
import { karpenterDiscoveryTags } from "../../facts/karpenter";
import { cloudWatchLogsGrant, PlatformKmsKey } from "../constructs/kms-key";
import { PlatformStack, type PlatformStackProps } from "../platform-stack";

/** Interface endpoints per config switch; ECR needs both its API and its registry endpoint. */
const INTERFACE_ENDPOINTS = {
  ecr: ["ecr.api", "ecr.dkr"],
  sts: ["sts"],
  logs: ["logs"],
} as const;

/**
 * The VPC the cluster lives in: public and private subnets in every zone, internet and NAT
 * egress, flow logs, and the subnet tags EKS and the AWS Load Balancer Controller discover.
 * Construct IDs carry the zone's index, so adding a zone appends and never renames.
 */
export class NetworkStack extends PlatformStack {
  /** This stack's outputs as tokens of this stack (consumers read them from state instead). */
  readonly outputs: NetworkOutputs;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "network", props);
    const net = this.config.network;
    const region = this.config.platform.region;
    const zoneIndexes = [...Array(net.azCount).keys()];

    let zone: (i: number) => string;
    if (net.availabilityZones) {
      const names = net.availabilityZones;
      zone = (i) => names[i];
    } else {
      // Only zones that need no opt-in: Local and Wavelength zones cannot host EKS subnets.
      // No `state` filter, so a zone's temporary impairment cannot shift the indexes below.
      const zones = new DataAwsAvailabilityZones(this, "available-zones", {
        filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      });
      skipCheck(
        zones,
        "CKV_AWS_394",
        "subnets take the first azCount names by index and AWS appends new zones after existing ones, so a new zone never moves a subnet; set network.availabilityZones to pin names explicitly (the shipped environments do)",
      );
      zone = (i) => Fn.element(zones.names, i);
    }

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: net.cidr,
      // EKS requires both for private endpoint resolution and node registration.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: this.naming.name("vpc") },
    });

    // With no rule blocks, Terraform removes the rules AWS puts in the default group.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      tags: { Name: this.naming.name("default-deny-all") },
    });

    const igw = new InternetGateway(this, "internet-gateway", { vpcId: vpc.id, tags: { Name: this.naming.name("igw") } });

    const publicSubnets = zoneIndexes.map(
      (i) =>
        new Subnet(this, `public-subnet-${i}`, {
          vpcId: vpc.id,
          cidrBlock: net.publicSubnetCidrs[i],
          availabilityZone: zone(i),
          // Nothing launched here needs a public IP: NAT uses an Elastic IP, ALBs get their own.
          mapPublicIpOnLaunch: false,
          tags: { Name: this.naming.name(`public-${i}`), "kubernetes.io/role/elb": "1", "eks-mesh-platform/tier": "public" },
        }),
    );
    // Karpenter finds the subnets for its nodes by this tag (cluster.autoscaling: "karpenter").
    const discovery = this.config.cluster.autoscaling === "karpenter" ? karpenterDiscoveryTags(this.naming) : {};
    const privateSubnets = zoneIndexes.map(
      (i) =>
        new Subnet(this, `private-subnet-${i}`, {
          vpcId: vpc.id,
          cidrBlock: net.privateSubnetCidrs[i],
          availabilityZone: zone(i),
          tags: { Name: this.naming.name(`private-${i}`), "kubernetes.io/role/internal-elb": "1", "eks-mesh-platform/tier": "private", ...discovery },
        }),
    );

    const publicRouteTable = new RouteTable(this, "public-route-table", { vpcId: vpc.id, tags: { Name: this.naming.name("public") } });
    new Route(this, "public-default-route", { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    publicSubnets.forEach((subnet, i) => new RouteTableAssociation(this, `public-subnet-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }));

    const natCount = net.natGateways === "per-az" ? net.azCount : net.natGateways === "single" ? 1 : 0;
    const natIps: Eip[] = [];
    const natGateways = [...Array(natCount).keys()].map((i) => {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: this.naming.name(`nat-${i}`) } });
      natIps.push(eip);
      return new NatGateway(this, `nat-gateway-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: { Name: this.naming.name(`nat-${i}`) },
        dependsOn: [igw],
      });
    });

    // One private route table per zone in every NAT mode, so switching modes changes routes, not tables.
    const privateRouteTables = privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `private-route-table-${i}`, { vpcId: vpc.id, tags: { Name: this.naming.name(`private-${i}`) } });
      new RouteTableAssociation(this, `private-subnet-${i}-routes`, { subnetId: subnet.id, routeTableId: table.id });
      if (natGateways.length > 0) {
        const nat = natGateways[net.natGateways === "per-az" ? i : 0];
        new Route(this, `private-default-route-${i}`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
      }
      return table;
    });

    const context = new AwsContext(this, "aws-context", region);
    const flowLogGroup = net.flowLogs.enabled ? this.flowLogs(context, vpc) : undefined;
    this.endpoints(vpc, privateSubnets, privateRouteTables);

    this.outputs = {
      vpcId: vpc.id,
      vpcCidr: vpc.cidrBlock,
      availabilityZones: privateSubnets.map((s) => s.availabilityZone),
      publicSubnetIds: publicSubnets.map((s) => s.id),
      privateSubnetIds: privateSubnets.map((s) => s.id),
      privateRouteTableIds: privateRouteTables.map((t) => t.id),
      natPublicIps: natIps.map((e) => e.publicIp),
      flowLogGroup: flowLogGroup?.name ?? "",
    };
    publishOutputs(this, NETWORK_OUTPUTS, this.outputs);
  }

  /** Flow logs to a KMS-encrypted log group, written by a role that can write only there. */
  private flowLogs(context: AwsContext, vpc: Vpc): CloudwatchLogGroup {
    const settings = this.config.network.flowLogs;
    const region = this.config.platform.region;
    const groupName = this.naming.logGroup("vpc-flow-logs");
    const groupArn = context.arn("logs", `log-group:${groupName}`);

    const key = new PlatformKmsKey(this, "logs-key", {
      context,
      description: `Encrypts the ${this.naming.prefix} VPC flow logs`,
      alias: this.naming.kmsAlias("vpc-flow-logs"),
      serviceGrants: [cloudWatchLogsGrant(region, [groupArn])],
    });

    const group = new CloudwatchLogGroup(this, "flow-log-group", {
      name: groupName,
      retentionInDays: settings.retentionDays,
      kmsKeyId: key.key.arn,
    });

    const trust = new DataAwsIamPolicyDocument(this, "flow-logs-trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          // Confused-deputy guard: only flow logs of this account may assume the role.
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [context.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [context.arn("ec2", "vpc-flow-log/*")] },
          ],
        },
      ],
    });
    const role = new IamRole(this, "flow-logs-role", {
      name: this.naming.bounded("vpc-flow-logs", 64),
      assumeRolePolicy: trust.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "flow-logs-write", {
      statement: [
        { sid: "WriteFlowLogStreams", actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], resources: [`${group.arn}:*`] },
        { sid: "FindTheLogGroup", actions: ["logs:DescribeLogGroups"], resources: [context.arn("logs", "log-group:*")] },
      ],
    });
    new IamRolePolicy(this, "flow-logs-role-policy", { name: "write-flow-logs", role: role.id, policy: write.json });

    new FlowLog(this, "flow-log", {
      vpcId: vpc.id,
      trafficType: settings.trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: this.naming.name("vpc-flow-log") },
    });
    return group;
  }

  /** Optional VPC endpoints, so private pods reach S3, ECR, STS and Logs without NAT. */
  private endpoints(vpc: Vpc, privateSubnets: Subnet[], privateRouteTables: RouteTable[]): void {
    const switches = this.config.network.vpcEndpoints;
    const region = this.config.platform.region;
    if (switches.s3) {
      new VpcEndpoint(this, "s3-gateway-endpoint", {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((t) => t.id),
        tags: { Name: this.naming.name("s3") },
      });
    }
    const services = (Object.keys(INTERFACE_ENDPOINTS) as (keyof typeof INTERFACE_ENDPOINTS)[])
      .filter((k) => switches[k])
      .flatMap((k) => INTERFACE_ENDPOINTS[k]);
    if (services.length === 0) return;

    const group = new SecurityGroup(this, "endpoints-security-group", {
      name: this.naming.name("vpc-endpoints"),
      description: "HTTPS from inside the VPC to AWS interface endpoints",
      vpcId: vpc.id,
      tags: { Name: this.naming.name("vpc-endpoints") },
    });
    new VpcSecurityGroupIngressRule(this, "endpoints-https-from-vpc", {
      securityGroupId: group.id,
      description: "HTTPS from the VPC to interface endpoints",
      cidrIpv4: vpc.cidrBlock,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
    for (const service of services) {
      new VpcEndpoint(this, `${service.replace(".", "-")}-endpoint`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: "Interface",
        subnetIds: privateSubnets.map((s) => s.id),
        securityGroupIds: [group.id],
        privateDnsEnabled: true,
        tags: { Name: this.naming.name(service.replace(".", "-")) },
      });
    }
  }
}
