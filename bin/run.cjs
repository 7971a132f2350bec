#!/usr/bin/env node
"use strict";
/**
 * Runs a TypeScript entry the way bin/synth.cjs runs main.ts (compiled ahead of time into
 * .build/, with a code cache), for scripts that must measure what the app command does:
 *   node bin/run.cjs scripts/bench-catalog.ts 500 /tmp/out
 */
const path = require("node:path");
const { compile, runMain } = require("../input/compile.cjs");

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node bin/run.cjs <entry.ts> [args...]");
  process.exit(2);
}
process.argv.splice(1, 1);
runMain(compile(path.resolve(entry)));
