import { createRequire } from "node:module";
import * as path from "node:path";

/**
 * Test workers use the same cdktf stack-trace module as the app bundle (input/compile.cjs
 * substitutes input/lazy-stack-trace.cjs): cdktf captures a stack trace per token and, under
 * vitest's source-map support, mapped each one at once, which was most of a synthesis's
 * time in a test. The trace is the same when read; it is only formatted later. Registered
 * before any test file loads cdktf (vitest setupFiles).
 */
const require = createRequire(__filename);
const target = require.resolve("cdktf/lib/tokens/private/stack-trace.js");
if (!require.cache[target]) {
  const lazy = path.resolve(__dirname, "..", "..", "input", "lazy-stack-trace.cjs");
  require(lazy);
  require.cache[target] = require.cache[lazy];
}
