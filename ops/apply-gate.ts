/**
 * The gate the apply workflow puts between a stack's plan on main and its apply:
 *
 *   npx tsx ops/apply-gate.ts --stack NAME --plan plans/NAME.json [--acknowledged FILE] >> "$GITHUB_STEP_SUMMARY"
 *
 * prints the stack's plan summary as markdown (for the job summary) and exits
 *   0  the plan may be applied;
 *   3  it would replace or destroy a stateful resource (the plan comment's warning list)
 *      that the merged change did not acknowledge; the summary says which lines to add;
 *   1  usage or input error.
 *
 * Acknowledgements are lines `<stack> <resource address>` in ACKNOWLEDGEMENTS_FILE, read
 * only when the merged change itself edits that file (the workflow checks the diff), so an
 * old acknowledgement never lets a later merge destroy something.
 */
import { readFileSync } from "node:fs";
import { runCli } from "./cli";
import { isDestructive, type PlannedStack, type ResourceChangeSummary, STATEFUL_RESOURCE_TYPES, summarizePlan } from "./plan/plan";

/** The file a change edits to acknowledge a stateful replace or destroy. */
export const ACKNOWLEDGEMENTS_FILE = "ops/acknowledged-destroys.txt";

export const EXIT_UNACKNOWLEDGED = 3;

/** `<stack> <address>` pairs from an acknowledgements file; `#` starts a comment. */
export function parseAcknowledgements(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const [stack, address, ...rest] = line.split(/\s+/);
    if (!stack || !address || rest.length > 0) throw new Error(`"${raw.trim()}" is not "<stack> <resource address>"`);
    out.add(`${stack} ${address}`);
  }
  return out;
}

export interface GateResult {
  readonly summary: PlannedStack;
  /** Stateful replaces and destroys nobody acknowledged: the apply must not run. */
  readonly unacknowledged: ResourceChangeSummary[];
}

export function gate(stack: string, planJson: unknown, acknowledged: ReadonlySet<string>): GateResult {
  const summary = summarizePlan(stack, planJson);
  const unacknowledged = summary.changes.filter((c) => isDestructive(c) && !acknowledged.has(`${stack} ${c.address}`));
  return { summary, unacknowledged };
}

const code = (t: string) => `\`${t.replaceAll("`", "'")}\``;

/** The job summary section of one stack. */
export function renderGate(result: GateResult, acknowledged: ReadonlySet<string>): string {
  const { summary, unacknowledged } = result;
  const c = summary.counts;
  const lines = [`### ${code(summary.stack)}`, ""];
  lines.push(summary.changes.length === 0 ? "No changes." : `${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.destroy} to destroy.`);
  for (const ch of summary.changes.filter(isDestructive)) {
    const ok = acknowledged.has(`${summary.stack} ${ch.address}`);
    lines.push(`- ${ok ? "acknowledged" : "🛑 **not acknowledged**"}: ${code(ch.address)} would be ${ch.kind === "replace" ? "REPLACED" : "DESTROYED"} (${STATEFUL_RESOURCE_TYPES[ch.type]})`);
  }
  if (unacknowledged.length > 0) {
    lines.push(
      "",
      `**Not applied.** This stack's plan replaces or destroys stateful resources that the merged change did not acknowledge. ` +
        `If that is meant, merge a change that adds these lines to ${code(ACKNOWLEDGEMENTS_FILE)}:`,
      "",
      "```",
      ...unacknowledged.map((ch) => `${summary.stack} ${ch.address}`),
      "```",
    );
  }
  return `${lines.join("\n")}\n`;
}

export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const usage = "usage: apply-gate.ts --stack NAME --plan PLAN.json [--acknowledged FILE]";
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!["--stack", "--plan", "--acknowledged"].includes(flag) || value === undefined) {
      err(`${usage}\n`);
      return 1;
    }
    args.set(flag, value);
  }
  const stack = args.get("--stack");
  const plan = args.get("--plan");
  if (!stack || !plan) {
    err(`${usage}\n`);
    return 1;
  }
  try {
    const ackFile = args.get("--acknowledged");
    const acknowledged = ackFile ? parseAcknowledgements(readFileSync(ackFile, "utf8")) : new Set<string>();
    const result = gate(stack, JSON.parse(readFileSync(plan, "utf8")) as unknown, acknowledged);
    out(renderGate(result, acknowledged));
    return result.unacknowledged.length > 0 ? EXIT_UNACKNOWLEDGED : 0;
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) runCli(main);
