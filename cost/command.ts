import { writeFileSync } from "node:fs";
import { renderScenarioChart, renderUtilizationChart } from "./chart";
import { EXAMPLES, type ExampleName } from "./example";
import { loadConfig } from "../config/load";
import { formatObservabilityCost, observabilityCost } from "./observability";
import { loadCostInput, resolveCostInput } from "../placement/input";
import { compareKarpenter, formatKarpenterComparison } from "./karpenter";
import { compareOrchestrators, comparisonAsReport, formatOrchestratorComparison } from "./ecs";
import { compareMeshes, formatMeshComparison } from "./mesh";
import { costInputFromPlatform, type MeshCostSource } from "../config/placement";
import { DEFAULT_LATTICE_SETTINGS, type MeshSettings } from "../config/schema/mesh";
import { buildCostReport } from "./model";
import { basePricesFor, loadPrices } from "../placement/prices";
import { instanceDataSources } from "../placement/prices/instances";
import { formatReport } from "./table";
import { utilizationCurve } from "./utilization";

/**
 * The `cost` command, separate from its entry point (cli.ts) so tests can
 * run it in-process with captured output.
 */

export const USAGE = `Usage: npx tsx cost/cli.ts [options]

  --platform                   the configured platform (PLATFORM_ENV / PLATFORM_CONFIG): its catalog,
                               node group, NAT and load balancer (what \`npm run cost\` uses)
  --catalog <file.json>        services and infrastructure (a CostInput); default: the built-in example
  --example <name>             built-in example: ${Object.keys(EXAMPLES).join(" | ")} (default: reference)
  --prices <file.json>         your prices, merged over the shipped table of the input's region
  --svg <out.svg>              write the scenario bar chart
  --utilization-svg <out.svg>  write the EC2-vs-Fargate utilization line chart
  --orchestrators-svg <out.svg>  with --platform: write the EKS-vs-ECS bar chart
  --instance <type>            instance of the utilization chart (default: the catalog's node type)
  --time-limit <ms>            optimizer time limit for large catalogs (default: 400)
  --json                       print the report as JSON instead of tables
  --print-prices               print the effective price table (the input's region) as JSON, a starting point for --prices
  --help                       this text
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly writeFile: (file: string, content: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  writeFile: (file, content) => writeFileSync(file, content),
};

interface Args {
  catalog?: string;
  example: string;
  prices?: string;
  svg?: string;
  utilizationSvg?: string;
  orchestratorsSvg?: string;
  instance?: string;
  timeLimitMs?: number;
  json: boolean;
  platform: boolean;
  printPrices: boolean;
  help: boolean;
}

class UsageError extends Error {}

const VALUE_FLAGS = new Set(["--catalog", "--example", "--prices", "--svg", "--utilization-svg", "--orchestrators-svg", "--instance", "--time-limit"]);

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { example: "reference", json: false, platform: false, printPrices: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--json") args.json = true;
    else if (flag === "--platform") args.platform = true;
    else if (flag === "--print-prices") args.printPrices = true;
    else if (flag === "--help" || flag === "-h") args.help = true;
    else if (VALUE_FLAGS.has(flag)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      if (flag === "--catalog") args.catalog = value;
      else if (flag === "--example") args.example = value;
      else if (flag === "--prices") args.prices = value;
      else if (flag === "--svg") args.svg = value;
      else if (flag === "--utilization-svg") args.utilizationSvg = value;
      else if (flag === "--orchestrators-svg") args.orchestratorsSvg = value;
      else if (flag === "--instance") args.instance = value;
      else {
        const ms = Number(value);
        if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--time-limit must be a positive number of milliseconds, got "${value}"`);
        args.timeLimitMs = ms;
      }
    } else throw new UsageError(`unknown option "${flag}"`);
  }
  if ([args.catalog !== undefined, argv.includes("--example"), args.platform].filter(Boolean).length > 1) {
    throw new UsageError("--platform, --catalog and --example exclude each other");
  }
  if (args.orchestratorsSvg !== undefined && !args.platform) throw new UsageError("--orchestrators-svg needs --platform (it prices the configured catalog on ECS)");
  if (!(args.example in EXAMPLES)) throw new UsageError(`unknown example "${args.example}" (known: ${Object.keys(EXAMPLES).join(", ")})`);
  return args;
}

