/**
 * Monthly cost before and after a pull request, per component, from two outputs of
 * `npm run cost -- --json` (cost/command.ts): one run on the base branch's checkout, one on
 * the pull request's. Each is read from its "configured" scenario (the placement the config
 * asks for), whose lines are the components: control plane, NAT, ALB, EC2 nodes, Fargate...
 * To those it adds, when the JSON has them, the configured mesh's own charge (VPC Lattice's
 * per-service and per-request parts; App Mesh has none) and each observability part that is
 * switched on (log groups, Container Insights, ...).
 * Reading the JSON, not calling the model, prices the base with the base's own model and config.
 */

export interface CostLine {
  component: string;
  monthly: number;
}

export interface CostSnapshot {
  region: string;
  takenOn: string;
  lines: CostLine[];
  total: number;
}

export interface CostRow {
  component: string;
  before: number;
  after: number;
}

/** Reads the configured scenario out of `npm run cost -- --json`; `what` names the file in errors. */
export function readCostReport(json: unknown, what: string): CostSnapshot {
  const report = json as { prices?: { region?: string; takenOn?: string }; scenarios?: Array<{ id?: string; monthly?: number; lines?: Array<{ component?: string; monthly?: number }> }> };
  const scenario = report?.scenarios?.find((s) => s.id === "configured");
  if (!scenario || !Array.isArray(scenario.lines) || typeof scenario.monthly !== "number") {
    throw new Error(`${what}: no "configured" scenario with lines and a monthly total; write it with \`npm run cost -- --json\``);
  }
  const lines = new Map<string, number>();
  const add = (component: string, monthly: number) => lines.set(component, (lines.get(component) ?? 0) + monthly);
  for (const l of scenario.lines) {
    if (typeof l.component !== "string" || typeof l.monthly !== "number") throw new Error(`${what}: a cost line lacks its component or monthly figure`);
    add(l.component, l.monthly);
  }
  let total = scenario.monthly;
  // The mesh's charge is what its comparison adds on top of the same platform (cost/mesh.ts).
  const meshes = (json as { mesh?: Record<string, unknown> }).mesh;
  // Keyed appmesh / lattice, each naming its implementation ("appmesh", "vpc-lattice").
  type MeshCost = { implementation?: string; monthly?: number; platform?: { monthly?: number } };
  const configured = Object.values(meshes ?? {}).find((m): m is MeshCost => typeof m === "object" && m !== null && (m as MeshCost).implementation === meshes?.configured);
  if (typeof configured?.monthly === "number" && typeof configured.platform?.monthly === "number") {
    const mesh = configured.monthly - configured.platform.monthly;
    add(`Mesh (${String(meshes?.configured)})`, mesh);
    total += mesh;
  }
  const observability = (json as { observability?: { lines?: Array<{ on?: boolean; part?: string; monthly?: number }> } }).observability;
  for (const l of observability?.lines ?? []) {
    if (l.on !== true || typeof l.part !== "string" || typeof l.monthly !== "number") continue;
    add(`Observability: ${l.part}`, l.monthly);
    total += l.monthly;
  }
  return { region: report.prices?.region ?? "?", takenOn: report.prices?.takenOn ?? "?", lines: [...lines].map(([component, monthly]) => ({ component, monthly })), total };
}

/** Rows for every component either side has, in the after order then the ones the change removes. */
export function costRows(before: CostSnapshot, after: CostSnapshot): CostRow[] {
  const b = new Map(before.lines.map((l) => [l.component, l.monthly]));
  const a = new Map(after.lines.map((l) => [l.component, l.monthly]));
  const names = [...a.keys(), ...[...b.keys()].filter((n) => !a.has(n))];
  return names.map((component) => ({ component, before: b.get(component) ?? 0, after: a.get(component) ?? 0 }));
}

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const delta = (n: number) => (Math.abs(n) < 0.005 ? "–" : `${n > 0 ? "+" : "−"}${usd(Math.abs(n))}`);

export function renderCost(before: CostSnapshot, after: CostSnapshot): string {
  const rows = costRows(before, after);
  const change = after.total - before.total;
  const lines = [
    `#### 💰 Monthly cost: ${usd(before.total)} → ${usd(after.total)} (${delta(change)})`,
    "",
    `<details${Math.abs(change) >= 0.005 ? " open" : ""}><summary>Per component (cost model, ${after.region} prices of ${after.takenOn}, configured placement)</summary>`,
    "",
    "| Component | Before | After | Change |",
    "|---|--:|--:|--:|",
    ...rows.map((r) => `| ${r.component} | ${usd(r.before)} | ${usd(r.after)} | ${delta(r.after - r.before)} |`),
    `| **Total** | **${usd(before.total)}** | **${usd(after.total)}** | **${delta(change)}** |`,
    "",
    "</details>",
  ];
  return lines.join("\n");
}
