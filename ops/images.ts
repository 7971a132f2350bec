/**
 * `npm run images [-- --service NAME]... [--outputs-file FILE] [--dry-run]`
 *
 * Builds the image of each catalog service whose code is in apps/services/<name>/ and
 * pushes it to the ECR repository the workloads stack created, tagged as the catalog says.
 * Run it after the workloads stack is deployed (it reads that stack's outputs) and before
 * the pods can start; PLATFORM_ENV / PLATFORM_CONFIG select the environment as for synth.
 * Tags already in ECR are skipped: the repositories are IMMUTABLE, so a new version needs
 * a new tag in the catalog. Needs docker (with buildx) and the aws CLI; nothing else here does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { ResolvedService } from "../apps/catalog";
import { loadConfig, type PlatformConfig } from "../config/load";
import { ec2Scheduling } from "../config/schema/cross-checks";
import { serviceOutputs } from "../stacks/contracts/workloads";
import { runCli, type CliMain } from "./cli";
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
    const tags = [...new Set([s.image, ...s.versions.map((v) => v.image ?? s.image)].flatMap((i) => ("ecr" in i && i.ecr === ecr ? [i.tag] : [])))];
    for (const tag of tags) {
      jobs.push({ service: s.name, repositoryUrl: url, repositoryName: url.slice(url.indexOf("/") + 1), tag, image: `${url}:${tag}`, dockerfile, platforms: platformsOf(s, config) });
    }
  }
  if (!jobs.length) throw new Error(`nothing to build: no service${only.length ? ` among ${only.join(", ")}` : ""} of the ${config.workloads.catalog} catalog has an ECR image and code in apps/services/`);
  const registry = jobs[0].repositoryUrl.split("/")[0];
  return { region: config.platform.region, registry, jobs };
}

/** The commands that carry out a plan, in order: log in once, then per image skip-if-present, build and push. */
export function commandsFor(plan: ImagePlan): { login: Command; jobs: { job: ImageJob; commands: Command[] }[] } {
  return {
    login: { argv: ["docker", "login", "--username", "AWS", "--password-stdin", plan.registry], stdinFrom: ["aws", "ecr", "get-login-password", "--region", plan.region] },
    jobs: plan.jobs.map((job) => ({
      job,
      commands: [
        { argv: ["aws", "ecr", "describe-images", "--region", plan.region, "--repository-name", job.repositoryName, "--image-ids", `imageTag=${job.tag}`], skipJobIfSucceeds: true },
        {
          argv: [
            "docker", "buildx", "build",
            "--platform", job.platforms.join(","),
            "--file", job.dockerfile,
            "--tag", job.image,
            "--label", `org.opencontainers.image.version=${job.tag}`,
            "--push",
            ".",
          ],
        },
      ],
    })),
  };
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

export const main: CliMain = (argv, out, err) => {
  const only: string[] = [];
  let outputsFile: string | undefined;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--dry-run") dryRun = true;
    else if (flag === "--service" && argv[i + 1]) only.push(argv[++i]);
    else if (flag === "--outputs-file" && argv[i + 1]) outputsFile = argv[++i];
    else {
      err(`unknown or incomplete flag ${flag}\nusage: npm run images -- [--service NAME]... [--outputs-file FILE] [--dry-run]\n`);
      return 64;
    }
  }
  let plan: ImagePlan;
  try {
    const { config } = loadConfig();
    plan = planImages(config, readOutputs(config, outputsFile), only);
  } catch (error) {
    err(`images: ${(error as Error).message}\n`);
    return 1;
  }
  const { login, jobs } = commandsFor(plan);
  if (dryRun) {
    out(`${quote(login.stdinFrom!)} | ${quote(login.argv)}\n`);
    for (const { commands } of jobs) for (const c of commands) out(`${c.skipJobIfSucceeds ? "# skipped if this succeeds: " : ""}${quote(c.argv)}\n`);
    return 0;
  }
  const run = (c: Command, quiet = false): number => {
    let input: Buffer | undefined;
    if (c.stdinFrom) {
      const from = spawnSync(c.stdinFrom[0], c.stdinFrom.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
      if (from.status !== 0) return from.status ?? 1;
      input = from.stdout;
    }
    const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: PROJECT_ROOT, input, stdio: [input ? "pipe" : "ignore", quiet ? "ignore" : "inherit", quiet ? "ignore" : "inherit"] });
    if (r.error) err(`images: cannot run ${c.argv[0]}: ${r.error.message}\n`);
    return r.status ?? 1;
  };
  if (run(login) !== 0) {
    err(`images: docker login to ${plan.registry} failed (are the aws CLI's credentials for this account?)\n`);
    return 1;
  }
  for (const { job, commands } of jobs) {
    const [exists, ...rest] = commands;
    if (run(exists, true) === 0) {
      out(`${job.image}: already in ECR, skipped (tags are immutable: change the tag in the catalog to ship a new version)\n`);
      continue;
    }
    for (const c of rest) {
      if (run(c) !== 0) {
        err(`images: ${quote(c.argv)} failed\n`);
        return 1;
      }
    }
    out(`${job.image}: pushed\n`);
  }
  return 0;
};

if (require.main === module) runCli(main);
