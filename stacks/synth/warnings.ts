// On globalThis, so that two copies of this module (tsx's require and an ESM import) still print once.
const PRINTED = Symbol.for("eks-mesh-platform.synth-warnings");
type Flagged = typeof globalThis & { [PRINTED]?: Map<string, Set<string>> };

function printed(group: string): Set<string> {
  const g = globalThis as Flagged;
  const groups = (g[PRINTED] ??= new Map());
  let seen = groups.get(group);
  if (!seen) groups.set(group, (seen = new Set()));
  return seen;
}

/**
 * Prints a synth warning the first time this exact text is seen in the process (a synth may
 * build the same construct more than once). `group` lets tests forget one kind of warning;
 * stdout is for warnings `cdktf synth` should show as output (the plan comment reads them).
 */
export function printOnce(group: string, text: string, stream: "stdout" | "stderr" = "stderr"): void {
  const seen = printed(group);
  if (seen.has(text)) return;
  seen.add(text);
  process[stream].write(`${text}\n`);
}

/** For tests: forget which warnings of a group were printed. */
export function forgetPrinted(group: string): void {
  (globalThis as Flagged)[PRINTED]?.delete(group);
}

/** Prints a mesh-routing warning to stderr, the first time this exact message is seen in the process. */
export function warnOnce(message: string): void {
  printOnce("routing", message);
}

/** For tests: forget which routing warnings were printed. */
export function resetRoutingWarnings(): void {
  forgetPrinted("routing");
}
