/**
 * `npm run images:bases [-- --rebuild]`
 *
 * The two base images of the services' Dockerfiles, made on this machine from Debian's
 * packages (mmdebstrap) and the pinned Node.js release (ops/images/node.json), for where
 * the public bases the Dockerfiles default to cannot be pulled:
 *
 *   build    stands in for docker.io/library/node:24-trixie-slim: Debian minbase (shell,
 *            apt, ca-certificates), node and npm in /usr/local; root, as the public one
 *   runtime  stands in for gcr.io/distroless/nodejs24-debian13: only the C/C++ runtime
 *            libraries node links against, CA certificates, time zones, /etc/passwd,
 *            and /nodejs/bin/node as the entry point; no shell, no package manager,
 *            user 65532 (nonroot), as distroless' nonroot variant
 *
 * Built once per machine and input (the pins, this file, the Containerfiles): a second run
 * finds the images by their input label and does nothing. --rebuild takes Debian's current
 * packages (security fixes) again.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE, check, limits, podman, requireTools, run } from "./engine";

const ROOT = join(__dirname, "..", "..");
const HERE = join(ROOT, "ops", "images");

interface Pins {
  releases: Record<string, { package: string; integrity: string; supportEnds: string }>;
  test: string[];
  image: string;
  npm: { version: string; integrity: string };
  debian: { suite: string };
}
export const PINS: Pins = JSON.parse(readFileSync(join(HERE, "node.json"), "utf8"));

/** Local base image names: the Node.js release and the Debian suite they carry. */
export const LOCAL_BASES = {
  build: `localhost/eks-mesh-platform/node-build:${PINS.image}-${PINS.debian.suite}`,
  runtime: `localhost/eks-mesh-platform/node-runtime:${PINS.image}-${PINS.debian.suite}`,
} as const;

/** The user the runtime base runs as, like distroless' nonroot (the Dockerfiles set their own). */
export const RUNTIME_BASE_UID = 65532;

/**
 * Debian packages whose files the runtime base carries: what `ldd node` needs (libc6,
 * libgcc-s1, libstdc++6 and gcc-14-base, its copyright holder), time zones, /etc/services
 * and /etc/protocols, and the release files. Scanners read them from /var/lib/dpkg/status.d.
 */
const RUNTIME_PACKAGES = ["base-files", "netbase", "tzdata", "libc6", "libgcc-s1", "gcc-14-base", "libstdc++6"];

const LABEL = "org.eks-mesh-platform.base-inputs";

/** A hash of everything a base is made from, kept as a label on the image. */
function inputsKey(): string {
  const h = createHash("sha256");
  for (const f of ["node.json", "bases.ts", "build.Containerfile", "runtime.Containerfile"]) h.update(f).update(readFileSync(join(HERE, f)));
  return h.digest("hex").slice(0, 16);
}

const labelOf = (image: string): string | undefined => {
  const r = run(podman("image", "inspect", "--format", `{{ index .Labels "${LABEL}" }}`, image));
  return r.status === 0 ? r.stdout.trim() : undefined;
};

const say = (text: string) => process.stderr.write(`images:bases: ${text}\n`);

