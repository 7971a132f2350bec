/** The parts of a GitHub Actions step the workflow tests read. */
export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}

/** The step with this name, or an error naming the step and the workflow file. */
export function stepNamed(steps: readonly Step[], name: string, file: string): Step {
  const found = steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no step named "${name}" in ${file}`);
  return found;
}
