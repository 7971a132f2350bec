/**
 * `npm run images [-- --service NAME]... [--outputs-file FILE] [--engine docker|podman]
 *                    [--bases public|local|auto] [--digests-file FILE] [--dry-run]`
 *
 * Builds the image of each catalog service whose code is in apps/services/<name>/ and
 * pushes it to the ECR repository the workloads stack created, tagged as the catalog says,
 * then prints the digest each push wrote (and writes them to --digests-file).
 * Run it after the workloads stack is deployed (it reads that stack's outputs) and before
 * the pods can start; PLATFORM_ENV / PLATFORM_CONFIG select the environment as for synth.
 * Tags already in the registry are skipped: the ECR repositories are IMMUTABLE, so a new
 * version needs a new tag in the catalog. With docker (buildx) it needs the aws CLI for
 * ECR; with podman it needs no daemon. A registry on loopback (the image checks' local
 * registry) is pushed to over plain HTTP and needs no login. See apps/services/README.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { ResolvedService } from "../apps/catalog";
import { loadConfig, type PlatformConfig } from "../config/load";
import { ec2Scheduling } from "../config/schema/cross-checks";
import { serviceOutputs } from "../stacks/contracts/workloads";
import { runCli, type CliMain } from "./cli";
import { buildLocalBases, LOCAL_BASES } from "./images/bases";
import { hybridCgroups, isLoopbackRegistry, limits, podman, requireTools, run } from "./images/engine";
import { loadStackOutputs } from "./outputs";

const PROJECT_ROOT = join(__dirname, "..");

export interface ImageJob {
  readonly service: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<repo>` */
  readonly repositoryUrl: string;
  /** Repository name inside ECR (`<prefix>/<repo>`). */
  readonly repositoryName: string;
  readonly tag: string;
  readonly image: string;
  /** Relative to the repository root, which is the build context. */
  readonly dockerfile: string;
  /** `linux/amd64`, `linux/arm64`, or both for a service whose node groups mix them. */
  readonly platforms: readonly string[];
}

export interface ImagePlan {
  readonly region: string;
  readonly registry: string;
  readonly jobs: readonly ImageJob[];
}

/** A command as argv, with an optional command whose stdout feeds its stdin. */
export interface Command {
  readonly argv: readonly string[];
  readonly stdinFrom?: readonly string[];
  /** Exit 0 means "skip the job" (the tag is already in ECR). */
  readonly skipJobIfSucceeds?: boolean;
}

export const dockerfileOf = (service: string) => `apps/services/${service}/Dockerfile`;

/**
 * CPU architectures a service's pods run on: Fargate is x86_64 on EKS; an EC2 service runs
 * on the node groups its selector matches, whose AMI type says the architecture.
 */
export function platformsOf(service: ResolvedService, config: PlatformConfig): string[] {
  if (service.placement === "fargate") return ["linux/amd64"];
  const groups = ec2Scheduling(service, config.cluster.nodeGroups).nodeGroups;
  const arches = new Set(groups.map((g) => (/ARM_64/.test(config.cluster.nodeGroups[g].amiType) ? "linux/arm64" : "linux/amd64")));
  return [...arches].sort();
}

/** Which images to build and where they go, from the config and the workloads stack's outputs. */
export function planImages(config: PlatformConfig, outputs: Readonly<Record<string, unknown>>, only: readonly string[] = [], hasSource: (dockerfile: string) => boolean = (f) => existsSync(join(PROJECT_ROOT, f))): ImagePlan {
  const services = config.workloads.app.services;
  for (const name of only) {
    if (!services.some((s) => s.name === name)) throw new Error(`--service ${name}: no such service in the ${config.workloads.catalog} catalog; it has ${services.map((s) => s.name).join(", ")}`);
  }
  const jobs: ImageJob[] = [];
  for (const s of services) {
    if (only.length && !only.includes(s.name)) continue;
    if (!("ecr" in s.image)) continue;
    const dockerfile = dockerfileOf(s.name);
    if (!hasSource(dockerfile)) {
      if (only.includes(s.name)) throw new Error(`--service ${s.name}: there is no ${dockerfile}; only services with code in apps/services/ are built here`);
      continue;
    }
    const outputName = serviceOutputs(s.name).repositoryUrl.name;
    const url = outputs[outputName];
    if (typeof url !== "string" || !url) {
      throw new Error(`the workloads stack has no output ${outputName}: deploy the workloads stack first (it creates the ECR repositories), then run npm run images`);
    }
    const ecr = s.image.ecr;
    // Every tag of this service's repository the catalog names (a canary version may name another).
    const tags = [...new Set([s.image, ...s.versions.map((v) => v.image)].flatMap((i) => ("ecr" in i && i.ecr === ecr ? [i.tag] : [])))];
    for (const tag of tags) {
      jobs.push({ service: s.name, repositoryUrl: url, repositoryName: url.slice(url.indexOf("/") + 1), tag, image: `${url}:${tag}`, dockerfile, platforms: platformsOf(s, config) });
    }
  }
  if (!jobs.length) throw new Error(`nothing to build: no service${only.length ? ` among ${only.join(", ")}` : ""} of the ${config.workloads.catalog} catalog has an ECR image and code in apps/services/`);
  const registry = jobs[0].repositoryUrl.split("/")[0];
  return { region: config.platform.region, registry, jobs };
}

