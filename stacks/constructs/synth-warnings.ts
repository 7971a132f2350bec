// On globalThis, so that two copies of this module (tsx's require and an ESM import) still warn once.
const WARNED = Symbol.for("eks-mesh-platform.routing-warnings");
type Flagged = typeof globalThis & { [WARNED]?: Set<string> };

/** Prints a synth warning to stderr, the first time this exact message is seen in the process. */
export function warnOnce(message: string): void {
  const g = globalThis as Flagged;
  const seen = (g[WARNED] ??= new Set());
  if (seen.has(message)) return;
  seen.add(message);
  process.stderr.write(`${message}\n`);
}

/** For tests: forget which warnings were printed. */
export function resetRoutingWarnings(): void {
  delete (globalThis as Flagged)[WARNED];
}
