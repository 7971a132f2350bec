/** Types of input/compile.cjs, for the TypeScript that imports it (config/load.ts). */
export declare const BUILD_DIR: string;
/** Path of a fresh CommonJS bundle of `entry`, rebuilt when any input changed. */
export declare function compile(entry: string, options?: { name?: string; packages?: "bundle" | "external" }): string;
/** Runs a bundle as the main module, with a V8 code cache beside it. */
export declare function runMain(bundle: string): void;
