#!/usr/bin/env node
"use strict";
/**
 * The app command of cdktf.json (`cdktf synth`, `cdktf deploy`, `cdktf diff` run it):
 * compiles main.ts and everything it imports into one bundle when a source changed since
 * the last build, then runs it with plain Node. See input/compile.cjs.
 */
const { compile, runMain } = require("../input/compile.cjs");

// cdktf 0.21.0 (its final release) calls util.isArray in TerraformOutput, which Node.js 22
// deprecates at run time (DEP0044): every synth would print the warning. Only that one is
// dropped; any other warning still prints.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const code = typeof rest[0] === "object" && rest[0] !== null ? rest[0].code : rest[1];
  if (code === "DEP0044") return;
  return emitWarning.call(this, warning, ...rest);
};

runMain(compile("main.ts", { name: "main" }));
