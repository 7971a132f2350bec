/**
 * The container tools the image build and checks use (podman, skopeo, mmdebstrap, Debian's
 * docker-registry), each as argv with the settings this project needs on every machine:
 *
 * - its own image store under ~/.cache/eks-mesh-platform/containers (never the machine's
 *   /var/lib/containers), so the checks neither see nor remove anybody else's images;
 * - runc instead of crun where the cgroup hierarchy is "hybrid" (cgroup v1 controllers with
 *   a cgroup2 mount beside them, as on this project's VMs): crun 1.8 (Debian 12) refuses to
 *   start any container there ("cgroups in hybrid mode not supported");
 * - explicit resource limits: podman's defaults (nofile 1048576) are above the hard limits
 *   a root without CAP_SYS_RESOURCE has there, and the runtime then fails with
 *   "setrlimit RLIMIT_NOFILE: Operation not permitted". A service needs few of either.
 *
 * See apps/services/README.md ("Where the images are checked").
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "eks-mesh-platform");
const STORE = join(CACHE, "containers", "storage");
// Run-time state belongs on a tmpfs (it must not survive a reboot); /run is one, for root.
// One per store (another XDG_CACHE_HOME is another store): the two must never be mixed.
const RUNROOT = process.getuid?.() === 0 ? `/run/eks-mesh-platform/containers-${createHash("sha256").update(STORE).digest("hex").slice(0, 8)}` : join(CACHE, "containers", "run");

/** Debian package that provides each tool, for the message when one is missing. */
export const TOOLS = {
  podman: "podman",
  runc: "runc",
  skopeo: "skopeo",
  mmdebstrap: "mmdebstrap",
  "docker-registry": "docker-registry",
} as const;
export type Tool = keyof typeof TOOLS;

const which = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();

/** Fails loudly, naming the install command, when a tool is missing: the checks never skip. */
export function requireTools(tools: readonly Tool[]): void {
  const missing = tools.filter((t) => !which(t));
  if (missing.length) {
    throw new Error(`${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing: apt-get install ${missing.map((t) => TOOLS[t]).join(" ")} (bash ops/images/setup.sh installs every tool the image checks need)`);
  }
}

/** True where cgroup v1 controllers and a cgroup2 hierarchy are mounted side by side. */
export function hybridCgroups(mounts = existsSync("/proc/self/mounts") ? readFileSync("/proc/self/mounts", "utf8") : ""): boolean {
  const types = mounts.split("\n").map((l) => l.split(" ")[2]);
  return types.includes("cgroup") && types.includes("cgroup2");
}

/** The hard limit on open files this process has (what the container may be given at most). */
function hardNofile(): number {
  const line = existsSync("/proc/self/limits") ? readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files")) : undefined;
  const hard = Number(line?.trim().split(/\s+/)[4]);
  return Number.isFinite(hard) && hard > 0 ? Math.min(hard, 65536) : 1024;
}

/** Global flags of every podman call. */
export function podmanGlobals(): string[] {
  mkdirSync(STORE, { recursive: true });
  mkdirSync(RUNROOT, { recursive: true });
  return [
    "--root", STORE,
    "--runroot", RUNROOT,
    "--tmpdir", join(RUNROOT, "libpod"),
    "--cgroup-manager", "cgroupfs",
    "--events-backend", "file",
    ...(hybridCgroups() ? ["--runtime", "runc"] : []),
  ];
}

/** Limits for `podman run`/`create`/`build`, within what this machine allows. */
export function limits(): string[] {
  const nofile = hardNofile();
  return ["--ulimit", `nofile=${nofile}:${nofile}`, "--ulimit", "nproc=4096:4096"];
}

export const podman = (...args: string[]) => ["podman", ...podmanGlobals(), ...args];

/** skopeo reads the same store through containers-storage: references. */
export const storageRef = (image: string) => `containers-storage:[overlay@${STORE}+${RUNROOT}]${image}`;

/** Registries on this machine's loopback speak plain HTTP (the test's docker-registry). */
export const isLoopbackRegistry = (registry: string) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(registry);

export interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv; stdout and stderr captured (or shown with `inherit`). */
export function run(argv: readonly string[], options: SpawnSyncOptions & { inherit?: boolean } = {}): Result {
  const { inherit, ...rest } = options;
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: inherit ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"], ...rest });
  if (r.error) throw new Error(`cannot run ${argv[0]}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
}

/** Runs argv and returns its stdout; throws with its stderr when it fails. */
export function check(argv: readonly string[], options: SpawnSyncOptions & { inherit?: boolean } = {}): string {
  const r = run(argv, options);
  // Named without podman's global flags, which say nothing about what failed.
  const globals = argv[0] === "podman" ? podmanGlobals().length : 0;
  const shown = [argv[0], ...argv.slice(1 + globals, 4 + globals)].join(" ");
  if (r.status !== 0) throw new Error(`${shown} … failed (exit ${r.status}): ${r.stderr.trim().split("\n").slice(-5).join(" / ")}`);
  return r.stdout;
}
