import { INSECURE_OPT_OUT } from "../../../config/schema/edge";
import { forgetPrinted, printOnce } from "../../synth/warnings";

/**
 * The warning every synth prints while the public edge is plain HTTP by choice. It goes to
 * stdout, so `cdktf synth` shows it as output rather than as an error, and the plan
 * workflow carries it into the pull-request comment (ops/synth-warnings.ts).
 */
export function insecureEdgeWarning(environment: string, publicServices: readonly string[]): string {
  return [
    `WARNING: INSECURE PUBLIC EDGE: edge.${INSECURE_OPT_OUT} is true in environment "${environment}".`,
    `  The public services (${publicServices.join(", ")}) are served over plain HTTP on port 80, with no certificate:`,
    "  passwords, session cookies and every page cross the internet unencrypted. Keep this to a throwaway environment.",
    '  To serve HTTPS, give the platform a domain: edge: { domainName: "app.example.com", hostedZoneId: "Z..." }',
    '  and remove the opt-out (docs/encryption.md).',
  ].join("\n");
}

/** Prints the warning to stdout, once per process for each distinct text. */
export function warnInsecureEdge(text: string): void {
  printOnce("insecure-edge", text, "stdout");
}

/** For tests: forget which warnings were printed. */
export function resetInsecureEdgeWarning(): void {
  forgetPrinted("insecure-edge");
}
