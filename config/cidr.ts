import ipaddr from "ipaddr.js";

/** An IPv4 CIDR block parsed into integers, so containment and overlap are plain arithmetic. */
export interface Cidr {
  readonly text: string;
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

/**
 * Parses "a.b.c.d/n" strictly: the address must be the network address of the block,
 * because AWS rejects a VPC or subnet CIDR with host bits set.
 * Returns a reason string instead of throwing so the schema can put it in its message.
 */
export function parseCidr(text: string): Cidr | string {
  if (!ipaddr.IPv4.isValidCIDR(text)) {
    return `"${text}" is not an IPv4 CIDR block (expected a.b.c.d/n)`;
  }
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
  const bytes = addr.toByteArray();
  const value = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  if (value % size !== 0) {
    const network = formatIp(value - (value % size));
    return `"${text}" has host bits set; the block starts at ${network}/${prefix}`;
  }
  return { text, base: value, prefix, size };
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

export function formatCidr(base: number, prefix: number): string {
  return `${formatIp(base)}/${prefix}`;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** RFC 1918 ranges plus the 100.64.0.0/10 shared range AWS also accepts for VPCs. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map(
  (text) => parseCidr(text) as Cidr,
);

export function isPrivate(cidr: Cidr): boolean {
  return PRIVATE_RANGES.some((range) => contains(range, cidr));
}

/**
 * Lays out blocks of the given prefix lengths one after another inside `within`,
 * each aligned to its own size (as Terraform's cidrsubnets() does).
 * Returns undefined when they do not fit.
 */
export function allocate(within: Cidr, prefixes: readonly number[]): string[] | undefined {
  const out: string[] = [];
  let cursor = within.base;
  for (const prefix of prefixes) {
    const size = 2 ** (32 - prefix);
    cursor = Math.ceil(cursor / size) * size;
    if (cursor + size > within.base + within.size) return undefined;
    out.push(formatCidr(cursor, prefix));
    cursor += size;
  }
  return out;
}