export type Engine = "docker" | "podman";
/**
 * public: the pinned public digests the Dockerfiles default to; local: the bases
 * `npm run images:bases` makes here from Debian's packages (podman only); auto: public
 * when every one can be pulled, else local.
 */
export type BaseSource = "public" | "local" | "auto";

/** Which engine builds and pushes, and on which bases. */
export interface BuildOptions {
  /** docker (buildx, any platform) or podman (this machine's architecture; no daemon). @default "docker" */
  readonly engine?: Engine;
  /** Build arguments that replace the Dockerfiles' base defaults (from resolveBases). */
  readonly baseArgs?: Readonly<Record<string, string>>;
  /** Where each push writes the digest it pushed (a folder; one file per job). */
  readonly digestDir?: string;
  /**
   * The CA bundle npm on this machine trusts (`npm config get cafile`), for a network that
   * inspects TLS: the build stage's npm ci then trusts it too (podman only; see npmCaMounts).
   */
  readonly npmCa?: { readonly bundle: string; readonly npmrc: string };
}

/**
 * Mounts for podman build's RUN steps only (nothing of them is in any layer): the machine's
 * CA bundle, and a global npmrc (npm's globalconfig under the /usr/local prefix, where the
 * official and the local build bases keep npm) that points npm at it.
 */
export const npmCaMounts = (ca: { readonly bundle: string; readonly npmrc: string }) => ["--volume", `${ca.bundle}:/run/eks-mesh-platform/npm-ca.pem:ro`, "--volume", `${ca.npmrc}:/usr/local/etc/npmrc:ro`];

/** This machine's npm CA bundle as mounts for the build stage, if npm is configured with one. */
export function machineNpmCa(dir: string, env: NodeJS.ProcessEnv = process.env): BuildOptions["npmCa"] {
  const r = spawnSync("npm", ["config", "get", "cafile"], { encoding: "utf8" });
  const configured = r.status === 0 ? r.stdout.trim() : "";
  // An npm from a Node.js release package (as CI puts first on the PATH) has no global npmrc;
  // it trusts the machine's CA through NODE_EXTRA_CA_CERTS, which a container does not inherit.
  const bundle = [configured, env.NODE_EXTRA_CA_CERTS ?? ""].find((b) => b && b !== "null" && b !== "undefined" && existsSync(b));
  if (!bundle) return undefined;
  const npmrc = join(dir, "npmrc");
  writeFileSync(npmrc, "cafile=/run/eks-mesh-platform/npm-ca.pem\n");
  return { bundle, npmrc };
}

export const isEcrRegistry = (registry: string) => /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(registry);

/** The file a job's pushed digest goes to. */
export const digestFileOf = (dir: string, job: ImageJob) => join(dir, `${job.service}-${job.tag}.digest`);

/**
 * The commands that carry out a plan, in order: log in once (ECR), then per image
 * skip-if-present, build and push. Each push records the digest it pushed.
 */
