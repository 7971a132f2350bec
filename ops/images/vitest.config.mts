import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// npm run test:images: the image checks, apart from the fast suite (vitest.config.mts), since
// they build four images and run containers. One file, in order: build and push, pull back by
// digest, check each image, run the system from them.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["__tests__/services/containers/**/*.containers.ts"],
    testTimeout: 600_000,
    hookTimeout: 3_600_000,
    pool: "forks",
    fileParallelism: false,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/images-results.json" },
  },
});
