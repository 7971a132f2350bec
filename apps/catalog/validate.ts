import { allowedKeysAt } from "../../input/schema-keys";
import { issueText } from "../../input/issues";
import { EC2_CONSTRAINTS, forcedPlacement, resolvePlacement } from "./placement";
import { type Catalog, type CatalogInput, catalogSchema, type ResolvedCatalog } from "./types";
import { APPMESH_MAX_ROUTE_TARGETS, ENVOY } from "../../facts/mesh";

/** A refused catalog rule: where (a path inside the catalog) and what to change. */
export interface CatalogIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** `services.yelb-ui.dependsOn[0]`: service entries are named by their name, not their index. */
export function formatCatalogPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), "");
}

/**
 * The rules between fields and services that the field schema cannot express. Every
 * message names what is wrong and what is allowed; the path names the service by name.
 */
export function checkCatalog(catalog: Catalog): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  const names = catalog.services.map((s) => s.name);
  const known = new Set(names);
  const tableNames = Object.keys(catalog.tables);

  // Names: they become IAM roles, ECR repositories, Kubernetes objects and mesh objects.
  const seen = new Map<string, number[]>();
  names.forEach((n, i) => seen.set(n, [...(seen.get(n) ?? []), i]));
  for (const [name, at] of seen) {
    if (at.length > 1) {
      add(["services", name], `the name "${name}" is used by ${at.length} services (${at.map((i) => `services[${i}]`).join(", ")}); service names must be unique across the catalog because they name IAM roles, Kubernetes objects and App Mesh objects`);
    }
  }

  for (const s of catalog.services) {
    const at = (...rest: (string | number)[]) => ["services", s.name, ...rest];
    if (s.cpu.limit < s.cpu.request) add(at("cpu"), `limit (${s.cpu.limit}m) is below request (${s.cpu.request}m); the limit must be at least the request`);
    if (s.memory.limit < s.memory.request) add(at("memory"), `limit (${s.memory.limit} MiB) is below request (${s.memory.request} MiB); the limit must be at least the request`);
    if (s.replicas.min > s.replicas.max) add(at("replicas"), `min (${s.replicas.min}) is larger than max (${s.replicas.max}); the autoscaler needs min <= max`);
    if ((ENVOY.ports as readonly number[]).includes(s.port)) {
      add(at("port"), `${s.port} is a port the Envoy sidecar uses in every pod (${ENVOY.ports.join(", ")}); choose another port`);
    }

    // Versions and weights.
    const versionNames = s.versions.map((v) => v.name);
    const dupVersions = versionNames.filter((v, i) => versionNames.indexOf(v) !== i);
    if (dupVersions.length) add(at("versions"), `version "${dupVersions[0]}" appears more than once; version names must be unique within a service`);
    if (s.versions.length > APPMESH_MAX_ROUTE_TARGETS) add(at("versions"), `${s.versions.length} versions, but an App Mesh route splits traffic across at most ${APPMESH_MAX_ROUTE_TARGETS}; retire old versions first`);
    const total = s.versions.reduce((sum, v) => sum + v.weight, 0);
    if (total <= 0) add(at("versions"), `weights add up to ${total}; give at least one version a positive weight (each weight is 0-100, traffic is split in proportion)`);

    // Dependencies.
    s.dependsOn.forEach((dep, i) => {
      if (!known.has(dep)) add(at("dependsOn", i), `"${dep}" is not a service in this catalog; use one of ${[...known].sort().join(", ")}`);
    });

    // Tables.
    for (const table of Object.keys(s.tables)) {
      if (!tableNames.includes(table)) {
        const have = tableNames.length ? `use one of ${tableNames.sort().join(", ")}` : "this catalog defines no tables";
        add(at("tables", table), `no table "${table}" is defined in the catalog's tables; define it there or ${have}`);
      }
    }

    // Placement against constraints.
    const ec2Reasons = EC2_CONSTRAINTS.filter((c) => s.constraints[c]);
    if (s.constraints.isolation && ec2Reasons.length) {
      add(at("constraints"), `isolation (Fargate only) contradicts ${ec2Reasons.join(", ")} (EC2 only); keep one side`);
    } else {
      const forced = forcedPlacement(s);
      const why = s.constraints.isolation ? "constraints.isolation" : ec2Reasons.length ? `constraints.${ec2Reasons[0]}` : "a nodeSelector";
      if (forced && s.placement !== "auto" && s.placement !== forced) {
        add(at("placement"), `"${s.placement}" contradicts ${why}, which needs ${forced}; set placement to "${forced}" or "auto"`);
      }
      if (Object.keys(s.nodeSelector).length && (s.placement === "fargate" || s.constraints.isolation)) {
        add(at("nodeSelector"), `a nodeSelector only applies to EC2 nodes, but this service runs on Fargate; remove it or place the service on "ec2"`);
      }
    }

    // Protocol-dependent features.
    if (s.public && !(s.protocol === "http" || s.protocol === "http2")) {
      add(at("public"), `a public service is exposed through an HTTP load balancer, but this service speaks ${s.protocol}; only http and http2 services can be public`);
    }
    if (s.retryPolicy && s.protocol === "tcp") add(at("retryPolicy"), `App Mesh TCP routes have no retries; remove retryPolicy or use an http, http2 or grpc protocol`);
  }

  // One path, one service: the load balancer would send the path's requests to one of them
  // and the other would be unreachable, with no error anywhere.
  const publicPaths = new Map<string, string>();
  catalog.services.forEach((s) => {
    if (!s.public) return;
    const path = s.public.path.replace(/\/+$/, "") || "/";
    const first = publicPaths.get(path);
    if (first) add(["services", s.name, "public", "path"], `"${s.public.path}" is also ${first}'s public path; the load balancer would send its requests to one of the two and the other would be unreachable. Give each public service a path of its own`);
    else publicPaths.set(path, s.name);
  });

  // Tables nobody uses are allowed (data outlives services), but their settings must fit.
  for (const [name, t] of Object.entries(catalog.tables)) {
    const capacities = [t.readCapacity, t.writeCapacity].filter((c) => c !== undefined).length;
    if (t.billing === "on-demand" && capacities > 0) {
      add(["tables", name], `readCapacity and writeCapacity only apply with billing "provisioned"; remove them or set billing to "provisioned"`);
    }
    if (t.billing === "provisioned" && capacities < 2) add(["tables", name], `billing "provisioned" needs both readCapacity and writeCapacity`);
    if (t.sortKey && t.sortKey.name === t.partitionKey.name) add(["tables", name, "sortKey"], `the sort key must differ from the partition key ("${t.partitionKey.name}")`);
  }

  for (const cycle of findCycles(catalog)) {
    add(["services", cycle[0], "dependsOn"], `dependency cycle ${cycle.join(" → ")}; services may not call each other in a loop (break it, e.g. with an event or a shared table)`);
  }
  return issues;
}