export function commandsFor(plan: ImagePlan, options: BuildOptions = {}): { login?: Command; jobs: { job: ImageJob; commands: Command[] }[] } {
  const engine = options.engine ?? "docker";
  const ecr = isEcrRegistry(plan.registry);
  // The test's registry on loopback speaks plain HTTP; every other registry is TLS-verified.
  const plainHttp = isLoopbackRegistry(plan.registry);
  const buildArgs = Object.entries(options.baseArgs ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const digestDir = options.digestDir ?? "<digest-dir>";
  return {
    login: ecr ? { argv: [engine, "login", "--username", "AWS", "--password-stdin", plan.registry], stdinFrom: ["aws", "ecr", "get-login-password", "--region", plan.region] } : undefined,
    jobs: plan.jobs.map((job) => {
      const exists: Command = ecr
        ? { argv: ["aws", "ecr", "describe-images", "--region", plan.region, "--repository-name", job.repositoryName, "--image-ids", `imageTag=${job.tag}`], skipJobIfSucceeds: true }
        : { argv: ["skopeo", "inspect", ...(plainHttp ? ["--tls-verify=false"] : []), "--no-tags", `docker://${job.image}`], skipJobIfSucceeds: true };
      const label = ["--label", `org.opencontainers.image.version=${job.tag}`];
      if (engine === "docker") {
        return {
          job,
          commands: [
            exists,
            {
              argv: [
                "docker", "buildx", "build",
                "--platform", job.platforms.join(","),
                "--file", job.dockerfile,
                "--tag", job.image,
                ...label,
                ...buildArgs,
                "--metadata-file", digestFileOf(digestDir, job) + ".json",
                "--push",
                ".",
              ],
            },
          ],
        };
      }
      if (job.platforms.join(",") !== HOST_PLATFORM) {
        throw new Error(`${job.service} runs on ${job.platforms.join(" and ")}: podman builds only for this machine (${HOST_PLATFORM}); use --engine docker (buildx) for other architectures`);
      }
      return {
        job,
        commands: [
          exists,
          // Docker's image format: OCI images have no HEALTHCHECK, and the Dockerfiles' is kept.
          // Host network: RUN npm ci reaches the npm registry without a container network.
          [...podman("build", ...limits(), "--format", "docker", "--network", "host", "--pull=missing", ...(options.npmCa ? npmCaMounts(options.npmCa) : []), "--platform", HOST_PLATFORM, "--file", job.dockerfile, "--tag", job.image, ...label, ...buildArgs, ".")],
          [...podman("push", ...(plainHttp ? ["--tls-verify=false"] : []), "--digestfile", digestFileOf(digestDir, job), job.image)],
        ].map((c) => (Array.isArray(c) ? { argv: c } : c)),
      };
    }),
  };
}

const HOST_PLATFORM = `linux/${process.arch === "x64" ? "amd64" : process.arch}`;

/** The digest a job's push recorded (podman's --digestfile, or buildx's metadata file). */
export function pushedDigest(dir: string, job: ImageJob): string {
  const plain = digestFileOf(dir, job);
  const text = existsSync(plain) ? readFileSync(plain, "utf8").trim() : String(JSON.parse(readFileSync(plain + ".json", "utf8"))["containerimage.digest"] ?? "");
  if (!/^sha256:[a-f0-9]{64}$/.test(text)) throw new Error(`the push of ${job.image} recorded no digest (${JSON.stringify(text)})`);
  return text;
}

/** The base-image build arguments of a Dockerfile and their defaults (the pinned public digests). */
export function baseArgsOf(dockerfileText: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const m of dockerfileText.matchAll(/^ARG (\w+_BASE)=(\S+)$/gm)) args[m[1]] = m[2];
  return args;
}

/** The build arguments that put the local bases in place of the public ones. */
export const LOCAL_BASE_ARGS = { BUILD_BASE: LOCAL_BASES.build, RUNTIME_BASE: LOCAL_BASES.runtime } as const;

/**
 * Where the bases come from for this run: for auto, the public digests when podman can pull
 * them (a registry may be out of reach, as on this project's VMs), else the local ones.
 */
