import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decideAutoPlacements } from "../cost/platform";
import { CATALOGS, type CatalogInput, resolveCatalog, resolvePlacement, type ServiceInput } from "../apps/catalog";
import { catalogSchema } from "../apps/catalog/types";
import { ConfigError, parseConfig } from "../config/load";
import { platformConfigSchema } from "../config/schema";
import { type CrossSections, generateFargateProfiles, resolveAcrossSections } from "../config/schema/cross-checks";
import { withDev } from "./support/config";

const svc = (name: string, extra: Partial<ServiceInput> = {}): ServiceInput => ({
  name,
  namespace: "shop",
  image: { ecr: name, tag: "1.0.0" },
  port: 8080,
  cpu: { request: 100, limit: 200 },
  memory: { request: 128, limit: 256 },
  ...extra,
});

const catalog = (services: ServiceInput[], tables: CatalogInput["tables"] = {}): CatalogInput => ({ name: "test", services, tables });

/** The messages of a refused catalog, as `<path>: <message>`. */
function refusals(input: CatalogInput): string[] {
  const { catalog: resolved, issues } = resolveCatalog(input);
  expect(resolved).toBeUndefined();
  return issues.map((i) => `${i.path.reduce<string>((a, k) => (typeof k === "number" ? `${a}[${k}]` : a ? `${a}.${k}` : k), "")}: ${i.message}`);
}

