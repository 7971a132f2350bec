import { countNodesSorted, ffdOrder, fitsNode, type PodItem } from "./bin-packing";
import type { NodeShape } from "./node-capacity";

/**
 * Cost-aware placement: choose Fargate or EC2 for each decidable service so
 * that  Σ(Fargate cost of services left on Fargate)
 *     + node price × max(minNodes, FFD node count of every EC2 pod)
 * is smallest. See docs/cost.md ("Placement optimizer") for the method:
 *
 *  1. a heuristic incumbent: services sorted by how much Fargate costs
 *     relative to the share of a node they would fill; prefixes of that
 *     order are tried on EC2 (every 1/64th of the list, then every length
 *     around the best), then single flips are applied while they help;
 *  2. branch and bound over services (largest Fargate cost first), pruning
 *     with a lower bound that is valid for any packing (so also for FFD):
 *     per weighting λ of the three node dimensions, a fractional relaxation
 *     solved exactly by a greedy; the node count of what is already on EC2
 *     is bounded by its volume. Leaves are evaluated with the real FFD.
 *
 * Up to `exactUpTo` decidable services the search runs to completion, so
 * the answer is optimal under the packing model. Above that it runs until the
 * time limit (and not at all past `searchUpTo` items, where it cannot finish)
 * and the result carries a lower bound, so the gap is known.
 */

/** A service the optimizer may place on either side. */
export interface PlacementItem {
  readonly name: string;
  /** Hourly cost of all its replicas on Fargate. */
  readonly fargateHourly: number;
  /** One entry per replica; ids unique across the whole problem. */
  readonly pods: readonly PodItem[];
}

export interface PlacementProblem {
  readonly items: readonly PlacementItem[];
  /** Pods that are on EC2 whatever is decided (forced or explicitly placed). */
  readonly fixedEc2Pods: readonly PodItem[];
  /** Room per node after reservations and DaemonSets. */
  readonly node: NodeShape;
  /** Everything one more node costs per hour (instance, root volume, public IP). */
  readonly nodeHourly: number;
  /** Node group minimum: nodes paid even when empty. */
  readonly minNodes: number;
}

export interface PlacementEvaluation {
  /** `ec2[i]` is true when items[i] runs on EC2. */
  readonly ec2: readonly boolean[];
  /** Nodes the EC2 pods need under FFD (before the minimum is applied). */
  readonly nodesNeeded: number;
  /** max(minNodes, nodesNeeded). */
  readonly nodes: number;
  /** Fargate cost of the items left on Fargate + node cost; excludes fixed costs. */
  readonly hourly: number;
}

export interface OptimizeResult extends PlacementEvaluation {
  /** True when the search finished: no assignment is cheaper under the packing model. */
  readonly provenOptimal: boolean;
  /** A cost no assignment can beat (equals `hourly` when proven). */
  readonly lowerBound: number;
  /** `branch-and-bound` when the search finished, else the heuristic's answer with a bound. */
  readonly method: "branch-and-bound" | "heuristic-with-bound";
  /** FFD evaluations performed. */
  readonly evaluations: number;
  readonly elapsedMs: number;
}

export interface OptimizeOptions {
  /** Up to this many decidable items the search is run to completion. @default 16 */
  readonly exactUpTo?: number;
  /** Time limit above `exactUpTo` (heuristic + bounded search). @default 250 */
  readonly timeLimitMs?: number;
  /**
   * Above `exactUpTo`, branch and bound still runs (until the time limit) up
   * to this many items; beyond it the search cannot finish, so only the
   * heuristic and the bound run. @default 40
   */
  readonly searchUpTo?: number;
}

const EPS = 1e-9;

interface OwnedPod extends PodItem {
  readonly owner: number;
}

/** Pre-computed data shared by every evaluation of one problem. */
interface Prepared {
  readonly problem: PlacementProblem;
  readonly sorted: readonly OwnedPod[];
  /** Per item: load it adds, in node units, per dimension (cpu, memory, pods). */
  readonly weight: readonly (readonly [number, number, number])[];
  readonly base: readonly [number, number, number];
  readonly canEc2: readonly boolean[];
}

