/**
 * Values a stack knows only at apply time, for the Kubernetes checks: every `${...}` the
 * mesh and workloads stacks write into a Kubernetes object or a chart's values is resolved
 * here, in one place.
 *
 * What is known from the synthesized stacks is used as it is: a reference to another
 * resource's literal argument (a namespace's metadata[0].name, a table's name) and another
 * stack's output whose value is such a literal (the mesh stack's controller namespace).
 * What AWS or a controller makes at apply time (ARNs, repository URLs, the account ID, the
 * domain name Lattice assigns a route) gets a stand-in of the right shape: ARNs parse as
 * ARNs of their service, URLs as ECR registries, account IDs are twelve digits. Every
 * stand-in carries "standin", so it is recognisable in any output. An expression of another
 * form is an error naming it, never left in an object.
 */

export const STAND_IN_ACCOUNT = "000000000000";
const UUID = "00000000-0000-4000-8000-000000000000";

/** The stand-in for one apply-time attribute of a resource (`type` is the Terraform type, data sources as `data.<type>`). */
export function standIn(type: string, name: string, attribute: string, region: string): string {
  const id = `standin-${name}`;
  const arn = (service: string, resource: string, inRegion = region) => `arn:aws:${service}:${inRegion}:${STAND_IN_ACCOUNT}:${resource}`;
  switch (`${type}.${attribute}`) {
    case "data.aws_caller_identity.account_id":
      return STAND_IN_ACCOUNT;
    case "data.aws_partition.partition":
      return "aws";
    case "aws_ecr_repository.repository_url":
      return `${STAND_IN_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${id}`;
    case "aws_acm_certificate.arn":
    case "aws_acm_certificate_validation.certificate_arn":
      return arn("acm", `certificate/${UUID}`);
    case "aws_acmpca_certificate_authority.arn":
      return arn("acm-pca", `certificate-authority/${UUID}`);
    case "aws_wafv2_web_acl.arn":
      return arn("wafv2", `regional/webacl/${id}/${UUID}`);
    case "aws_iam_role.arn":
      return arn("iam", `role/${id}`, "");
    case "aws_sqs_queue.arn":
      return arn("sqs", id);
  }
  if (type === "data.kubernetes_resource" && attribute.includes("lattice-assigned-domain-name")) return `${id}-0123456789abcdef0.7d67968.vpc-lattice-svcs.${region}.on.aws`;
  if (type === "data.kubernetes_resource" && attribute.includes("lattice-service-arn")) return arn("vpc-lattice", `service/svc-0123456789abcdef0`);
  if (attribute === "arn" || attribute.endsWith("_arn")) return arn(type.replace(/^(data\.)?aws_/, "").split("_")[0]!, id);
  if (attribute === "id" || attribute === "name" || attribute.endsWith("_name") || attribute.endsWith("_id")) return id;
  throw new StandInMissing(`no stand-in for ${type}.${name}.${attribute}: add its shape to ops/kubernetes/stand-ins.ts`);
}

export class StandInMissing extends Error {}

/** A synthesized stack as the resolver needs it. */
export interface StackDoc {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, Array<Record<string, unknown>>>;
}

export interface ResolveContext {
  readonly stack: string;
  readonly doc: StackDoc;
  /** Every stack of the same synthesis, for remote-state outputs. */
  readonly stacks: Readonly<Record<string, StackDoc>>;
  /** For for_each bodies: the value of `each.value`. */
  readonly each?: unknown;
}

const regionOf = (doc: StackDoc) => String(doc.provider?.aws?.[0]?.region ?? "us-east-1");

/** The value with every `${...}` resolved; a whole-string reference keeps the referenced value's type. */
export function resolveValue(value: unknown, ctx: ResolveContext, depth = 0): unknown {
  if (depth > 20) throw new StandInMissing("references nest more than 20 deep (a cycle?)");
  if (typeof value === "string") {
    const whole = /^\$\{([^{}]*)\}$/.exec(value);
    if (whole) return resolveExpression(whole[1]!.trim(), ctx, depth);
    if (!value.includes("${")) return value;
    return value.replace(/\$\{([^{}]*)\}/g, (_, expr: string) => {
      const v = resolveExpression(expr.trim(), ctx, depth);
      if (typeof v === "object" && v !== null) throw new StandInMissing(`\${${expr}} is an object inside a string`);
      return String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx, depth));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "//" ? v : resolveValue(v, ctx, depth)]));
  }
  return value;
}

/** `a.b[0].c["d"]` as steps. */
function steps(expr: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of expr.matchAll(/([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g)) out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  return out;
}

function dig(value: unknown, path: Array<string | number>): unknown {
  let v = value;
  for (const step of path) {
    // cdktf writes single blocks as objects where Terraform addresses them as [0].
    if (typeof step === "number" && v && typeof v === "object" && !Array.isArray(v) && step === 0) continue;
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

function resolveExpression(expr: string, ctx: ResolveContext, depth: number): unknown {
  if (!/^[\w.[\]"/:-]+$/.test(expr)) throw new StandInMissing(`\${${expr}} is not a plain reference; ops/kubernetes/stand-ins.ts resolves references only`);
  const path = steps(expr);
  if (path[0] === "each" && path[1] === "value") {
    if (ctx.each === undefined) throw new StandInMissing("each.value outside a for_each");
    return dig(ctx.each, path.slice(2));
  }
  const isData = path[0] === "data";
  const [type, name, ...rest] = (isData ? path.slice(1) : path) as [string, string, ...Array<string | number>];
  const region = regionOf(ctx.doc);
  if (isData && type === "terraform_remote_state" && rest[0] === "outputs") {
    const upstream = /remote-state-(.+)$/.exec(name)?.[1];
    const doc = upstream ? ctx.stacks[upstream] : undefined;
    const out = doc?.output?.[String(rest[1])];
    if (!doc || !out) return standIn("output", `${upstream ?? name}-${String(rest[1]).replaceAll("_", "-")}`, String(rest[1]), region);
    return resolveValue(out.value, { stack: upstream!, doc, stacks: ctx.stacks }, depth + 1);
  }
  const body = (isData ? ctx.doc.data : ctx.doc.resource)?.[type]?.[name];
  if (body === undefined) throw new StandInMissing(`\${${expr}} refers to ${isData ? "data." : ""}${type}.${name}, which stack ${ctx.stack} does not have`);
  // An argument written in the stack is known now: use it (resolved in turn).
  const written = dig(body, rest);
  if (written !== undefined && !(typeof written === "object" && written !== null && !Array.isArray(written) && Object.keys(written).length === 0)) {
    return resolveValue(written, ctx, depth + 1);
  }
  const attribute = rest.map(String).join(".");
  return standIn(isData ? `data.${type}` : type, name, attribute, region);
}