/** Builds both local bases unless images made from the same inputs exist. */
export function buildLocalBases(options: { rebuild?: boolean } = {}): typeof LOCAL_BASES {
  requireTools(["podman", "mmdebstrap"]);
  const key = inputsKey();
  if (!options.rebuild && labelOf(LOCAL_BASES.build) === key && labelOf(LOCAL_BASES.runtime) === key) {
    say(`${LOCAL_BASES.build} and ${LOCAL_BASES.runtime} are built from these inputs (${key}); --rebuild takes Debian's current packages again`);
    return LOCAL_BASES;
  }
  const started = Date.now();
  const work = join(CACHE, "bases", key);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const node = check(["bash", join(HERE, "node-release.sh"), "--image"]).trim();
  const npm = check(["bash", join(HERE, "node-release.sh"), "--npm"]).trim();

  // 1. Debian minbase with CA certificates and netbase. For a stable suite, mmdebstrap's default mirror
  //    list adds the -updates and -security suites; checked below, as security fixes come from there.
  const debian = join(work, "debian");
  say(`mmdebstrap ${PINS.debian.suite} (minbase, ca-certificates, netbase) …`);
  check(["mmdebstrap", "--quiet", "--mode=root", "--variant=minbase", "--include=ca-certificates,netbase", "--format=directory", PINS.debian.suite, debian], { inherit: true });
  const sources = ["etc/apt/sources.list", ...(existsSync(join(debian, "etc/apt/sources.list.d")) ? readdirSync(join(debian, "etc/apt/sources.list.d")).map((f) => `etc/apt/sources.list.d/${f}`) : [])]
    .filter((f) => existsSync(join(debian, f)))
    .map((f) => readFileSync(join(debian, f), "utf8"))
    .join("\n");
  if (!sources.includes(`${PINS.debian.suite}-security`)) throw new Error(`the ${PINS.debian.suite} root file system has no ${PINS.debian.suite}-security source (mmdebstrap did not add it): security fixes would be missing`);
  const packages = check(["chroot", debian, "dpkg-query", "-W", "-f", "${Package} ${Version}\\n"]).trim();

  // 2. Build base: the Debian root, node and npm in /usr/local (as the official images place them).
  say("build base: Debian minbase + node + npm");
  check(["cp", "-a", join(node, "bin", "node"), join(debian, "usr/local/bin/node")]);
  mkdirSync(join(debian, "usr/local/lib/node_modules"), { recursive: true });
  check(["cp", "-a", npm, join(debian, "usr/local/lib/node_modules/npm")]);
  check(["ln", "-sf", "../lib/node_modules/npm/bin/npm-cli.js", join(debian, "usr/local/bin/npm")]);
  check(["ln", "-sf", "../lib/node_modules/npm/bin/npx-cli.js", join(debian, "usr/local/bin/npx")]);
  mkdirSync(join(debian, "usr/local/share/doc/node"), { recursive: true });
  check(["cp", join(node, "LICENSE"), join(debian, "usr/local/share/doc/node/LICENSE")]);
  rmSync(join(debian, "var/lib/apt/lists"), { recursive: true, force: true });
  mkdirSync(join(debian, "var/lib/apt/lists/partial"), { recursive: true });
  const buildCtx = join(work, "build");
  mkdirSync(buildCtx);
  check(["tar", "--numeric-owner", "--xattrs", "-C", debian, "-cf", join(buildCtx, "rootfs.tar"), "."]);

  // 3. Runtime base: only the files of RUNTIME_PACKAGES, taken from the same root, plus
  //    the CA bundle update-ca-certificates generated there, users, and node.
  say(`runtime base: ${RUNTIME_PACKAGES.join(", ")} + node (no shell, no package manager)`);
  const runtime = join(work, "runtime");
  mkdirSync(runtime);
  const info = join(debian, "var/lib/dpkg/info");
  const files = new Set<string>(["./bin", "./lib", "./lib64", "./sbin"].filter((p) => existsSync(join(debian, p))));
  for (const pkg of RUNTIME_PACKAGES) {
    const list = [`${pkg}.list`, `${pkg}:amd64.list`].map((f) => join(info, f)).find(existsSync);
    if (!list) throw new Error(`the ${PINS.debian.suite} root has no package ${pkg}: update RUNTIME_PACKAGES in ops/images/bases.ts`);
    for (const p of readFileSync(list, "utf8").split("\n")) if (p && p !== "/." && existsSync(join(debian, p))) files.add(`.${p}`);
  }
  files.add("./etc/ssl/certs/ca-certificates.crt");
  writeFileSync(join(work, "runtime.files"), [...files].sort().join("\n") + "\n");
  check(["sh", "-c", `tar --numeric-owner -C '${debian}' --no-recursion -T '${join(work, "runtime.files")}' -cf - | tar --numeric-owner --keep-directory-symlink -C '${runtime}' -xf -`]);
  for (const shell of ["bin/sh", "bin/bash", "bin/dash", "usr/bin/sh", "usr/bin/bash", "usr/bin/dash"]) {
    if (existsSync(join(runtime, shell))) throw new Error(`the runtime base would carry ${shell}: a package in RUNTIME_PACKAGES brings a shell`);
  }
  // Scanners (Trivy, Grype) read a distroless image's packages from status.d, one file each.
  const status = readFileSync(join(debian, "var/lib/dpkg/status"), "utf8").split(/\n(?=Package: )/);
  mkdirSync(join(runtime, "var/lib/dpkg/status.d"), { recursive: true });
  for (const pkg of RUNTIME_PACKAGES) {
    const entry = status.find((e) => e.startsWith(`Package: ${pkg}\n`));
    if (!entry) throw new Error(`no dpkg status entry for ${pkg}`);
    writeFileSync(join(runtime, "var/lib/dpkg/status.d", pkg), entry.trimEnd() + "\n");
  }
  writeFileSync(join(runtime, "etc/passwd"), `root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:${RUNTIME_BASE_UID}:${RUNTIME_BASE_UID}:nonroot:/home/nonroot:/sbin/nologin\n`);
  writeFileSync(join(runtime, "etc/group"), `root:x:0:\nnobody:x:65534:\nnonroot:x:${RUNTIME_BASE_UID}:\n`);
  writeFileSync(join(runtime, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
  for (const [dir, mode, owner] of [["tmp", 0o1777, 0], ["root", 0o700, 0], ["home/nonroot", 0o700, RUNTIME_BASE_UID]] as const) {
    mkdirSync(join(runtime, dir), { recursive: true });
    chmodSync(join(runtime, dir), mode);
    check(["chown", `${owner}:${owner}`, join(runtime, dir)]);
  }
  mkdirSync(join(runtime, "nodejs/bin"), { recursive: true });
  check(["cp", "-a", join(node, "bin", "node"), join(runtime, "nodejs/bin/node")]);
  check(["cp", join(node, "LICENSE"), join(runtime, "nodejs/LICENSE")]);
  const runtimeCtx = join(work, "runtime-ctx");
  mkdirSync(runtimeCtx);
  check(["tar", "--numeric-owner", "-C", runtime, "-cf", join(runtimeCtx, "rootfs.tar"), "."]);

  // 4. The images: FROM scratch, the root file system, the config in the Containerfile.
  const labels = ["--label", `${LABEL}=${key}`, "--label", `org.eks-mesh-platform.node-version=${PINS.image}`, "--label", `org.eks-mesh-platform.debian-packages=${packages.split("\n").length}`];
  for (const [kind, ctx] of [["build", buildCtx], ["runtime", runtimeCtx]] as const) {
    check(podman("build", ...limits(), "--network", "none", "--pull=never", "--layers=false", "--build-arg", `NODE_VERSION=${PINS.image}`, ...labels, "--file", join(HERE, `${kind}.Containerfile`), "--tag", LOCAL_BASES[kind], ctx), { inherit: true });
  }
  writeFileSync(join(work, "debian-packages.txt"), packages + "\n");
  rmSync(debian, { recursive: true, force: true });
  rmSync(runtime, { recursive: true, force: true });
  rmSync(buildCtx, { recursive: true, force: true });
  rmSync(runtimeCtx, { recursive: true, force: true });
  say(`built ${LOCAL_BASES.build} and ${LOCAL_BASES.runtime} in ${((Date.now() - started) / 1000).toFixed(0)} s (Debian packages: ${join(work, "debian-packages.txt")})`);
  return LOCAL_BASES;
}

if (require.main === module) {
  try {
    buildLocalBases({ rebuild: process.argv.includes("--rebuild") });
  } catch (error) {
    process.stderr.write(`images:bases: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
