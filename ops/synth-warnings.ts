/**
 * The warnings the platform prints during synth (an insecure public edge, a discontinued
 * mesh), read back from the captured synth output so the pull-request plan comment shows
 * them above the plans. A warning is a line that starts with "WARNING:" and the indented
 * lines that follow it; colour codes and anything cdktf puts before "WARNING:" are dropped
 * (cdktf prints the app's stderr on its stdout as "[<time>] [ERROR] default - <line>").
 */
// Colours, and the cursor moves of cdktf's spinner when it writes to a terminal.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function extractSynthWarnings(log: string): string[] {
  const warnings: string[] = [];
  let current: string[] | undefined;
  for (const raw of log.replace(ANSI, "").split(/\r?\n/)) {
    const at = raw.indexOf("WARNING:");
    if (at >= 0) {
      if (current) warnings.push(current.join("\n"));
      current = [raw.slice(at).trimEnd()];
    } else if (current && /^\s+\S/.test(raw)) {
      current.push(raw.trimEnd());
    } else if (current) {
      warnings.push(current.join("\n"));
      current = undefined;
    }
  }
  if (current) warnings.push(current.join("\n"));
  // The same warning from two synth runs is said once.
  return [...new Set(warnings)];
}