export function resolveBases(source: BaseSource, engine: Engine, dockerfiles: readonly string[], say: (text: string) => void): Record<string, string> {
  if (source === "public") return {};
  if (engine !== "podman") throw new Error(`--bases ${source} needs --engine podman: the local bases live in podman's store (npm run images:bases)`);
  if (source === "auto") {
    const publicBases = [...new Set(dockerfiles.flatMap((f) => Object.values(baseArgsOf(readFileSync(join(PROJECT_ROOT, f), "utf8")))))];
    const failed = publicBases.map((ref) => [ref, run(podman("pull", "--quiet", ref))] as const).filter(([, r]) => r.status !== 0);
    if (!failed.length) {
      say(`bases: the public digests (${publicBases.join(", ")})`);
      return {};
    }
    say(`bases: local (ops/images/bases.ts), because ${failed.map(([ref, r]) => `${ref} cannot be pulled: ${r.stderr.trim().split("\n").at(-1)}`).join("; ")}`);
  }
  buildLocalBases();
  return { ...LOCAL_BASE_ARGS };
}

/** Outputs from `terraform output -json` ({name: {value}}), `cdktf output --outputs-file` ({stack: {name: value}}) or a flat map. */
export function normalizeOutputs(json: unknown): Record<string, unknown> {
  if (!json || typeof json !== "object") throw new Error("the outputs file is not a JSON object");
  const obj = json as Record<string, unknown>;
  if (obj.workloads && typeof obj.workloads === "object") return normalizeOutputs(obj.workloads);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, v && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v]));
}

function readOutputs(config: PlatformConfig, outputsFile: string | undefined): Record<string, unknown> {
  if (outputsFile) return normalizeOutputs(JSON.parse(readFileSync(outputsFile, "utf8")));
  if (config.state.backend !== "local") {
    throw new Error("state is in S3: pass the workloads outputs with --outputs-file FILE (npx cdktf output workloads --outputs-file FILE)");
  }
  const result = loadStackOutputs(join(PROJECT_ROOT, config.state.directory), config.platform.environment, "workloads");
  if (!result.deployed) throw new Error(`no workloads state at ${relative(PROJECT_ROOT, result.statePath)}: deploy the workloads stack first (it creates the ECR repositories), then run npm run images`);
  return Object.fromEntries(result.outputs.map((o) => [o.name, o.value]));
}

const quote = (argv: readonly string[]) => argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");

const USAGE = "usage: npm run images -- [--service NAME]... [--outputs-file FILE] [--engine docker|podman] [--bases public|local|auto] [--digests-file FILE] [--dry-run]";

/** What `--digests-file` holds: one entry per image, with the reference that pins it. */
export interface PushedImage {
  readonly service: string;
  readonly tag: string;
  /** `<repositoryUrl>:<tag>`, what the workloads stack deploys. */
  readonly image: string;
  readonly digest: string;
  /** `<repositoryUrl>@<digest>`. */
  readonly pinned: string;
  readonly pushed: boolean;
}

/** The digest in `aws ecr describe-images` or `skopeo inspect` output, if any. */
const digestIn = (json: string): string | undefined => {
  try {
    const o = JSON.parse(json) as { Digest?: string; imageDetails?: { imageDigest?: string }[] };
    return o.Digest ?? o.imageDetails?.[0]?.imageDigest;
  } catch {
    return undefined;
  }
};

