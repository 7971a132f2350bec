import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface NodePins {
  readonly image: string;
  readonly releases: Record<string, { readonly package: string; readonly integrity: string; readonly otherPlatforms?: Record<string, string> }>;
}
const PINS: NodePins = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "images", "node.json"), "utf8"));
const RELEASE = PINS.releases[PINS.image]!;

/**
 * A Node.js that cdktn-cli supports (0.24.0 requires >= 22.19): the release the images run
 * (ops/images/node.json, "image"; one pin for both), from the npm registry, whose
 * `node-linux-<arch>` packages carry the Node.js release binaries. The tarball is checked
 * against the pinned sha512 (besides npm's own check against the registry), unpacked once per
 * machine outside the repository, and its binary's sha256 is checked again on every later use.
 */
export const CLI_NODE = {
  version: PINS.image,
  packages: {
    "linux-x64": { name: RELEASE.package, integrity: RELEASE.integrity },
    ...Object.fromEntries(Object.entries(RELEASE.otherPlatforms ?? {}).map(([name, integrity]) => [name.replace(/^node-/, ""), { name, integrity }])),
  } as Record<string, { name: string; integrity: string }>,
};

/** `${XDG_CACHE_HOME:-~/.cache}/eks-mesh-platform/cdk-terrain`: the check's folder, outside the repository. */
export function checkCacheDir(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "eks-mesh-platform", "cdk-terrain");
}

/** `<checkCacheDir>/node-<version>-<platform>`. */
export function nodeCacheDir(platform: string = `${process.platform}-${process.arch}`): string {
  return path.join(checkCacheDir(), `node-${CLI_NODE.version}-${platform}`);
}

export function sha512Integrity(file: string): string {
  return `sha512-${createHash("sha512").update(fs.readFileSync(file)).digest("base64")}`;
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The `bin` folder of the pinned Node.js, fetched and verified on first use. */
export function ensureCliNode(log: (line: string) => void = () => {}): string {
  const platform = `${process.platform}-${process.arch}`;
  const pin = CLI_NODE.packages[platform];
  if (!pin) throw new Error(`no Node.js ${CLI_NODE.version} is pinned for ${platform} (ops/cdk-terrain/node.ts pins ${Object.keys(CLI_NODE.packages).join(", ")}); add its npm package and sha512 there`);
  const dir = nodeCacheDir(platform);
  const marker = path.join(dir, "verified.json");
  const binary = path.join(dir, "package", "bin", "node");

  const cached = () => {
    if (!fs.existsSync(marker) || !fs.existsSync(binary)) return false;
    const recorded = JSON.parse(fs.readFileSync(marker, "utf8")) as { integrity?: string; binarySha256?: string };
    return recorded.integrity === pin.integrity && recorded.binarySha256 === sha256(binary);
  };
  if (cached()) return path.dirname(binary);
  if (fs.existsSync(dir)) log(`cached Node.js in ${dir} does not match its pin or its recorded hash; fetching it again`);

  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(dir), ".fetch-"));
  try {
    log(`fetching Node.js ${CLI_NODE.version} (${pin.name}) from the npm registry`);
    const pack = spawnSync("npm", ["pack", `${pin.name}@${CLI_NODE.version}`, "--pack-destination", tmp, "--silent", "--no-audit", "--no-fund"], { encoding: "utf8" });
    if (pack.status !== 0) throw new Error(`npm pack ${pin.name}@${CLI_NODE.version} failed (exit ${pack.status}): ${pack.stderr.trim()}`);
    const tgz = path.join(tmp, `${pin.name}-${CLI_NODE.version}.tgz`);
    const got = sha512Integrity(tgz);
    if (got !== pin.integrity) throw new Error(`${pin.name}@${CLI_NODE.version} has integrity ${got}, but ops/cdk-terrain/node.ts pins ${pin.integrity}; nothing was installed`);
    const untar = spawnSync("tar", ["-xzf", tgz, "-C", tmp], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`unpacking ${tgz} failed: ${untar.stderr.trim()}`);
    fs.rmSync(tgz);
    const unpacked = path.join(tmp, "package", "bin", "node");
    const version = spawnSync(unpacked, ["--version"], { encoding: "utf8" }).stdout?.trim();
    if (version !== `v${CLI_NODE.version}`) throw new Error(`the unpacked ${pin.name} reports ${JSON.stringify(version)}, not v${CLI_NODE.version}`);
    fs.writeFileSync(path.join(tmp, "verified.json"), JSON.stringify({ package: pin.name, version: CLI_NODE.version, integrity: pin.integrity, binarySha256: sha256(unpacked) }, null, 2) + "\n");
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      // Another run installed it meanwhile: theirs is as good, once verified.
      if (!cached()) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return path.dirname(binary);
}