function load(pods: readonly PodItem[], node: NodeShape): [number, number, number] {
  let cpu = 0;
  let mem = 0;
  for (const p of pods) {
    cpu += p.cpuMillicores;
    mem += p.memoryMiB;
  }
  return [cpu / node.cpuMillicores, mem / node.memoryMiB, pods.length / node.podSlots];
}

function prepare(problem: PlacementProblem): Prepared {
  const { node } = problem;
  const owned: OwnedPod[] = [];
  const seen = new Set<number>();
  const add = (pod: PodItem, owner: number): void => {
    if (seen.has(pod.id)) throw new Error(`pod id ${pod.id} is used twice; ids must be unique across the problem`);
    seen.add(pod.id);
    owned.push({ id: pod.id, cpuMillicores: pod.cpuMillicores, memoryMiB: pod.memoryMiB, owner });
  };
  problem.fixedEc2Pods.forEach((pod) => add(pod, -1));
  problem.items.forEach((item, i) => item.pods.forEach((pod) => add(pod, i)));
  return {
    problem,
    sorted: ffdOrder(owned, node) as OwnedPod[],
    weight: problem.items.map((item) => load(item.pods, node)),
    base: load(problem.fixedEc2Pods, node),
    canEc2: problem.items.map((item) => item.pods.every((pod) => fitsNode(pod, node))),
  };
}

function evaluateWith(prep: Prepared, ec2: readonly boolean[]): PlacementEvaluation {
  const { problem } = prep;
  const nodesNeeded = countNodesSorted(prep.sorted, problem.node, (pod) => {
    const owner = (pod as OwnedPod).owner;
    return owner < 0 || ec2[owner] === true;
  });
  const nodes = Math.max(problem.minNodes, nodesNeeded);
  let hourly = nodes * problem.nodeHourly;
  problem.items.forEach((item, i) => {
    if (!ec2[i]) hourly += item.fargateHourly;
  });
  return { ec2: [...ec2], nodesNeeded, nodes, hourly };
}

/** Cost of one assignment under the packing model (the function the optimizer minimizes). */
export function evaluatePlacement(problem: PlacementProblem, ec2: readonly boolean[]): PlacementEvaluation {
  if (ec2.length !== problem.items.length) throw new Error(`expected ${problem.items.length} choices, got ${ec2.length}`);
  return evaluateWith(prepare(problem), ec2);
}

/** Tries all 2^k assignments (k ≤ 20). The reference the optimizer is tested against. */
export function exhaustivePlacement(problem: PlacementProblem): PlacementEvaluation {
  const k = problem.items.length;
  if (k > 20) throw new Error(`exhaustive search is limited to 20 items, got ${k}`);
  const prep = prepare(problem);
  let best: PlacementEvaluation | undefined;
  for (let mask = 0; mask < 2 ** k; mask++) {
    const ec2 = problem.items.map((_, i) => (mask & (1 << i)) !== 0);
    if (ec2.some((on, i) => on && !prep.canEc2[i])) continue;
    const result = evaluateWith(prep, ec2);
    if (best === undefined || result.hourly < best.hourly - EPS) best = result;
  }
  return best!;
}

/** Weightings of (cpu, memory, pods) used by the bound. */
const BOUND_WEIGHTS: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [0.5, 0.5, 0],
  [1 / 3, 1 / 3, 1 / 3],
];

function rootWeights(): (readonly [number, number, number])[] {
  const out: [number, number, number][] = [];
  const steps = 10;
  for (let a = 0; a <= steps; a++) for (let b = 0; a + b <= steps; b++) out.push([a / steps, b / steps, (steps - a - b) / steps]);
  return out;
}

