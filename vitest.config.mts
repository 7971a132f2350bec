import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // A cache folder per run: each distinct configuration is synthesized and scanned once.
    globalSetup: ["__tests__/support/global-setup.ts"],
    // cdktf's per-token stack traces formatted only when read, as in the app bundle.
    setupFiles: ["__tests__/support/lazy-stack-traces.ts"],
    // Synth of four stacks plus Checkov takes seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores on CI: forks keep memory per worker bounded and isolate process.env.
    pool: "forks",
    // Test files in a fork share its loaded modules (cdktf, the providers, the stacks) instead
    // of loading them again per file: that loading was over half the suite's CPU. Tests do
    // not set process.env or leave spies behind (they restore them), and the once-per-process
    // warnings are reset by the tests that count them.
    isolate: false,
    // The JSON report lets CI print a one-line summary ("N passed, N failed").
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
  },
});
