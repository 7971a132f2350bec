import { BlockedStack, ChangeKind, PlannedStack, ResourceChangeSummary, STATEFUL_RESOURCE_TYPES, StackResult, WaitingStack, isDestructive } from "./plan";
import { STAND_IN_MARK } from "../../stacks/synth/plan-stand-ins";
import { renderCost, type CostSnapshot } from "./cost";
import type { Grant } from "./iam";
/** The markdown of the pull-request plan comment, from the stacks' plan results (./plan.ts). */

/** Hidden marker the workflow uses to find and update its one comment (tfcmt #199). */
export const COMMENT_MARKER = "<!-- eks-mesh-platform-plan -->";

/** GitHub refuses comment bodies longer than this (tfcmt #227). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** What the renderer aims for by default: the limit less room for GitHub's own accounting. */
export const DEFAULT_MAX_COMMENT_LENGTH = 65_000;

export interface CommentOptions {
  /** Environment the plans were made for, e.g. "prod". */
  environment?: string;
  /** Link to the workflow run, whose artifact holds the full plans. */
  runUrl?: string;
  /** Name of the artifact holding the full plan texts. */
  artifactName?: string;
  /** Commit the plans were made from. */
  commitSha?: string;
  /** Upper bound on the comment's length in UTF-16 code units. */
  maxLength?: number;
  /** Warnings the platform printed during synth (ops/synth-warnings.ts), shown above the plans. */
  synthWarnings?: readonly string[];
  /** Monthly cost of the base branch's config and of the pull request's (./cost.ts). */
  cost?: { before: CostSnapshot; after: CostSnapshot };
}

const KIND_SYMBOL: Record<ChangeKind, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
  forget: "forget",
};

/** Longest list of stateful addresses the warning spells out before summarizing. */
const MAX_WARNING_ITEMS = 30;

/** Most of a failed stack's log the comment shows. */
const MAX_LOG_CHARS = 6_000;

function code(text: string): string {
  return `\`${text.replaceAll("`", "'")}\``;
}

/** Terraform's action_reason keywords, as a reviewer would say them. */
const REASON_TEXT: Record<string, string> = {
  replace_because_cannot_update: "cannot be updated in place",
  replace_because_tainted: "tainted",
  replace_by_request: "replacement requested with -replace",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the code",
  delete_because_no_module: "its module was removed",
  delete_because_count_index: "count index out of range",
  delete_because_each_key: "for_each key removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_no_move_target: "moved to an address that does not exist",
};

/** One change as the plan comment words it; the drift issue reuses it. */
export function describeChange(c: ResourceChangeSummary): string {
  const details: string[] = [];
  if (c.kind === "replace" && c.actions[0] === "create") details.push("create before destroy");
  if (c.deposed !== undefined) details.push(`deposed object ${code(c.deposed)}`);
  if (c.reason !== undefined) details.push(REASON_TEXT[c.reason] ?? c.reason.replaceAll("_", " "));
  if (c.replacePaths.length > 0) details.push(`forced by ${c.replacePaths.map(code).join(", ")}`);
  // The symbol sits in a code span: a bare "+" or "-" after the bullet would start a nested list.
  const line = `\`${KIND_SYMBOL[c.kind]}\` ${c.kind} ${code(c.address)}`;
  return details.length > 0 ? `${line} (${details.join("; ")})` : line;
}

function statusCell(result: StackResult): string {
  switch (result.status) {
    case "planned": {
      const base = result.changes.length === 0 ? "✅ no changes" : "📝 changes";
      return result.standIns.length > 0 ? `${base}, with stand-ins for ${result.standIns.map((u) => code(u.upstream)).join(", ")}` : base;
    }
    case "waiting":
      return `⏳ waits for ${result.upstream.map(code).join(", ")}`;
    case "blocked":
      return result.upstream.length > 0
        ? `⏸️ blocked: apply ${result.upstream.map(code).join(", ")} first`
        : "⏸️ blocked: apply its upstream stack first";
    case "failed":
      return "❌ plan failed";
  }
}

function countCells(result: StackResult): string {
  if (result.status !== "planned") return "– | – | – | –";
  const { add, change, replace, destroy } = result.counts;
  return `${add} | ${change} | ${replace} | ${destroy}`;
}

