"use strict";
/**
 * Stands in for cdktf's lib/tokens/private/stack-trace.js in the app bundle (see
 * input/compile.cjs). cdktf records a full stack trace for every token it creates (tens of
 * thousands per synth) and formats it at once, though it only ever reads one to explain
 * an error. Formatting was the largest single cost of synthesizing a big catalog (about
 * 40% of 500 services). Here the trace is captured the same way, with the same depth, and
 * formatted the first time anything reads it, into the same lines.
 *
 * It must export every function of the module it replaces. CDK Terrain (the maintained
 * fork, docs/cdk-terrain.md) adds captureCreationStack, which its tokens and resources
 * call instead, and its CDKTN_DISABLE_CREATION_STACK switch ("true" or "1") to record no
 * trace at all; both are honoured here so the bundle runs on either library.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.captureStackTrace = captureStackTrace;
exports.captureCreationStack = captureCreationStack;

function captureCreationStack() {
  const off = process.env.CDKTN_DISABLE_CREATION_STACK;
  return off === "true" || off === "1" ? [] : captureStackTrace(captureCreationStack);
}

function captureStackTrace(below) {
  below = below || captureStackTrace;
  const holder = { stack: "" };
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    Error.captureStackTrace(holder, below);
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  let lines;
  const read = () => {
    if (!lines) {
      lines = holder.stack ? holder.stack.split("\n").slice(1).map((s) => s.replace(/^\s*at\s+/, "")) : [];
    }
    return lines;
  };
  // An array to every reader (length, join, indexing, iteration, Array.isArray), filled on first use.
  return new Proxy([], {
    get: (_target, key) => {
      const value = Reflect.get(read(), key);
      return typeof value === "function" ? value.bind(read()) : value;
    },
    has: (_target, key) => Reflect.has(read(), key),
    ownKeys: () => Reflect.ownKeys(read()),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(read(), key);
      // The proxy's target must report "length" as it really is (non-configurable).
      if (d && key === "length") return { ...d, value: d.value };
      return d;
    },
  });
}
