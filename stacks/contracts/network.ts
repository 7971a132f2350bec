import type { Contract, ContractValues } from "./index";

/** What the network stack hands the cluster stack. */
export const NETWORK_OUTPUTS = {
  vpcId: { name: "vpc_id", kind: "string", description: "ID of the platform VPC" },
  vpcCidr: { name: "vpc_cidr", kind: "string", description: "IPv4 CIDR block of the VPC" },
  availabilityZones: { name: "availability_zones", kind: "list", description: "Availability zones the subnets span, in subnet order" },
  publicSubnetIds: { name: "public_subnet_ids", kind: "list", description: "Public subnets (load balancers, NAT), one per zone" },
  privateSubnetIds: { name: "private_subnet_ids", kind: "list", description: "Private subnets (EKS control plane ENIs, nodes, Fargate pods), one per zone" },
  privateRouteTableIds: { name: "private_route_table_ids", kind: "list", description: "Route tables of the private subnets" },
  natPublicIps: { name: "nat_public_ips", kind: "list", description: "Elastic IPs of the NAT gateways (egress addresses to allow-list)" },
  flowLogGroup: { name: "flow_log_group_name", kind: "string", description: "CloudWatch log group receiving VPC flow logs (empty when disabled)" },
} as const satisfies Contract;

export type NetworkOutputs = ContractValues<typeof NETWORK_OUTPUTS>;
