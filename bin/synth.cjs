#!/usr/bin/env node
"use strict";
/**
 * The app command of cdktf.json (`cdktf synth`, `cdktf deploy`, `cdktf diff` run it):
 * compiles main.ts and everything it imports into one bundle when a source changed since
 * the last build, then runs it with plain Node. See input/compile.cjs.
 */
const { compile, runMain } = require("../input/compile.cjs");

runMain(compile("main.ts", { name: "main" }));
