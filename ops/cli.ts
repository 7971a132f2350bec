/**
 * Shared by the ops CLIs: each exports `main(argv, out, err)` for tests and runs it
 * when called as a script (`if (require.main === module) runCli(main)`).
 */
export type CliMain = (argv: readonly string[], out: (text: string) => void, err: (text: string) => void) => number;

/** Runs a CLI main and hands its status to the process without cutting stdout short. */
export function runCli(main: CliMain): void {
  process.exitCode = main(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
}
