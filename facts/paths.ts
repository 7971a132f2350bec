import * as path from "node:path";

/**
 * The project's root folder: where relative paths in environment files, catalogs and
 * `state.directory` start, and where charts/ and .build/ live. Computed from this file's
 * place (the compile step keeps each source's own folder in the bundle).
 */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** charts/<chart>/values.yaml: the values each Helm add-on starts from. */
export const CHARTS_DIR = path.join(PROJECT_ROOT, "charts");
