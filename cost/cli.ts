// Entry point: `npx tsx cost/cli.ts --help`. The logic lives in command.ts.
import { runCli } from "./command";

process.exitCode = runCli(process.argv.slice(2));