/**
 * Lower bound of the cost of any completion: `fargateSoFar` is already
 * paid, `loadSoFar` is on EC2, `open` lists undecided items. For a weighting
 * λ, max over dimensions ≥ the λ-average, so the node term is at least
 * c·max(m, λ·load); minimizing that over fractional choices is a knapsack
 * with a convex cost, solved exactly by taking items in order of Fargate
 * cost per unit of weighted load.
 */
function boundFor(
  prep: Prepared,
  lambda: readonly [number, number, number],
  order: readonly number[],
  open: readonly boolean[],
  loadSoFar: readonly [number, number, number],
  fargateSoFar: number,
): number {
  const { nodeHourly: c, minNodes: m } = prep.problem;
  let loadNow = lambda[0] * loadSoFar[0] + lambda[1] * loadSoFar[1] + lambda[2] * loadSoFar[2];
  let fargate = fargateSoFar;
  for (const i of order) if (open[i]) fargate += prep.problem.items[i]!.fargateHourly;
  for (const i of order) {
    if (!open[i] || !prep.canEc2[i]) continue;
    const f = prep.problem.items[i]!.fargateHourly;
    const w = prep.weight[i]!;
    const v = lambda[0] * w[0] + lambda[1] * w[1] + lambda[2] * w[2];
    if (v <= 0) {
      fargate -= f;
      continue;
    }
    if (f / v > c) {
      fargate -= f;
      loadNow += v;
      continue;
    }
    const free = m - loadNow;
    if (free <= 0) break;
    const t = Math.min(1, free / v);
    fargate -= t * f;
    loadNow += t * v;
    if (t < 1) break;
  }
  return fargate + c * Math.max(m, loadNow);
}

function ratioOrder(prep: Prepared, lambda: readonly [number, number, number]): number[] {
  const v = (i: number): number => {
    const w = prep.weight[i]!;
    return lambda[0] * w[0] + lambda[1] * w[1] + lambda[2] * w[2];
  };
  const ratio = (i: number): number => (v(i) <= 0 ? Infinity : prep.problem.items[i]!.fargateHourly / v(i));
  return prep.problem.items.map((_, i) => i).sort((a, b) => ratio(b) - ratio(a) || a - b);
}

/** Lower bound over all assignments (used for the reported gap). */
export function placementLowerBound(problem: PlacementProblem): number {
  const prep = prepare(problem);
  const open = problem.items.map(() => true);
  const volume = problem.nodeHourly * Math.max(problem.minNodes, Math.ceil(Math.max(...prep.base) - EPS));
  let best = volume;
  for (const lambda of rootWeights()) {
    best = Math.max(best, boundFor(prep, lambda, ratioOrder(prep, lambda), open, prep.base, 0));
  }
  return best;
}