/** Runs the command; returns the exit code (0 ok, 1 refused input, 2 bad usage). */
export function runCli(argv: readonly string[], io: CliIo = processIo): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`cost: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const platform = args.platform ? loadConfig().config : undefined;
    const input = platform
      ? resolveCostInput(costInputFromPlatform(platform, "requested"), "cost input from the platform config")
      : args.catalog !== undefined
        ? loadCostInput(args.catalog)
        : resolveCostInput(EXAMPLES[args.example as ExampleName]);
    // The input's region's instance prices; for a region the data lacks, the price file's.
    const prices = loadPrices(args.prices, basePricesFor(input.region));
    if (args.printPrices) {
      io.stdout(JSON.stringify(prices, null, 2) + "\n");
      return 0;
    }
    const report = buildCostReport(input, prices, { optimizer: { timeLimitMs: args.timeLimitMs } });
    // The platform's EC2 capacity priced both ways: the fixed node group and Karpenter (cost/karpenter.ts).
    const karpenter = platform ? compareKarpenter(report, platform.cluster.karpenter) : undefined;
    // The same catalog on EKS and on ECS (cost/ecs.ts, issue 19).
    const orchestrators = platform ? compareOrchestrators(report, platform, prices) : undefined;
    // App Mesh vs VPC Lattice for the configured catalog on EKS (cost/mesh.ts).
    const mesh = platform && platform.platform.orchestrator === "eks" ? compareMeshes(costInputFromPlatform(platform, "requested"), platform.workloads.app.services, meshCostSource(platform.mesh), prices) : undefined;
    if (args.json) {
      io.stdout(
        JSON.stringify(
          { prices: { region: prices.region, takenOn: prices.takenOn, ...(prices.otherFiguresRegion ? { otherFiguresRegion: prices.otherFiguresRegion } : {}), instances: instanceDataSources(prices.region) }, node: report.node, scenarios: report.scenarios, usagePriced: report.usagePriced, ...(karpenter ? { karpenter } : {}), ...(orchestrators ? { orchestrators } : {}), ...(mesh ? { mesh } : {}), ...(platform && platform.platform.orchestrator === "eks" ? { observability: observabilityCost(platform, prices) } : {}) },
          null,
          2,
        ) + "\n",
      );
    } else {
      io.stdout(formatReport(report));
      if (platform && karpenter) io.stdout("\n" + formatKarpenterComparison(report, karpenter, platform.cluster.autoscaling));
      if (orchestrators) io.stdout("\n" + formatOrchestratorComparison(orchestrators));
      if (mesh) io.stdout(`\n${formatMeshComparison(mesh, prices.hoursPerMonth)}`);
      // What observability adds (EKS: its parts are the cluster's; cost/observability.ts).
      if (platform && platform.platform.orchestrator === "eks") io.stdout(formatObservabilityCost(observabilityCost(platform, prices)));
    }
    if (args.orchestratorsSvg !== undefined && orchestrators) {
      io.writeFile(args.orchestratorsSvg, renderScenarioChart(comparisonAsReport(report, orchestrators), `EKS or ECS: monthly cost of the same catalog (${prices.region}, prices of ${prices.takenOn})`));
      if (!args.json) io.stdout(`wrote ${args.orchestratorsSvg}\n`);
    }
    if (args.svg !== undefined) {
      io.writeFile(args.svg, renderScenarioChart(report));
      if (!args.json) io.stdout(`wrote ${args.svg}\n`);
    }
    if (args.utilizationSvg !== undefined) {
      const instanceType = args.instance ?? input.nodeGroup.instanceType;
      const points = utilizationCurve(prices, { instanceType, fargateArchitecture: input.fargateArchitecture });
      io.writeFile(args.utilizationSvg, renderUtilizationChart(points, { instanceType, region: prices.region, takenOn: prices.takenOn }));
      if (!args.json) io.stdout(`wrote ${args.utilizationSvg}\n`);
    }
    return 0;
  } catch (error) {
    io.stderr(`cost: ${(error as Error).message}\n`);
    return 1;
  }
}

/** The mesh as `npm run cost` compares it: an App Mesh config is priced on Lattice with Lattice's default settings. */
function meshCostSource(mesh: MeshSettings): MeshCostSource {
  return { implementation: mesh.implementation, lattice: mesh.implementation === "vpc-lattice" ? mesh.lattice : DEFAULT_LATTICE_SETTINGS };
}
