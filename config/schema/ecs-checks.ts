import type { z } from "zod";
import { type CatalogOrigin, catalogLocation, type ResolvedCatalog, type ResolvedService } from "../../apps/catalog";
import { ecsTaskDemand, tryEcsFargateSize } from "../../placement/ecs-sizing";
import type { EcsSettings } from "./ecs";

/**
 * What the catalog asks for that ECS cannot honour (issue 19). Each catalog feature is
 * either rendered on ECS, refused here (synth stops, naming the service and field), or
 * reported by `ecsWarnings` (synth goes on and prints it): never dropped silently.
 *
 * | catalog field                 | on ECS                                                       |
 * |-------------------------------|--------------------------------------------------------------|
 * | constraints.gpu               | refused: the EC2 capacity provider has no GPU instances       |
 * | cpu / memory beyond Fargate   | refused for Fargate services (16 vCPU / 120 GB)               |
 * | versions (internal, weighted) | warned: Service Connect sends a name to one ECS service       |
 * | retryPolicy                   | warned: Service Connect has no per-route retry setting        |
 * | nodeSelector                  | warned: one EC2 capacity provider, no node groups to select    |
 * | healthCheckPath (internal)    | warned: only the ALB probes HTTP; internal services unprobed  |
 */

/** Where a service's tasks run on ECS: EC2 when the catalog says so or needs a node; Fargate otherwise. */
export function ecsLaunch(s: Pick<ResolvedService, "requestedPlacement" | "constraints">): "fargate" | "ec2" {
  return s.requestedPlacement === "ec2" || s.constraints.needsNode || s.constraints.privileged || s.constraints.gpu ? "ec2" : "fargate";
}

/** The version that owns the service's name on ECS: the largest weight, the first on a tie. */
export function primaryVersion(s: Pick<ResolvedService, "versions">): string {
  return s.versions.reduce((best, v) => (v.weight > best.weight ? v : best), s.versions[0]).name;
}

/** The sections the ECS checks read. */
export interface EcsSections {
  readonly platform: { readonly orchestrator: "eks" | "ecs" };
  readonly mesh: { readonly tls: { readonly mode: string } };
  readonly network: { readonly natGateways: "single" | "per-az" | "none"; readonly vpcEndpoints: { readonly logs: boolean } };
  readonly ecs: EcsSettings;
  readonly workloads: { readonly catalog: string; readonly app: ResolvedCatalog; readonly origin: CatalogOrigin };
}