export function optimizePlacement(problem: PlacementProblem, options: OptimizeOptions = {}): OptimizeResult {
  const exactUpTo = options.exactUpTo ?? 16;
  const timeLimitMs = options.timeLimitMs ?? 250;
  const searchUpTo = options.searchUpTo ?? 40;
  const started = performance.now();
  const k = problem.items.length;
  const prep = prepare(problem);
  const exact = k <= exactUpTo;
  const deadline = exact ? Infinity : started + timeLimitMs;
  let evaluations = 0;
  const evaluate = (ec2: readonly boolean[]): PlacementEvaluation => {
    evaluations++;
    return evaluateWith(prep, ec2);
  };

  // 1. Heuristic incumbent: prefixes of the "Fargate cost per node share" order.
  // A service with no pods (0 replicas) takes no room: it sorts first, where EC2 is free.
  const ratio = prep.weight.map((w, i) => {
    const share = Math.max(...w);
    return share > 0 ? problem.items[i]!.fargateHourly / share : Infinity;
  });
  const order = problem.items
    .map((_, i) => i)
    .filter((i) => prep.canEc2[i])
    .sort((a, b) => (ratio[b] === ratio[a] ? a - b : ratio[b]! > ratio[a]! ? 1 : -1));
  let best = evaluate(problem.items.map(() => false));
  const prefix = (j: number): PlacementEvaluation => {
    const ec2 = problem.items.map(() => false);
    for (let n = 0; n < j; n++) ec2[order[n]!] = true;
    return evaluate(ec2);
  };
  // Coarse pass over prefix lengths, then every length around the best one.
  const stride = Math.max(1, Math.ceil(order.length / 64));
  let bestJ = 0;
  const tryPrefix = (j: number): void => {
    const candidate = prefix(j);
    if (candidate.hourly < best.hourly - EPS) {
      best = candidate;
      bestJ = j;
    }
  };
  for (let j = stride; j < order.length; j += stride) tryPrefix(j);
  if (order.length > 0) tryPrefix(order.length);
  const coarseBest = bestJ;
  for (let j = Math.max(1, coarseBest - stride + 1); j < Math.min(order.length, coarseBest + stride); j++) {
    if (j !== coarseBest) tryPrefix(j);
  }
  // Single flips while they help (first improvement, in the same order).
  let improved = true;
  while (improved && performance.now() < deadline) {
    improved = false;
    for (const i of order) {
      const flipped = [...best.ec2];
      flipped[i] = !flipped[i];
      const candidate = evaluate(flipped);
      if (candidate.hourly < best.hourly - EPS) {
        best = candidate;
        improved = true;
      }
      if (performance.now() > deadline) break;
    }
  }

  // 2. Branch and bound, largest Fargate bills decided first.
  const branchOrder = problem.items.map((_, i) => i).sort((a, b) => problem.items[b]!.fargateHourly - problem.items[a]!.fargateHourly || a - b);
  const lambdaOrders = BOUND_WEIGHTS.map((lambda) => ratioOrder(prep, lambda));
  const open = problem.items.map(() => true);
  const current = problem.items.map(() => false);
  let finished = true;
  const { nodeHourly: c, minNodes: m } = problem;

  const bound = (loadSoFar: [number, number, number], fargateSoFar: number): number => {
    let lb = fargateSoFar + c * Math.max(m, Math.ceil(Math.max(...loadSoFar) - EPS));
    for (let l = 0; l < BOUND_WEIGHTS.length; l++) {
      lb = Math.max(lb, boundFor(prep, BOUND_WEIGHTS[l]!, lambdaOrders[l]!, open, loadSoFar, fargateSoFar));
    }
    return lb;
  };

  const search = (depth: number, loadSoFar: [number, number, number], fargateSoFar: number): void => {
    if (performance.now() > deadline) {
      finished = false;
      return;
    }
    if (depth === branchOrder.length) {
      const leaf = evaluate(current);
      if (leaf.hourly < best.hourly - EPS) best = leaf;
      return;
    }
    if (bound(loadSoFar, fargateSoFar) >= best.hourly - EPS) return;
    const i = branchOrder[depth]!;
    open[i] = false;
    const tries = best.ec2[i] ? [true, false] : [false, true];
    for (const onEc2 of tries) {
      if (onEc2 && !prep.canEc2[i]) continue;
      current[i] = onEc2;
      if (onEc2) {
        const w = prep.weight[i]!;
        search(depth + 1, [loadSoFar[0] + w[0], loadSoFar[1] + w[1], loadSoFar[2] + w[2]], fargateSoFar);
      } else {
        search(depth + 1, loadSoFar, fargateSoFar + problem.items[i]!.fargateHourly);
      }
      if (!finished) break;
    }
    current[i] = false;
    open[i] = true;
  };
  if (k <= Math.max(exactUpTo, searchUpTo)) search(0, [...prep.base] as [number, number, number], 0);
  else finished = false;

  const lowerBound = finished ? best.hourly : Math.min(best.hourly, placementLowerBound(problem));
  return {
    ...best,
    provenOptimal: finished,
    lowerBound,
    method: finished ? "branch-and-bound" : "heuristic-with-bound",
    evaluations,
    elapsedMs: performance.now() - started,
  };
}