export const main: CliMain = (argv, out, err) => {
  const only: string[] = [];
  let outputsFile: string | undefined;
  let digestsFile: string | undefined;
  let engine: Engine = "docker";
  let bases: BaseSource = "public";
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--dry-run") dryRun = true;
    else if (flag === "--service" && argv[i + 1]) only.push(argv[++i]);
    else if (flag === "--outputs-file" && argv[i + 1]) outputsFile = argv[++i];
    else if (flag === "--digests-file" && argv[i + 1]) digestsFile = argv[++i];
    else if (flag === "--engine" && (argv[i + 1] === "docker" || argv[i + 1] === "podman")) engine = argv[++i] as Engine;
    else if (flag === "--bases" && ["public", "local", "auto"].includes(argv[i + 1])) bases = argv[++i] as BaseSource;
    else {
      err(`unknown or incomplete flag ${flag}${flag === "--engine" ? " (docker or podman)" : flag === "--bases" ? " (public, local or auto)" : ""}\n${USAGE}\n`);
      return 64;
    }
  }
  let plan: ImagePlan;
  let planned: ReturnType<typeof commandsFor>;
  // A dry run prints where the digests would go rather than making a folder for them.
  const digestDir = dryRun ? "<digest-dir>" : mkdtempSync(join(tmpdir(), "eks-mesh-digests-"));
  try {
    const { config } = loadConfig();
    plan = planImages(config, readOutputs(config, outputsFile), only);
    if (bases !== "public" && engine !== "podman") throw new Error(`--bases ${bases} needs --engine podman: the local bases live in podman's store (npm run images:bases)`);
    if (engine === "podman" && !dryRun) requireTools(["podman", "skopeo", ...(hybridCgroups() ? (["runc"] as const) : [])]);
    // The bases are settled only once an image has to be built (below): a run that finds
    // every tag in the registry pulls and builds nothing.
    planned = commandsFor(plan, { engine, baseArgs: dryRun && bases !== "public" ? { ...LOCAL_BASE_ARGS } : {}, digestDir });
  } catch (error) {
    err(`images: ${(error as Error).message}\n`);
    return 1;
  }
  let building: ReturnType<typeof commandsFor> | undefined;
  const buildCommands = (index: number): Command[] => {
    if (!building) {
      const baseArgs = resolveBases(bases, engine, [...new Set(plan.jobs.map((j) => j.dockerfile))], (t) => err(`images: ${t}\n`));
      const npmCa = engine === "podman" ? machineNpmCa(digestDir) : undefined;
      if (npmCa) err(`images: the build stage's npm trusts this machine's CA bundle ${npmCa.bundle} (npm's cafile, else NODE_EXTRA_CA_CERTS), mounted while RUN runs only\n`);
      building = commandsFor(plan, { engine, baseArgs, digestDir, npmCa });
    }
    return building.jobs[index].commands.slice(1);
  };
  const { login, jobs } = planned;
  if (dryRun) {
    if (login) out(`${quote(login.stdinFrom!)} | ${quote(login.argv)}\n`);
    for (const { commands } of jobs) for (const c of commands) out(`${c.skipJobIfSucceeds ? "# skipped if this succeeds: " : ""}${quote(c.argv)}\n`);
    return 0;
  }
  const exec = (c: Command, capture = false): { status: number; stdout: string } => {
    let input: Buffer | undefined;
    if (c.stdinFrom) {
      const from = spawnSync(c.stdinFrom[0], c.stdinFrom.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
      if (from.status !== 0) return { status: from.status ?? 1, stdout: "" };
      input = from.stdout;
    }
    const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: PROJECT_ROOT, input, encoding: "buffer", maxBuffer: 64 * 1024 * 1024, stdio: [input ? "pipe" : "ignore", capture ? "pipe" : "inherit", capture ? "ignore" : "inherit"] });
    if (r.error) err(`images: cannot run ${c.argv[0]}: ${r.error.message}\n`);
    return { status: r.status ?? 1, stdout: r.stdout ? r.stdout.toString("utf8") : "" };
  };
  if (login && exec(login).status !== 0) {
    err(`images: ${engine} login to ${plan.registry} failed (are the aws CLI's credentials for this account?)\n`);
    return 1;
  }
  const results: PushedImage[] = [];
  const where = isEcrRegistry(plan.registry) ? "ECR" : plan.registry;
  for (const [index, { job, commands }] of jobs.entries()) {
    const found = exec(commands[0], true);
    if (found.status === 0) {
      const digest = digestIn(found.stdout) ?? "";
      out(`${job.image}${digest ? `@${digest}` : ""}: already in ${where}, skipped (tags are immutable: change the tag in the catalog to ship a new version)\n`);
      results.push({ service: job.service, tag: job.tag, image: job.image, digest, pinned: `${job.repositoryUrl}@${digest}`, pushed: false });
      continue;
    }
    let rest: Command[];
    try {
      rest = buildCommands(index);
    } catch (error) {
      err(`images: ${(error as Error).message}\n`);
      return 1;
    }
    for (const c of rest) {
      if (exec(c).status !== 0) {
        err(`images: ${quote(c.argv)} failed\n`);
        return 1;
      }
    }
    const digest = pushedDigest(digestDir, job);
    out(`${job.image}@${digest}: pushed\n`);
    results.push({ service: job.service, tag: job.tag, image: job.image, digest, pinned: `${job.repositoryUrl}@${digest}`, pushed: true });
  }
  if (digestsFile) writeFileSync(digestsFile, JSON.stringify(results, null, 2) + "\n");
  return 0;
};

if (require.main === module) runCli(main);