function renderWarning(results: readonly StackResult[]): string {
  const risky = results.flatMap((r) =>
    r.status === "planned" ? r.changes.filter(isDestructive).map((c) => ({ stack: r.stack, change: c })) : [],
  );
  if (risky.length === 0) return "";
  const lines = [
    "> [!CAUTION]",
    `> 🛑 **${risky.length} stateful resource${risky.length === 1 ? "" : "s"} would be replaced or destroyed.** ` +
      "Data in them is lost. Do not merge until you have a backup or meant this.",
    ">",
  ];
  for (const { stack, change } of risky.slice(0, MAX_WARNING_ITEMS)) {
    const verb = change.kind === "replace" ? "**REPLACED**" : "**DESTROYED**";
    lines.push(`> - ${code(stack)}: ${code(change.address)} ${verb} — ${STATEFUL_RESOURCE_TYPES[change.type]}`);
  }
  if (risky.length > MAX_WARNING_ITEMS) {
    lines.push(`> - … and ${risky.length - MAX_WARNING_ITEMS} more; see the stack sections below.`);
  }
  return lines.join("\n");
}

/** Most grant lines the IAM section spells out before pointing at the plans. */
const MAX_IAM_LINES = 80;

function grantText(g: Grant): string {
  return `${g.effect} ${code(g.action)} on ${code(g.resource)}${g.condition !== undefined ? ` when ${code(g.condition)}` : ""}`;
}

/** The IAM permissions the change adds or removes, per stack and role. */
function renderIam(results: readonly StackResult[]): string {
  const lines: string[] = [];
  let shown = 0;
  let left = 0;
  const push = (line: string) => {
    if (shown < MAX_IAM_LINES) {
      lines.push(line);
      shown++;
    } else left++;
  };
  for (const r of results) {
    if (r.status !== "planned") continue;
    for (const p of r.iam ?? []) {
      const named = /^(role|policy) (of )?(.*)$/.exec(p.principal);
      const who = named === null ? p.principal : named[2] !== undefined ? `${named[1]} of ${code(named[3] as string)} (its name is known after apply)` : `${named[1]} ${code(named[3] as string)}`;
      lines.push(`- ${code(r.stack)} ${who}:`);
      for (const a of p.attached) push(`  - ➕ attaches managed policy ${code(a)}`);
      for (const d of p.detached) push(`  - ➖ detaches managed policy ${code(d)}`);
      for (const g of p.added) push(`  - ➕ ${grantText(g)}`);
      for (const g of p.removed) push(`  - ➖ ${grantText(g)}`);
      for (const u of p.unreadable) push(`  - ❔ ${code(u.address)}: not compared, ${u.why}`);
    }
  }
  if (lines.length === 0) return "";
  if (left > 0) lines.push(`- … and ${left} more; see the plans below.`);
  return ["#### 🔐 IAM permissions this change adds (➕) or removes (➖)", "", ...lines].join("\n");
}

