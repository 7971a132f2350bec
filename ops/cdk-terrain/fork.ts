/**
 * CDK Terrain (the maintained fork of CDKTF, `cdktn` on npm) as the check installs it in a
 * scratch copy of the project, and the package.json change that puts it there: the same
 * change docs/cdk-terrain.md tells a team to make. The fork's version is the project's own
 * devDependency on `cdktn` (installed beside cdktf for the exports test), so it is pinned
 * once, in package.json.
 */

export const FORK_LIBRARY = "cdktn";
export const FORK_CLI = "cdktn-cli";
/** The fork CLI's command (cdktf-cli's is `cdktf`). */
export const FORK_CLI_COMMAND = "cdktn";

/**
 * constructs for the fork: cdktn 0.24.0 needs ">=10.6.0 <10.8.0" (a peer dependency) where
 * the project pins 10.4.2 for cdktf. 10.6.0 is the version cdktn-cli itself depends on, so
 * the scratch install holds one copy. The check verifies it against the installed range.
 */
export const FORK_CONSTRUCTS = "10.6.0";

export interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The fork's version: the project's exact devDependency on `cdktn`. */
export function forkVersion(pkg: PackageJson): string {
  const version = pkg.devDependencies?.[FORK_LIBRARY] ?? pkg.dependencies?.[FORK_LIBRARY];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`package.json must pin ${FORK_LIBRARY} to an exact version in devDependencies (found ${JSON.stringify(version)}); it says which CDK Terrain the check installs`);
  }
  return version;
}

/**
 * The project's package.json moved to CDK Terrain, and each change in words:
 *  - `cdktf` becomes an npm alias of `cdktn`, so the project's imports and the prebuilt
 *    `@cdktf/*` providers (which import `cdktf`) all load the fork, unchanged;
 *  - an override makes every `cdktf` in the tree that alias (the providers' peer range
 *    ^0.21.0 would otherwise refuse 0.24.0);
 *  - constructs moves to the fork's range;
 *  - cdktf-cli gives way to cdktn-cli, and the scripts call `cdktn` instead of `cdktf`.
 */
export function forkPackageJson(pkg: PackageJson, version: string): { pkg: PackageJson; changes: string[] } {
  const out: PackageJson = structuredClone(pkg);
  const changes: string[] = [];
  const alias = `npm:${FORK_LIBRARY}@${version}`;
  let aliased = false;
  for (const field of ["dependencies", "devDependencies"] as const) {
    const deps = out[field];
    if (!deps) continue;
    if (deps.cdktf !== undefined) {
      changes.push(`${field}.cdktf: ${deps.cdktf} → ${alias}`);
      deps.cdktf = alias;
      aliased = true;
    }
    if (deps.constructs !== undefined && deps.constructs !== FORK_CONSTRUCTS) {
      changes.push(`${field}.constructs: ${deps.constructs} → ${FORK_CONSTRUCTS}`);
      deps.constructs = FORK_CONSTRUCTS;
    }
    if (deps["cdktf-cli"] !== undefined) {
      changes.push(`${field}: cdktf-cli ${deps["cdktf-cli"]} → ${FORK_CLI} ${version}`);
      delete deps["cdktf-cli"];
      deps[FORK_CLI] = version;
      out[field] = Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  if (!aliased) throw new Error("package.json declares no dependency on cdktf: nothing to move to CDK Terrain");
  out.overrides = { ...out.overrides, cdktf: "$cdktf" };
  changes.push('overrides.cdktf: "$cdktf" (every cdktf in the tree is the alias)');
  for (const [name, script] of Object.entries(out.scripts ?? {})) {
    const moved = script.replace(/(^|[\s;&|(])cdktf(?=\s|$)/g, `$1${FORK_CLI_COMMAND}`);
    if (moved !== script) {
      out.scripts![name] = moved;
      changes.push(`scripts.${name}: ${script} → ${moved}`);
    }
  }
  return { pkg: out, changes };
}
