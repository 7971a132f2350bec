import { TerraformOutput, type TerraformRemoteState, type TerraformStack } from "cdktf";

/**
 * The typed outputs each stack hands the next. A producer publishes them as Terraform
 * outputs with these human names; a consumer reads them back from the producer's state
 * through the same table, so the names, types and descriptions live in one place.
 *
 * cdktf's automatic cross-stack references are deliberately not used: they name outputs
 * `cross-stack-output-<hash>` and mark them all sensitive.
 */
type OutputKind = "string" | "list" | "number";

export interface OutputSpec {
  /** Terraform output name (snake_case, what `terraform output` shows). */
  readonly name: string;
  readonly kind: OutputKind;
  readonly description: string;
  /** Only for values that are secret; none of the platform's hand-offs are. @default false */
  readonly sensitive?: boolean;
}

export type Contract = Readonly<Record<string, OutputSpec>>;

type ValueOf<S extends OutputSpec> = S["kind"] extends "list" ? string[] : S["kind"] extends "number" ? number : string;

/** The values a contract carries, as the stacks use them (tokens at synth time). */
export type ContractValues<C extends Contract> = { readonly [K in keyof C]: ValueOf<C[K]> };

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

/** Declares every output of a contract on the producing stack. */
export function publishOutputs<C extends Contract>(stack: TerraformStack, contract: C, values: ContractValues<C>): void {
  for (const [key, spec] of Object.entries(contract)) {
    new TerraformOutput(stack, spec.name, {
      value: (values as Record<string, unknown>)[key],
      description: spec.description,
      sensitive: spec.sensitive ?? false,
    });
  }
}

/** Reads a contract back from the producer's remote state, typed. */
export function readOutputs<C extends Contract>(remote: TerraformRemoteState, contract: C): ContractValues<C> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(contract)) {
    out[key] = spec.kind === "list" ? remote.getList(spec.name) : spec.kind === "number" ? remote.getNumber(spec.name) : remote.getString(spec.name);
  }
  return out as ContractValues<C>;
}
