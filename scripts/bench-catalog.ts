import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { CATALOGS } from "../apps";
import { parseConfig } from "../config/load";
import dev from "../config/environments/dev";
import { buildPlatform } from "../stacks/app";

/**
 * One catalog-size measurement (scripts/bench.ts runs it in a child process per size):
 * every stack for a generated catalog of n services. It is compiled and run the way
 * the app command runs main.ts (input/compile.cjs: one bundle, code cache, no TypeScript
 * loader), and builds and synthesizes through the same buildPlatform; only the catalog
 * is generated. Prints one JSON line.
 *
 *   node bin/run.cjs scripts/bench-catalog.ts 500 /tmp/out
 */

/** A catalog of n services: 8 namespaces (6 Fargate, 2 EC2), chains of dependencies, a canary every 10th, a table per 20. */
export function generatedCatalog(n: number) {
  const tables: Record<string, { partitionKey: { name: string } }> = {};
  const services = Array.from({ length: n }, (_, i) => {
    const ns = i % 8;
    const table = `t${Math.floor(i / 20)}`;
    tables[table] = { partitionKey: { name: "id" } };
    return {
      // Not "svc-…": VPC Lattice refuses service names starting with "svc-" (its service IDs' prefix).
      name: `app-${i}`,
      namespace: `bench-${ns}`,
      image: i % 2 ? { ecr: `app-${i}`, tag: "1.0.0" } : { external: `public.ecr.aws/nginx/nginx:1.27` },
      port: 8080,
      cpu: { request: 100, limit: 200 },
      memory: { request: 128, limit: 256 },
      placement: ns < 6 ? ("fargate" as const) : ("ec2" as const),
      // Each service calls the previous one in its namespace: no cycles.
      dependsOn: i >= 8 ? [`app-${i - 8}`] : [],
      tables: { [table]: i % 3 === 0 ? ("readwrite" as const) : ("read" as const) },
      versions: i % 10 === 0 ? [{ name: "v1", weight: 90 }, { name: "v2", weight: 10 }] : [{ name: "v1", weight: 100 }],
    };
  });
  return { name: `bench-${n}`, services, tables };
}

function measure(n: number, outdir: string): void {
  const started = process.hrtime.bigint();
  // The generated catalog stands in for the shipped reference catalog in this process only.
  (CATALOGS as Record<string, unknown>).reference = generatedCatalog(n);
  const config = parseConfig({ ...dev, workloads: { catalog: "reference" } }, `bench-${n}`);
  const app = new App({ outdir });
  buildPlatform(app, config);
  app.synth();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const file = path.join(outdir, "stacks", "workloads", "cdk.tf.json");
  const bytes = fs.statSync(file).size;
  const resource = JSON.parse(fs.readFileSync(file, "utf8")).resource as Record<string, object>;
  const resources = Object.values(resource).reduce((sum, r) => sum + Object.keys(r).length, 0);
  process.stdout.write(JSON.stringify({ n, ms, maxRssKiB: process.resourceUsage().maxRSS, resources, bytes }) + "\n");
}

if (process.argv[2]) measure(Number(process.argv[2]), process.argv[3]);
