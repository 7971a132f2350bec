import { z } from "zod";
import { allocate, type Cidr, contains, isPrivate, overlaps, parseCidr } from "../cidr";
import { intInRange, logRetentionDays } from "../../input/fields";

const cidrText = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: `${parsed}; write it like "10.0.0.0/16"` });
});

const azName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, {
  error: (i) => `${JSON.stringify(i.input)} is not an availability zone name; use names like "us-east-1a"`,
});

export const networkSchema = z
  .strictObject({
    /** VPC CIDR; AWS allows /16 to /28 and private ranges keep pods off public space. @default "10.0.0.0/16" */
    cidr: cidrText.default("10.0.0.0/16"),
    /** Availability zones to span; EKS needs at least two. @default 2 */
    azCount: intInRange("network.azCount", 2, 6).optional(),
    /** Explicit zone names (e.g. to avoid a zone without EKS capacity). @default the first `azCount` available zones of the region */
    availabilityZones: z.array(azName).optional(),
    /** Prefix length of each public subnet (load balancers, NAT). @default 24 */
    publicSubnetPrefixLength: intInRange("network.publicSubnetPrefixLength", 16, 28).default(24),
    /** Prefix length of each private subnet; every Fargate pod and VPC-CNI pod takes one address here. @default 19 */
    privateSubnetPrefixLength: intInRange("network.privateSubnetPrefixLength", 16, 28).default(19),
    /** Explicit public subnet CIDRs, one per zone. @default computed from `cidr` */
    publicSubnetCidrs: z.array(cidrText).optional(),
    /** Explicit private subnet CIDRs, one per zone. @default computed from `cidr` */
    privateSubnetCidrs: z.array(cidrText).optional(),
    /**
     * NAT for private subnets: "single" (one gateway, cheapest, one zone's outage cuts egress),
     * "per-az" (one per zone, highly available), "none" (no internet egress; use VPC endpoints).
     * @default "single"
     */
    natGateways: z.enum(["single", "per-az", "none"], {
      error: (i) => `${JSON.stringify(i.input)} is not a NAT mode; use "single", "per-az" or "none"`,
    }).default("single"),
    flowLogs: z
      .strictObject({
        /** @default true */
        enabled: z.boolean().default(true),
        /** @default 365 */
        retentionDays: logRetentionDays.default(365),
        /** @default "ALL" */
        trafficType: z.enum(["ALL", "ACCEPT", "REJECT"], { error: (i) => `${JSON.stringify(i.input)} is not a traffic type; use "ALL", "ACCEPT" or "REJECT"` }).default("ALL"),
      })
      .prefault({}),
    /** Private endpoints so pods reach AWS APIs and pull images without NAT. All @default false */
    vpcEndpoints: z
      .strictObject({
        /** S3 gateway endpoint (free; ECR image layers are served from S3). */
        s3: z.boolean().default(false),
        /** ECR api + dkr interface endpoints. */
        ecr: z.boolean().default(false),
        /** STS interface endpoint (IRSA token exchange). */
        sts: z.boolean().default(false),
        /** CloudWatch Logs interface endpoint. */
        logs: z.boolean().default(false),
      })
      .prefault({}),
  })
  .prefault({})
  .superRefine((n, ctx) => checkLayout(n, ctx))
  .transform((n) => {
    const azCount = n.availabilityZones?.length ?? n.azCount ?? 2;
    const layout = computeLayout(n, azCount)!;
    return { ...n, azCount, publicSubnetCidrs: layout.public, privateSubnetCidrs: layout.private };
  });

type NetworkInput = {
  cidr: string;
  azCount?: number;
  availabilityZones?: string[];
  publicSubnetPrefixLength: number;
  privateSubnetPrefixLength: number;
  publicSubnetCidrs?: string[];
  privateSubnetCidrs?: string[];
  natGateways: string;
  vpcEndpoints: { s3: boolean; ecr: boolean };
};