/** Refusals: adds an issue per field ECS cannot run. Only called when the orchestrator is "ecs". */
export function checkEcs(config: EcsSections, ctx: z.RefinementCtx): void {
  const catalog = config.workloads.app;
  if (!catalog) return;
  if (config.mesh.tls.mode !== "off") {
    ctx.addIssue({
      code: "custom",
      path: ["mesh", "tls", "mode"],
      message: `"${config.mesh.tls.mode}" encrypts the traffic between Envoy sidecars on EKS; on ECS, Service Connect TLS (with AWS Private CA) is not built by this platform yet; set mesh.tls.mode to "off" with platform.orchestrator "ecs", or stay on "eks"`,
    });
  }
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  // Without NAT, tasks reach AWS only through the network stack's endpoints (S3, ECR, STS, Logs).
  if (config.network.natGateways === "none") {
    const onEc2 = catalog.services.filter((s) => ecsLaunch(s) === "ec2").map((s) => s.name);
    if (onEc2.length > 0) {
      issue(["network", "natGateways"], `"none" leaves the ECS container instances for ${onEc2.join(", ")} no way to register with ECS (the ecs, ecs-agent and ecs-telemetry endpoints, which the network stack does not create); use "single" or "per-az" with platform.orchestrator "ecs"`);
    } else if (!config.network.vpcEndpoints.logs) {
      issue(["network", "vpcEndpoints", "logs"], `is false with natGateways "none": ECS tasks send their logs to CloudWatch Logs, which they could not reach; set network.vpcEndpoints.logs to true`);
    }
  }
  for (const s of catalog.services) {
    const at = catalogLocation(config.workloads.origin, ["services", s.name]);
    if (s.constraints.gpu) {
      issue(["workloads", "catalog"], `${at}.constraints.gpu: the ECS EC2 capacity provider runs ${config.ecs.ec2.instanceType} instances without GPUs; run this catalog with platform.orchestrator "eks" or drop the GPU need`);
    }
    if (ecsLaunch(s) === "fargate" && !tryEcsFargateSize(ecsTaskDemand({ cpuMillicores: s.cpu.request, memoryMiB: s.memory.request }))) {
      issue(["workloads", "catalog"], `${at}.cpu.request/memory.request: ${s.cpu.request}m and ${s.memory.request}Mi plus the Service Connect proxy exceed the largest Fargate task (16 vCPU / 120 GB); lower the requests or place the service on "ec2"`);
    }
  }
  const names = catalog.services.map((s) => s.name);
  for (const [service, actions] of Object.entries(config.ecs.scheduledScaling)) {
    if (!names.includes(service)) {
      issue(["ecs", "scheduledScaling", service], `the "${config.workloads.catalog}" catalog has no service "${service}"; it has ${names.join(", ")}`);
      continue;
    }
    const seen = new Set<string>();
    actions.forEach((a, i) => {
      if (seen.has(a.name)) issue(["ecs", "scheduledScaling", service, i, "name"], `"${a.name}" is used twice for ${service}; scheduled action names must be unique per service`);
      seen.add(a.name);
    });
  }
}

export interface EcsWarning {
  readonly service: string;
  readonly field: string;
  readonly message: string;
}

/** What ECS renders differently from EKS, per service and field; printed at synth. */
export function ecsWarnings(catalog: ResolvedCatalog): EcsWarning[] {
  const out: EcsWarning[] = [];
  for (const s of catalog.services) {
    const weighted = s.versions.filter((v) => v.weight > 0);
    if (weighted.length > 1 && !s.public) {
      const primary = primaryVersion(s);
      const others = s.versions.filter((v) => v.name !== primary).map((v) => `${s.name}-${v.name}`);
      out.push({
        service: s.name,
        field: "versions",
        message: `weights ${s.versions.map((v) => `${v.name}=${v.weight}`).join(", ")} cannot be split for internal calls on ECS: Service Connect sends a name to one ECS service, so ${primary} takes every call to ${s.name} and ${others.join(", ")} answer${others.length === 1 ? "s" : ""} only by ${others.length === 1 ? "its own name" : "their own names"}; on EKS the mesh splits by weight`,
      });
    }
    if (s.retryPolicy) {
      out.push({
        service: s.name,
        field: "retryPolicy",
        message: `${s.retryPolicy.maxRetries} retries of ${s.retryPolicy.perRetryTimeoutMs} ms are not applied on ECS: Service Connect has no per-route retry setting; callers must retry themselves`,
      });
    }
    if (Object.keys(s.nodeSelector).length > 0) {
      out.push({
        service: s.name,
        field: "nodeSelector",
        message: `${JSON.stringify(s.nodeSelector)} selects EKS node groups; on ECS the service runs on the one EC2 capacity provider (ecs.ec2)`,
      });
    }
    if (!s.public && (s.protocol === "http" || s.protocol === "http2")) {
      out.push({
        service: s.name,
        field: "healthCheckPath",
        message: `${s.healthCheckPath} is not probed on ECS: only the ALB probes HTTP paths, and this service is internal (ECS restarts a task whose process exits; an HTTP probe would need a tool such as curl in the image)`,
      });
    }
  }
  return out;
}

export function formatEcsWarning(w: EcsWarning): string {
  return `WARNING: ECS: services.${w.service}.${w.field}: ${w.message}`;
}