/** A synth warning as a GitHub alert, its text kept verbatim in a code block. */
function renderSynthWarning(text: string): string {
  const [first = "", ...rest] = text.split("\n");
  const title = first.replace(/^WARNING:\s*/, "");
  const body = rest.map((l) => l.trim()).join(" ");
  return ["> [!WARNING]", `> ⚠️ **Synth warning:** ${title.replaceAll("`", "'")}`, ...(body ? [">", `> ${body.replaceAll("`", "'")}`] : [])].join("\n");
}

function blockedText(result: BlockedStack): string {
  const names = result.upstream.length > 0 ? result.upstream.map(code).join(", ") : "its upstream stack";
  const deploy =
    result.upstream.length > 0
      ? result.upstream.map((s) => `\`npx cdktf deploy ${s} --ignore-missing-stack-dependencies\``).join(", then ")
      : "`ops/deploy-all.sh`";
  if (result.reason === "no-upstream-state") {
    return (
      `⏸️ **Not planned: ${names} has not been applied yet.** This stack reads its outputs from the state backend ` +
      `and Terraform found no state there ("Unable to find remote state", terraform-cdk #2235). ` +
      `Apply ${names} first (${deploy}), then re-run this workflow.`
    );
  }
  return (
    `⏸️ **Not planned: this stack reads an output that ${names} has not applied yet** ("Unsupported attribute" on its remote state). ` +
    `Apply the upstream change first (${deploy}), then re-run this workflow.`
  );
}

function waitingText(result: WaitingStack): string {
  const names = result.upstream.map(code).join(", ");
  return (
    `⏳ **Waits for ${names}: not planned yet.** This stack talks to what ${names} creates (the cluster's Kubernetes API), ` +
    `and that does not exist until ${names} is applied, so no plan can be made, not even with stand-ins. ` +
    `This is expected for a new environment and does not fail the run; it is planned on the first run after ${names} is applied.`
  );
}

function standInText(result: PlannedStack): string {
  if (result.standIns.length === 0) return "";
  const lines = result.standIns.map((u) => `> - ${code(u.upstream)}: ${u.outputs.map(code).join(", ")}`);
  const upstreams = result.standIns.map((u) => code(u.upstream)).join(", ");
  return [
    "",
    "> [!NOTE]",
    `> **Planned with stand-ins** for upstream values not in state yet (values marked \`${STAND_IN_MARK}\`):`,
    ...lines,
    `> This plan **will change** once ${upstreams} ${result.standIns.length === 1 ? "is" : "are"} applied with this change; the apply after merge plans again with the real values.`,
    "",
  ].join("\n");
}

/** A fence longer than any run of backticks in the text, so plan text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * Shares `budget` characters among blocks: small ones get all they need, the
 * rest split what remains evenly. Returns each block's allowance, in input order.
 */
export function shareBudget(lengths: readonly number[], budget: number): number[] {
  const order = lengths.map((length, index) => ({ length, index })).sort((a, b) => a.length - b.length);
  const allowance = new Array<number>(lengths.length).fill(0);
  let remaining = Math.max(0, budget);
  order.forEach(({ length, index }, i) => {
    const share = Math.floor(remaining / (order.length - i));
    allowance[index] = Math.min(length, share);
    remaining -= allowance[index] as number;
  });
  return allowance;
}

/** Cuts text to at most `limit` characters at a line boundary, saying how much was left out. */
export function truncateLines(text: string, limit: number, notice: (omittedLines: number) => string): string {
  if (text.length <= limit) return text;
  const lines = text.split("\n");
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = line.length + 1;
    if (used + cost + notice(lines.length).length + 1 > limit) break;
    kept.push(line);
    used += cost;
  }
  const tail = notice(lines.length - kept.length);
  return kept.length > 0 ? `${kept.join("\n")}\n${tail}` : tail;
}

function artifactPointer(options: CommentOptions): string {
  const name = options.artifactName !== undefined ? `artifact ${code(options.artifactName)}` : "the workflow artifact";
  return options.runUrl !== undefined ? `${name} of [this workflow run](${options.runUrl})` : name;
}

