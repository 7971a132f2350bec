/**
 * CLI the plan workflow calls to write the pull-request comment:
 *
 *   npx tsx ops/plan-comment.ts --stack network=plans/network.json --stack cluster=plans/cluster.json \
 *     [--env prod] [--run-url URL] [--artifact NAME] [--commit SHA] [--synth-log plans/synth.log] > comment.md
 *
 * For `--stack NAME=DIR/NAME.json` it reads, next to the JSON:
 *   DIR/NAME.txt  the `terraform show -no-color` text (folded into the comment), optional;
 *   DIR/NAME.log  the init/plan log, read when the JSON is missing (the plan failed);
 *   DIR/NAME.waits the upstream stacks it waits for, one per line, when it was not planned
 *                 because they are not applied (ops/plan-readiness.ts).
 *
 * With --synth-log, the platform's synth warnings (an insecure public edge, ...) in that
 * captured `cdktf synth` output are shown above the plans.
 *
 * With --cost-before/--cost-after (`npm run cost -- --json` on the base branch and on the
 * pull request), the monthly cost before and after, per component, is shown above the plans.
 * The IAM permissions the plans add or remove, per role, are shown whenever there are any.
 *
 * Exit codes: 0 comment written (stacks that wait for an upstream do not count as
 * failures); 2 comment written but a stack failed to plan
 * (so the job can post the comment and still fail); 1 usage or input error.
 */
import { existsSync, readFileSync } from "node:fs";
import { runCli } from "./cli";
import { extractSynthWarnings } from "./synth-warnings";
import { classifyFailure } from "./plan/failures";
import { renderComment, type CommentOptions } from "./plan/comment";
import { readCostReport } from "./plan/cost";
import { summarizePlan, type StackResult } from "./plan/plan";

const USAGE =
  "usage: plan-comment.ts --stack NAME=PLAN.json [--stack ...] [--env ENV] [--run-url URL] [--artifact NAME] [--commit SHA] [--synth-log FILE] [--cost-before BASE.json --cost-after HEAD.json]";

export interface PlanCommentArgs {
  stacks: Array<{ name: string; jsonPath: string }>;
  options: CommentOptions;
  /** Captured synth output to read warnings from. */
  synthLog?: string;
  /** `npm run cost -- --json` of the base branch and of the pull request. */
  costBefore?: string;
  costAfter?: string;
}

export function parseArgs(argv: readonly string[]): PlanCommentArgs {
  const stacks: PlanCommentArgs["stacks"] = [];
  const options: CommentOptions = {};
  let synthLog: string | undefined;
  const cost: { costBefore?: string; costAfter?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    switch (flag) {
      case "--stack": {
        const match = /^([A-Za-z0-9_-]+)=(.+\.json)$/.exec(value);
        if (!match) throw new Error(`--stack takes NAME=PATH.json, got "${value}"`);
        stacks.push({ name: match[1] as string, jsonPath: match[2] as string });
        break;
      }
      case "--env":
        options.environment = value;
        break;
      case "--run-url":
        options.runUrl = value;
        break;
      case "--artifact":
        options.artifactName = value;
        break;
      case "--commit":
        options.commitSha = value;
        break;
      case "--synth-log":
        synthLog = value;
        break;
      case "--cost-before":
        cost.costBefore = value;
        break;
      case "--cost-after":
        cost.costAfter = value;
        break;
      default:
        throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  if (stacks.length === 0) throw new Error(`at least one --stack is required\n${USAGE}`);
  if ((cost.costBefore === undefined) !== (cost.costAfter === undefined)) throw new Error(`--cost-before and --cost-after go together: the cost of the base branch and of the pull request\n${USAGE}`);
  return { stacks, options, ...(synthLog === undefined ? {} : { synthLog }), ...cost };
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** Loads one stack's result from the files the workflow left for it. */
export function loadStackResult(name: string, jsonPath: string): StackResult {
  const base = jsonPath.slice(0, -".json".length);
  const waits = readIfExists(`${base}.waits`);
  if (waits !== undefined && waits.trim() !== "") {
    return { stack: name, status: "waiting", upstream: waits.split("\n").map((l) => l.trim()).filter(Boolean) };
  }
  const json = readIfExists(jsonPath);
  if (json !== undefined && json.trim() !== "") {
    return summarizePlan(name, JSON.parse(json) as unknown, readIfExists(`${base}.txt`));
  }
  const log = readIfExists(`${base}.log`);
  if (log === undefined) {
    return { stack: name, status: "failed", log: `neither ${jsonPath} nor ${base}.log exists: the plan step did not run for this stack` };
  }
  return classifyFailure(name, log);
}

export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  let args: PlanCommentArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
  let results: StackResult[];
  try {
    if (args.synthLog !== undefined) {
      if (!existsSync(args.synthLog)) throw new Error(`--synth-log ${args.synthLog} does not exist: capture the synth output there first`);
      args.options.synthWarnings = extractSynthWarnings(readFileSync(args.synthLog, "utf8"));
    }
    if (args.costBefore !== undefined && args.costAfter !== undefined) {
      const read = (path: string, flag: string) => {
        if (!existsSync(path)) throw new Error(`${flag} ${path} does not exist: write it with \`npm run cost -- --json\``);
        return readCostReport(JSON.parse(readFileSync(path, "utf8")) as unknown, `${flag} ${path}`);
      };
      args.options.cost = { before: read(args.costBefore, "--cost-before"), after: read(args.costAfter, "--cost-after") };
    }
    results = args.stacks.map((s) => loadStackResult(s.name, s.jsonPath));
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
  out(renderComment(results, args.options));
  return results.some((r) => r.status === "failed") ? 2 : 0;
}

if (require.main === module) runCli(main);
