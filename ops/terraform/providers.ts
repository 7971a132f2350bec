/**
 * Where Terraform gets providers for the checks. In order:
 *   1. PLATFORM_PROVIDER_MIRROR: a folder in Terraform's filesystem-mirror layout;
 *   2. the AWS provider that ops/terraform/build-aws-provider.sh built on this machine;
 *   3. neither: Terraform as the user configured it (normally the public registry).
 * With a mirror, the checks write their own CLI config file beside the copies and point
 * TF_CLI_CONFIG_FILE at it; the user's ~/.terraformrc is never read or written.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import snapshot from "./provider-snapshot.json";

export const MIRROR_ENV = "PLATFORM_PROVIDER_MIRROR";

/**
 * The providers known, by name, to be unavailable where the checks run: the Terraform
 * registry is unreachable and no other registry here carries them (the AWS provider alone
 * is built from the Go module proxy). Only these make a stack "not validated here"; any
 * other provider Terraform cannot get (a misspelt source, a wrong version, a mirror that
 * lacks one by mistake) fails the run.
 */
export const KNOWN_UNAVAILABLE: readonly string[] = ["hashicorp/kubernetes", "hashicorp/helm", "hashicorp/http"];

/** Whether a provider (`hashicorp/helm` or `registry.terraform.io/hashicorp/helm`) is one of KNOWN_UNAVAILABLE. */
export function knownUnavailable(source: string): boolean {
  return KNOWN_UNAVAILABLE.includes(source.toLowerCase().replace(/^registry\.terraform\.io\//, ""));
}

export interface ProviderMirror {
  readonly path: string;
  /** Where it came from, as printed: the variable or the setup script. */
  readonly origin: string;
  /** Fully qualified source → versions the mirror holds for this machine's platform. */
  readonly providers: ReadonlyMap<string, readonly string[]>;
}

/** Terraform's name for this machine's platform (`linux_amd64`). */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  const cpu = arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
  return `${os}_${cpu}`;
}

function dirs(path: string): string[] {
  try {
    return readdirSync(path).filter((n) => statSync(join(path, n)).isDirectory());
  } catch {
    return [];
  }
}

/**
 * Providers in a filesystem mirror, both layouts Terraform reads:
 *   unpacked  HOST/NAMESPACE/TYPE/VERSION/PLATFORM/terraform-provider-TYPE…
 *   packed    HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_PLATFORM.zip
 */
export function scanMirror(mirror: string, platform: string = terraformPlatform()): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const host of dirs(mirror)) {
    for (const ns of dirs(join(mirror, host))) {
      for (const type of dirs(join(mirror, host, ns))) {
        const base = join(mirror, host, ns, type);
        const versions = new Set<string>();
        for (const version of dirs(base)) {
          if (existsSync(join(base, version, platform))) versions.add(version);
        }
        const packed = new RegExp(`^terraform-provider-${type}_(.+)_${platform}\\.zip$`);
        for (const file of readdirSync(base)) {
          const m = packed.exec(file);
          if (m?.[1]) versions.add(m[1]);
        }
        if (versions.size > 0) found.set(`${host}/${ns}/${type}`.toLowerCase(), [...versions].sort());
      }
    }
  }
  return found;
}

/** The folder build-aws-provider.sh installs into, keyed by the snapshot. */
export function builtProviderRoot(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return join(cache, "eks-mesh-platform", "terraform-provider-aws", snapshot.version);
}

/** The snapshot the setup script builds and the version label it installs it under. */
export const AWS_SNAPSHOT = snapshot;

export function findMirror(env: NodeJS.ProcessEnv = process.env): ProviderMirror | undefined {
  const given = env[MIRROR_ENV];
  if (given) {
    if (!existsSync(given)) throw new Error(`${MIRROR_ENV}=${given}: no such folder`);
    return { path: given, origin: MIRROR_ENV, providers: scanMirror(given) };
  }
  const manifest = join(builtProviderRoot(env), "manifest.json");
  if (!existsSync(manifest)) return undefined;
  const built = JSON.parse(readFileSync(manifest, "utf8")) as { mirror: string };
  return {
    path: built.mirror,
    origin: `the AWS provider built from the Go module proxy (npm run setup:terraform)`,
    providers: scanMirror(built.mirror),
  };
}

/** A CLI config that installs the mirror's providers from the mirror and nothing else. */
export function cliConfig(mirrorPath: string, sources: readonly string[]): string {
  const include = [...sources].sort().map((s) => JSON.stringify(s)).join(", ");
  return [
    "# Written by ops/terraform for the Terraform checks; providers come from the mirror only.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorPath)}`,
    `    include = [${include}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}
