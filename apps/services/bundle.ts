/**
 * How a service becomes the one file its image runs: esbuild bundles src/main.ts with its
 * dependencies (no node_modules in the image). Each Dockerfile runs exactly these flags,
 * and __tests__/services/images.test.ts bundles and starts each service with them.
 */
export const ESBUILD_FLAGS = ["--bundle", "--platform=node", "--target=node24", "--format=cjs", "--legal-comments=eof"] as const;

/** Where the bundle goes in the build stage, and its name in the image's /app. */
export const BUNDLE = "main.cjs";