/** The printed config error for an input (every line), or "" when accepted. */
function configError(input: unknown): string {
  try {
    parseConfig(input, "test config");
    return "";
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

/** Runs the cross-section resolution on a config whose catalog is `input`, collecting issues. */
function crossCheck(input: CatalogInput, overrides: { cluster?: Record<string, unknown>; mesh?: Record<string, unknown>; workloads?: Record<string, unknown> } = {}) {
  const base = parseConfig(withDev(overrides as never), "test config");
  const resolved = resolveCatalog(input);
  if (!resolved.catalog) throw new Error(JSON.stringify(resolved.issues));
  // Start from the user's own profiles: parseConfig has already merged the generated ones.
  const userProfiles = (overrides.cluster?.fargateProfiles ?? {}) as CrossSections["cluster"]["fargateProfiles"];
  const config = { ...base, cluster: { ...base.cluster, fargateProfiles: userProfiles }, workloads: { ...base.workloads, app: resolved.catalog } } as CrossSections;
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const ctx = { addIssue: (i: { path?: PropertyKey[]; message?: string }) => issues.push({ path: i.path ?? [], message: i.message ?? "" }), issues: [], value: config } as unknown as z.RefinementCtx;
  const out = resolveAcrossSections(config, ctx);
  return { out, issues: issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
}

describe("shipped catalogs", () => {
  it.each(Object.entries(CATALOGS))("%s is valid", (_name, input) => {
    expect(resolveCatalog(input).issues).toEqual([]);
  });

  it("resolves auto to Fargate and lets constraints force a placement", () => {
    const parsed = catalogSchema.parse(
      catalog([
        svc("a"),
        svc("b", { constraints: { gpu: true } }),
        svc("c", { constraints: { isolation: true } }),
        svc("d", { nodeSelector: { disk: "ssd" } }),
        svc("e", { placement: "ec2" }),
      ]),
    );
    expect(resolvePlacement(parsed)).toEqual({ a: "fargate", b: "ec2", c: "fargate", d: "ec2", e: "ec2" });
  });
});

describe("refused catalogs, with their exact messages", () => {
  it("an unknown dependency", () => {
    expect(refusals(catalog([svc("web", { dependsOn: ["api"] }), svc("db")]))).toEqual([
      'services.web.dependsOn[0]: "api" is not a service in this catalog; use one of db, web',
    ]);
  });

  it("a dependency cycle, named", () => {
    expect(refusals(catalog([svc("a", { dependsOn: ["b"] }), svc("b", { dependsOn: ["c"] }), svc("c", { dependsOn: ["a"] }), svc("d", { dependsOn: ["d"] })]))).toEqual([
      "services.a.dependsOn: dependency cycle a → b → c → a; services may not call each other in a loop (break it, e.g. with an event or a shared table)",
      "services.d.dependsOn: dependency cycle d → d; services may not call each other in a loop (break it, e.g. with an event or a shared table)",
    ]);
  });

  it("weights that do not add up to a positive total", () => {
    expect(refusals(catalog([svc("api", { versions: [{ name: "v1", weight: 0 }, { name: "v2", weight: 0 }] })]))).toEqual([
      "services.api.versions: weights add up to 0; give at least one version a positive weight (each weight is 0-100, traffic is split in proportion)",
    ]);
  });

  it("a weight App Mesh cannot take", () => {
    expect(refusals(catalog([svc("api", { versions: [{ name: "v1", weight: 150 }] })]))).toEqual(["services.api.versions[0].weight: 150 is too large; a version weight must be from 0 to 100"]);
  });

  it("a table nobody defines", () => {
    expect(refusals(catalog([svc("api", { tables: { orders: "read" } })], { users: { partitionKey: { name: "id" } } }))).toEqual([
      'services.api.tables.orders: no table "orders" is defined in the catalog\'s tables; define it there or use one of users',
    ]);
  });

  it("duplicate service names", () => {
    expect(refusals(catalog([svc("api"), svc("web"), svc("api", { namespace: "other" })]))).toEqual([
      'services.api: the name "api" is used by 2 services (services[0], services[2]); service names must be unique across the catalog because they name IAM roles, Kubernetes objects and App Mesh objects',
    ]);
  });

  it("duplicate version names", () => {
    expect(refusals(catalog([svc("api", { versions: [{ name: "v1", weight: 50 }, { name: "v1", weight: 50 }] })]))).toEqual([
      'services.api.versions: version "v1" appears more than once; version names must be unique within a service',
    ]);
  });

  it("a port the Envoy sidecar owns", () => {
    expect(refusals(catalog([svc("api", { port: 15001 })]))).toEqual(["services.api.port: 15001 is a port the Envoy sidecar uses in every pod (15000, 15001, 9901); choose another port"]);
  });

  it("placements that contradict constraints, and node selectors on Fargate", () => {
    expect(
      refusals(
        catalog([
          svc("a", { placement: "fargate", constraints: { gpu: true } }),
          svc("b", { constraints: { isolation: true, privileged: true } }),
          svc("c", { placement: "fargate", nodeSelector: { disk: "ssd" } }),
        ]),
      ),
    ).toEqual([
      'services.a.placement: "fargate" contradicts constraints.gpu, which needs ec2; set placement to "ec2" or "auto"',
      "services.b.constraints: isolation (Fargate only) contradicts privileged (EC2 only); keep one side",
      'services.c.placement: "fargate" contradicts a nodeSelector, which needs ec2; set placement to "ec2" or "auto"',
      'services.c.nodeSelector: a nodeSelector only applies to EC2 nodes, but this service runs on Fargate; remove it or place the service on "ec2"',
    ]);
  });

  it("limits below requests, min above max, public TCP, TCP retries", () => {
    expect(
      refusals(
        catalog([
          svc("a", { cpu: { request: 500, limit: 100 }, replicas: { min: 5, max: 2 } }),
          svc("b", { protocol: "tcp", public: { path: "/" }, retryPolicy: { maxRetries: 2, perRetryTimeoutMs: 2000 } }),
        ]),
      ),
    ).toEqual([
      "services.a.cpu: limit (100m) is below request (500m); the limit must be at least the request",
      "services.a.replicas: min (5) is larger than max (2); the autoscaler needs min <= max",
      "services.b.public: a public service is exposed through an HTTP load balancer, but this service speaks tcp; only http and http2 services can be public",
      "services.b.retryPolicy: App Mesh TCP routes have no retries; remove retryPolicy or use an http, http2 or grpc protocol",
    ]);
  });

  it("field errors name the service, not its index", () => {
    expect(refusals(catalog([svc("api", { image: { ecr: "api", tag: "latest" } })]))).toEqual([
      'services.api.image.tag: "latest" is not allowed: ECR repositories here are IMMUTABLE, so pin a version tag',
    ]);
    expect(refusals(catalog([svc("api", { namespace: "kube-system" })]))).toEqual([
      'services.api.namespace: "kube-system" is a namespace Kubernetes owns; give the service a namespace of its own (the mesh labels and Pod Security levels are set per namespace)',
    ]);
  });
});

describe("workloads config", () => {
  it("refuses an unknown catalog and protection for a table the catalog lacks", () => {
    expect(configError(withDev({ workloads: { catalog: "shop" as never } }))).toContain('workloads.catalog: "shop" is not a catalog; use one of reference, yelb (files in apps/) or the path of a .yaml, .yml, .json or .ts catalog file');
    expect(configError(withDev({ workloads: { tables: { orders: { allowDestroy: true } } } }))).toContain(
      'workloads.tables.orders: the "reference" catalog has no table "orders"; it defines users, messages',
    );
  });
});

describe("Fargate profiles generated from the catalog", () => {
  it("one selector per Fargate namespace, labelled for Fargate pods, at most five per profile, in catalog order", () => {
    const namespaces = ["n1", "n2", "n3", "n4", "n5", "n6", "n7"];
    const resolved = resolveCatalog(catalog([...namespaces.map((n) => svc(`s-${n}`, { namespace: n })), svc("web", { namespace: "n1", placement: "ec2" })])).catalog!;
    const profiles = generateFargateProfiles(resolved, {});
    expect(Object.keys(profiles)).toEqual(["workloads-1", "workloads-2"]);
    expect(profiles["workloads-1"].selectors.map((x) => x.namespace)).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(profiles["workloads-2"].selectors).toEqual([
      { namespace: "n6", labels: { "eks-mesh-platform/compute": "fargate" } },
      { namespace: "n7", labels: { "eks-mesh-platform/compute": "fargate" } },
    ]);
  });

  it("are merged into the resolved cluster.fargateProfiles for the reference catalog", () => {
    const { out, issues } = crossCheck(CATALOGS.reference, { cluster: { fargateProfiles: { system: { selectors: [{ namespace: "batch" }] } } } });
    expect(issues).toEqual([]);
    expect(out.cluster.fargateProfiles).toEqual({
      system: { selectors: [{ namespace: "batch" }] },
      "workloads-1": {
        selectors: ["apiuser", "apiregistro", "apichat"].map((namespace) => ({ namespace, labels: { "eks-mesh-platform/compute": "fargate" } })),
      },
    });
  });

  it("through the platform schema: Yelb's auto services go where the optimizer puts them, and profiles follow", () => {
    const parsed = platformConfigSchema.parse(withDev({ workloads: { catalog: "yelb" } }));
    const expected = decideAutoPlacements(parsed);
    const fargateNamespaces = parsed.workloads.app.services.filter((x) => x.placement === "fargate").map((x) => x.namespace);
    for (const service of parsed.workloads.app.services) {
      if (service.requestedPlacement === "auto") expect(service.placement, service.name).toBe(expected[service.name]);
    }
    const selected = Object.values(parsed.cluster.fargateProfiles).flatMap((p) => p.selectors.map((x) => x.namespace));
    expect([...new Set(selected)].sort()).toEqual([...new Set(fargateNamespaces)].sort());
  });

  it("skip a namespace a user-written profile already covers (no overlapping selectors)", () => {
    const { out, issues } = crossCheck(CATALOGS.reference, { cluster: { fargateProfiles: { apis: { selectors: [{ namespace: "apiuser" }] } } } });
    expect(issues).toEqual([]);
    expect(out.cluster.fargateProfiles["workloads-1"].selectors.map((x) => x.namespace)).toEqual(["apiregistro", "apichat"]);
  });

  it("refuse a user profile that would capture an EC2 service's pods", () => {
    expect(configError(withDev({ cluster: { fargateProfiles: { web: { selectors: [{ namespace: "frontend" }] } } } }))).toContain(
      '  - cluster.fargateProfiles.web.selectors[0]: captures the pods of frontend (namespace "frontend"), which the catalog places on EC2; add labels { "eks-mesh-platform/compute": "fargate" } to this selector so only Fargate pods match, or move the service',
    );
  });

  it("refuse the reserved profile name prefix", () => {
    expect(configError(withDev({ workloads: { catalog: "yelb" }, cluster: { fargateProfiles: { "workloads-1": { selectors: [{ namespace: "batch" }] } } } }))).toContain(
      '  - cluster.fargateProfiles.workloads-1: the prefix "workloads-" is reserved for the profiles generated from the workloads catalog; rename this profile',
    );
  });

  it("refuse more namespaces than the EKS profile limit can hold", () => {
    const many = Array.from({ length: 51 }, (_, i) => svc(`s${i}`, { namespace: `ns${i}`, placement: "fargate" }));
    const { issues } = crossCheck(catalog(many));
    expect(issues).toEqual([
      'workloads.catalog: catalog "reference" (apps/reference.ts) puts Fargate services in namespaces that need 11 generated Fargate profiles (5 namespaces each); with the 0 in cluster.fargateProfiles that is 11, over the EKS limit of 10 per cluster; use fewer namespaces for Fargate services or fewer user-written profiles',
    ]);
  });

  it("refuse an EC2 service whose node selector no node group satisfies", () => {
    expect(configError(withDev({ cluster: { nodeGroups: { workers: {} } } }))).toContain(
      '  - workloads.catalog: catalog "reference" (apps/reference.ts) services.frontend.nodeSelector: no node group has the labels {"eks-mesh-platform/node-group":"general","eks-mesh-platform/compute":"ec2"}, so its pods could never be scheduled; node groups offer: workers {"eks-mesh-platform/compute":"ec2","eks-mesh-platform/node-group":"workers"}. Add the labels under cluster.nodeGroups.<name>.labels or change the selector',
    );
  });

  it("tolerate the taints of the node groups an EC2 service selects", () => {
    const tainted = { general: { taints: [{ key: "dedicated", value: "web", effect: "NO_SCHEDULE" }] }, system: {} };
    const { issues } = crossCheck(CATALOGS.reference, { cluster: { nodeGroups: tainted } });
    expect(issues).toEqual([]);
  });

  it("refuse a public service when the load balancer controller is off", () => {
    expect(configError(withDev({ workloads: { catalog: "yelb" }, mesh: { addons: { loadBalancerController: { enabled: false } } } }))).toContain(
      '  - mesh.addons.loadBalancerController.enabled: is false, but catalog "yelb" (apps/yelb.ts) services.yelb-ui is public and its Ingress needs the AWS Load Balancer Controller; turn it on or make the service private',
    );
  });
});
