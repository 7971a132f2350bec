/**
 * Which AWS provider endpoint each resource and data-source type talks to, so the local-AWS
 * override can point every service a stack uses at moto and none at AWS. A type missing
 * here stops the harness with a message naming it: a new kind of resource is added here once.
 */

/** Type prefix (longest match wins) → the AWS provider's `endpoints` key. */
export const ENDPOINT_BY_TYPE_PREFIX: Readonly<Record<string, string>> = {
  aws_caller_identity: "sts",
  aws_iam_policy_document: "", // computed locally, no API call
  aws_partition: "", // computed locally
  aws_region: "", // computed locally
  aws_availability_zones: "ec2",
  aws_iam_: "iam",
  aws_kms_: "kms",
  aws_cloudwatch_log_: "logs",
  aws_cloudwatch_metric_alarm: "cloudwatch",
  aws_cloudwatch_dashboard: "cloudwatch",
  aws_cloudwatch_event_: "events",
  aws_eks_: "eks",
  aws_ecr_: "ecr",
  aws_ecs_: "ecs",
  aws_dynamodb_: "dynamodb",
  aws_sqs_: "sqs",
  aws_sns_: "sns",
  aws_s3_: "s3",
  aws_ssm_: "ssm",
  aws_lb: "elbv2",
  aws_lb_hosted_zone_id: "", // a table in the provider, no API call
  aws_acm_: "acm",
  aws_acmpca_: "acmpca",
  aws_appautoscaling_: "appautoscaling",
  aws_autoscaling_: "autoscaling",
  aws_route53_: "route53",
  aws_service_discovery_: "servicediscovery",
  aws_wafv2_: "wafv2",
  aws_vpc: "ec2",
  aws_default_: "ec2",
  aws_subnet: "ec2",
  aws_route: "ec2",
  aws_internet_gateway: "ec2",
  aws_nat_gateway: "ec2",
  aws_eip: "ec2",
  aws_flow_log: "ec2",
  aws_security_group: "ec2",
  aws_launch_template: "ec2",
  aws_network_acl: "ec2",
  aws_ec2_: "ec2",
  aws_ami: "ec2",
};

/** Endpoints every stack needs whatever it declares: the provider asks STS who it is. */
const ALWAYS = ["sts"];

/** The endpoint key for one type; undefined when the type makes no API call. Throws when unknown. */
export function endpointFor(type: string): string | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(ENDPOINT_BY_TYPE_PREFIX)) {
    if (type.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  if (best === undefined) {
    throw new Error(`no AWS endpoint known for ${type}: add its service to ops/terraform/aws-services.ts`);
  }
  return ENDPOINT_BY_TYPE_PREFIX[best] || undefined;
}

/** Sorted endpoint keys for every AWS resource and data source of a synthesized stack. */
export function servicesUsed(doc: { resource?: Record<string, unknown>; data?: Record<string, unknown> }): string[] {
  const types = [...Object.keys(doc.resource ?? {}), ...Object.keys(doc.data ?? {})].filter((t) => t.startsWith("aws_"));
  const services = new Set(ALWAYS);
  for (const type of types) {
    const service = endpointFor(type);
    if (service !== undefined) services.add(service);
  }
  return [...services].sort();
}