function computeLayout(n: NetworkInput, azCount: number): { public: string[]; private: string[] } | undefined {
  const vpc = parseCidr(n.cidr) as Cidr;
  // Private subnets first: they are the large ones and alignment wastes least that way.
  const auto = allocate(vpc, [
    ...Array<number>(azCount).fill(n.privateSubnetPrefixLength),
    ...Array<number>(azCount).fill(n.publicSubnetPrefixLength),
  ]);
  const pub = n.publicSubnetCidrs ?? auto?.slice(azCount);
  const priv = n.privateSubnetCidrs ?? auto?.slice(0, azCount);
  return pub && priv ? { public: pub, private: priv } : undefined;
}

function checkLayout(n: NetworkInput, ctx: z.RefinementCtx): void {
  const vpc = parseCidr(n.cidr);
  if (typeof vpc === "string") return; // already reported on the field
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  if (vpc.prefix < 16 || vpc.prefix > 28) {
    issue(["cidr"], `"${n.cidr}" has prefix /${vpc.prefix}; AWS allows VPC blocks from /16 to /28`);
    return;
  }
  if (!isPrivate(vpc)) {
    issue(["cidr"], `"${n.cidr}" is not in a private range; use a block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10`);
  }
  if (n.availabilityZones) {
    if (n.availabilityZones.length < 2) {
      issue(["availabilityZones"], `lists ${n.availabilityZones.length} zone; EKS needs subnets in at least 2 availability zones`);
      return;
    }
    if (new Set(n.availabilityZones).size !== n.availabilityZones.length) {
      issue(["availabilityZones"], "lists a zone twice; each zone may appear once");
    }
    if (n.azCount !== undefined && n.azCount !== n.availabilityZones.length) {
      issue(["azCount"], `is ${n.azCount} but availabilityZones lists ${n.availabilityZones.length}; set one of them`);
    }
  }
  const azCount = n.availabilityZones?.length ?? n.azCount ?? 2;

  for (const [key, prefix] of [["publicSubnetPrefixLength", n.publicSubnetPrefixLength], ["privateSubnetPrefixLength", n.privateSubnetPrefixLength]] as const) {
    if (prefix < vpc.prefix) issue([key], `/${prefix} is larger than the VPC block ${n.cidr}; use a prefix length of at least ${vpc.prefix}`);
  }

  const explicit: Array<[string, string[] | undefined]> = [["publicSubnetCidrs", n.publicSubnetCidrs], ["privateSubnetCidrs", n.privateSubnetCidrs]];
  const seen: Array<{ path: (string | number)[]; cidr: Cidr }> = [];
  for (const [key, list] of explicit) {
    if (!list) continue;
    if (list.length !== azCount) {
      issue([key], `lists ${list.length} subnets but the VPC spans ${azCount} availability zones; give exactly one per zone`);
    }
    list.forEach((text, i) => {
      const c = parseCidr(text);
      if (typeof c === "string") return;
      if (!contains(vpc, c)) issue([key, i], `"${text}" is not inside the VPC block ${n.cidr}; use a subnet of it`);
      else if (c.prefix > 28) issue([key, i], `"${text}" is smaller than /28, the smallest subnet AWS allows`);
      const clash = seen.find((s) => overlaps(s.cidr, c));
      if (clash) issue([key, i], `"${text}" overlaps ${clash.cidr.text} (${clash.path.join(".")}); subnets must not overlap`);
      seen.push({ path: [key, i], cidr: c });
    });
  }

  if (!computeLayout(n, azCount)) {
    issue(["cidr"], `${azCount} private /${n.privateSubnetPrefixLength} and ${azCount} public /${n.publicSubnetPrefixLength} subnets do not fit in ${n.cidr}; use a larger VPC block or larger prefix lengths (smaller subnets)`);
  }

  if (n.vpcEndpoints.ecr && !n.vpcEndpoints.s3) {
    issue(["vpcEndpoints", "ecr"], "needs vpcEndpoints.s3 too: ECR serves image layers from S3, so pulls without NAT fail without the S3 gateway endpoint");
  }
  if (n.natGateways === "none" && !n.vpcEndpoints.ecr) {
    issue(["natGateways"], `"none" leaves private subnets without a way to pull images; enable vpcEndpoints.s3 and vpcEndpoints.ecr (and sts for IRSA), or use "single"`);
  }
}

export type NetworkSettings = z.output<typeof networkSchema>;