/** Renders the whole comment, staying within `maxLength` however large the plans. */
export function renderComment(results: readonly StackResult[], options: CommentOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_COMMENT_LENGTH;
  if (maxLength > GITHUB_COMMENT_LIMIT) {
    throw new Error(`maxLength ${maxLength} is above GitHub's comment limit of ${GITHUB_COMMENT_LIMIT}`);
  }
  const env = options.environment !== undefined ? ` — ${code(options.environment)}` : "";
  const head: string[] = [COMMENT_MARKER, `## Terraform plan${env}`, ""];
  for (const w of options.synthWarnings ?? []) head.push(renderSynthWarning(w), "");
  const warning = renderWarning(results);
  if (warning !== "") head.push(warning, "");
  if (options.cost !== undefined) head.push(renderCost(options.cost.before, options.cost.after), "");
  const iam = renderIam(results);
  if (iam !== "") head.push(iam, "");
  head.push("| Stack | Status | Add | Change | Replace | Destroy |", "|---|---|--:|--:|--:|--:|");
  for (const r of results) head.push(`| ${code(r.stack)} | ${statusCell(r)} | ${countCells(r)} |`);
  head.push("");
  const footerParts: string[] = [];
  if (options.commitSha !== undefined) footerParts.push(`Planned at ${code(options.commitSha.slice(0, 12))}.`);
  footerParts.push(`Full plan texts: ${artifactPointer(options)}.`);
  const footer = `\n<sub>${footerParts.join(" ")}</sub>\n`;
  const truncatedNote = `\n> [!NOTE]\n> Some plans below are cut to keep this comment under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit. The full plans are in ${artifactPointer(options)}.\n`;

  // Fixed text per stack; the change lists and plan texts are what gets cut.
  const fixed = results.map((r) => {
    if (r.status === "blocked") return `### ${code(r.stack)}\n\n${blockedText(r)}\n`;
    if (r.status === "waiting") return `### ${code(r.stack)}\n\n${waitingText(r)}\n`;
    if (r.status === "failed") {
      // A few dozen lines, but one of them may be huge: keep the end, where the error is.
      const log = r.log.length > MAX_LOG_CHARS ? `…${r.log.slice(-MAX_LOG_CHARS)}` : r.log;
      const fence = fenceFor(log);
      return `### ${code(r.stack)}\n\n❌ **terraform init/plan failed.** The end of its log:\n\n<details><summary>Log</summary>\n\n${fence}\n${log}\n${fence}\n\n</details>\n`;
    }
    const c = r.counts;
    const summary = r.changes.length === 0 ? "No changes." : `${c.add} to add, ${c.change} to change, ${c.replace} to replace, ${c.destroy} to destroy${c.forget > 0 ? `, ${c.forget} to forget` : ""}.`;
    const moves = r.moved.length > 0 ? `\n${r.moved.length} moved: ${r.moved.slice(0, 20).map((m) => `${code(m.from)} → ${code(m.to)}`).join(", ")}${r.moved.length > 20 ? ", …" : ""}\n` : "";
    return `### ${code(r.stack)}\n\n${summary}\n${moves}${standInText(r)}`;
  });
  const changeLists = results.map((r) => (r.status === "planned" ? r.changes.map((c) => `- ${describeChange(c)}`).join("\n") : ""));
  const planTexts = results.map((r) => (r.status === "planned" ? (r.planText ?? "").trimEnd() : ""));

  const wrapList = (body: string, count: number) =>
    `\n<details><summary>${count} resource change${count === 1 ? "" : "s"}</summary>\n\n${body}\n\n</details>\n`;
  const wrapPlan = (body: string) => {
    const fence = fenceFor(body);
    return `\n<details><summary>Plan output</summary>\n\n${fence}\n${body}\n${fence}\n\n</details>\n`;
  };
  // Room each cut block may need for its "… N more lines" notice.
  const noticeReserve = 120;
  const wrapperCost = results.map((r, i) => {
    let cost = 0;
    if (r.status === "planned" && changeLists[i] !== "") cost += wrapList("", r.changes.length).length + noticeReserve;
    const text = planTexts[i] as string;
    if (text !== "") cost += wrapPlan(text).length - text.length + noticeReserve;
    return cost;
  });
  const joins = results.length + 3; // newlines body.join adds between parts
  const fixedLength =
    head.join("\n").length + footer.length + truncatedNote.length + joins +
    fixed.reduce((n, f, i) => n + f.length + (wrapperCost[i] as number), 0);
  let budget = maxLength - fixedLength;
  const omitted = (what: string) => (n: number) => `… ${n} more ${what} left out here; see the full plan in the workflow artifact.`;

  // Change lists first: they are what a reviewer must see. Up to half the room is
  // kept for plan texts, so one huge stack cannot crowd out every other plan.
  const planNeed = planTexts.reduce((n, p) => n + p.length, 0);
  const planReserve = Math.min(planNeed, Math.floor(Math.max(0, budget) / 2));
  const listAllowance = shareBudget(changeLists.map((l) => l.length), budget - planReserve);
  const lists = changeLists.map((l, i) => truncateLines(l, listAllowance[i] as number, omitted("lines")));
  budget -= lists.reduce((n, l) => n + l.length, 0);
  const planAllowance = shareBudget(planTexts.map((p) => p.length), budget);
  const plans = planTexts.map((p, i) => truncateLines(p, planAllowance[i] as number, omitted("plan lines")));
  const truncated = lists.some((l, i) => l !== changeLists[i]) || plans.some((p, i) => p !== planTexts[i]);

  const body = [head.join("\n")];
  if (truncated) body.push(truncatedNote);
  results.forEach((r, i) => {
    let section = fixed[i] as string;
    if (r.status === "planned") {
      if (changeLists[i] !== "") section += wrapList(lists[i] as string, r.changes.length);
      if (planTexts[i] !== "") section += wrapPlan(plans[i] as string);
    }
    body.push(section);
  });
  body.push(footer);
  const comment = body.join("\n");
  if (comment.length > maxLength) {
    // Only reachable when the fixed parts alone exceed the limit (hundreds of stacks or a tiny maxLength).
    const cut = `\n\n… comment cut at ${maxLength} characters; see ${artifactPointer(options)}.\n`;
    return comment.slice(0, Math.max(0, maxLength - cut.length)) + cut;
  }
  return comment;
}