/** Each elementary cycle once, starting at its first service in catalog order, e.g. [a, b, a]. */
function findCycles(catalog: Catalog): string[][] {
  const deps = new Map(catalog.services.map((s) => [s.name, s.dependsOn] as const));
  const order = catalog.services.map((s) => s.name);
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seenKeys = new Set<string>();
  const visit = (n: string) => {
    state.set(n, "visiting");
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      if (state.get(d) === "visiting") {
        const loop = stack.slice(stack.indexOf(d));
        // Rotate so the loop starts at its earliest service in catalog order: one report per loop.
        const start = loop.reduce((best, x) => (order.indexOf(x) < order.indexOf(best) ? x : best));
        const rotated = [...loop.slice(loop.indexOf(start)), ...loop.slice(0, loop.indexOf(start))];
        const key = rotated.join(">");
        if (!seenKeys.has(key)) {
          seenKeys.add(key);
          cycles.push([...rotated, start]);
        }
      } else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of order) if (!state.has(n)) visit(n);
  return cycles;
}

/**
 * Parses and checks a catalog, then decides placements. Returns the issues (paths
 * relative to the catalog) or the resolved catalog the workloads stack renders.
 */
export function resolveCatalog(input: CatalogInput | unknown): { catalog?: ResolvedCatalog; issues: CatalogIssue[] } {
  const parsed = catalogSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.flatMap((i): CatalogIssue[] => {
        const at = namedPath(input, i.path as (string | number)[]);
        if (i.code === "unrecognized_keys") {
          // One issue per key, on the key itself, so a file's line points at the typo.
          const allowed = allowedKeysAt(catalogSchema, i.path);
          return i.keys.map((k) => ({ path: [...at, k], message: `unknown key; allowed keys here: ${allowed.join(", ")}` }));
        }
        return [{ path: at, message: issueText(i) }];
      }),
    };
  }
  const issues = checkCatalog(parsed.data);
  if (issues.length) return { issues };
  const placement = resolvePlacement(parsed.data);
  return {
    issues: [],
    catalog: {
      name: parsed.data.name,
      description: parsed.data.description,
      tables: parsed.data.tables,
      // Each version runs its own image or the service's: resolved here, so nothing downstream re-defaults it.
      services: parsed.data.services.map((s) => ({ ...s, versions: s.versions.map((v) => ({ ...v, image: v.image ?? s.image })), requestedPlacement: s.placement, placement: placement[s.name] })),
    },
  };
}

/** Replaces `services[3]` by `services.<name>` in a field-schema path, when the entry has a name. */
function namedPath(input: unknown, path: (string | number)[]): (string | number)[] {
  if (path[0] === "services" && typeof path[1] === "number") {
    const services = (input as { services?: unknown } | undefined)?.services;
    const name = Array.isArray(services) ? (services[path[1]] as { name?: unknown } | undefined)?.name : undefined;
    if (typeof name === "string" && name) return ["services", name, ...path.slice(2)];
  }
  return path;
}
