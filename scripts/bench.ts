import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Synthesizes all four stacks for generated catalogs of 10, 100 and 500 services and
 * prints wall time and peak RSS per size. Each size runs in its own child process, so
 * memory is measured per run (the child reports process.resourceUsage().maxRSS).
 *
 *   npx tsx scripts/bench.ts            # 10, 100, 500
 *   npx tsx scripts/bench.ts 50 1000    # other sizes
 */
const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);

/** A catalog of n services: 8 namespaces (6 Fargate, 2 EC2), chains of dependencies, a canary every 10th, a table per 20. */
export function generatedCatalog(n: number) {
  const tables: Record<string, { partitionKey: { name: string } }> = {};
  const services = Array.from({ length: n }, (_, i) => {
    const ns = i % 8;
    const table = `t${Math.floor(i / 20)}`;
    tables[table] = { partitionKey: { name: "id" } };
    return {
      name: `svc-${i}`,
      namespace: `bench-${ns}`,
      image: i % 2 ? { ecr: `svc-${i}`, tag: "1.0.0" } : { external: `public.ecr.aws/nginx/nginx:1.27` },
      port: 8080,
      cpu: { request: 100, limit: 200 },
      memory: { request: 128, limit: 256 },
      placement: ns < 6 ? ("fargate" as const) : ("ec2" as const),
      // Each service calls the previous one in its namespace: no cycles.
      dependsOn: i >= 8 ? [`svc-${i - 8}`] : [],
      tables: { [table]: i % 3 === 0 ? ("readwrite" as const) : ("read" as const) },
      versions: i % 10 === 0 ? [{ name: "v1", weight: 90 }, { name: "v2", weight: 10 }] : [{ name: "v1", weight: 100 }],
    };
  });
  return { name: `bench-${n}`, services, tables };
}

function child(n: number, outdir: string): void {
  const started = process.hrtime.bigint();
  // Imported here so the parent never loads the providers.
  const { App } = require("cdktf") as typeof import("cdktf");
  const { CATALOGS } = require("../apps") as typeof import("../apps");
  const { parseConfig } = require("../config/load") as typeof import("../config/load");
  const { buildPlatform } = require("../stacks/app") as typeof import("../stacks/app");
  const dev = require("../config/environments/dev").default;
  // The bench catalog stands in for the shipped reference catalog in this process only.
  (CATALOGS as Record<string, unknown>).reference = generatedCatalog(n);
  const config = parseConfig({ ...dev, workloads: { catalog: "reference" } }, `bench-${n}`);
  const app = new App({ outdir });
  buildPlatform(app, config);
  app.synth();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const bytes = fs.statSync(path.join(outdir, "stacks", "workloads", "cdk.tf.json")).size;
  const resources = Object.values(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "workloads", "cdk.tf.json"), "utf8")).resource as Record<string, object>).reduce((sum, r) => sum + Object.keys(r).length, 0);
  process.stdout.write(JSON.stringify({ n, ms, maxRssKiB: process.resourceUsage().maxRSS, resources, bytes }) + "\n");
}

function main(): void {
  const sizes = SIZES.length ? SIZES : [10, 100, 500];
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"})`);
  console.log("services  wall time  peak RSS  workloads resources  workloads cdk.tf.json");
  for (const n of sizes) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `eks-mesh-bench-${n}-`));
    const started = Date.now();
    const run = spawnSync(process.execPath, [...process.execArgv, __filename, "--child", String(n), outdir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const wall = Date.now() - started;
    fs.rmSync(outdir, { recursive: true, force: true });
    const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
    if (run.status !== 0 || !line) {
      console.error(`size ${n} failed (exit ${run.status}):\n${run.stderr.slice(-3000)}`);
      process.exit(1);
    }
    const r = JSON.parse(line) as { ms: number; maxRssKiB: number; resources: number; bytes: number };
    console.log(
      `${String(n).padStart(8)}  ${(wall / 1000).toFixed(1).padStart(8)}s  ${(r.maxRssKiB / 1024).toFixed(0).padStart(6)} MiB  ${String(r.resources).padStart(19)}  ${(r.bytes / 1024 / 1024).toFixed(1).padStart(17)} MiB`,
    );
  }
  console.log("wall time: process start to exit (module loading, config validation, synthesis of all four stacks, writing JSON)");
}

if (process.argv[2] === "--child") child(Number(process.argv[3]), process.argv[4]);
else if (require.main === module) main();
