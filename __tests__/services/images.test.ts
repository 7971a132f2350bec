import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE, ESBUILD_FLAGS } from "../../apps/services/bundle";
import { SERVICE_NAMES } from "../../apps/services/contract";
import { parseConfig } from "../../config/load";
import { baseArgsOf, commandsFor, LOCAL_BASE_ARGS, main, normalizeOutputs, planImages } from "../../ops/images";
import { LOCAL_BASES, PINS } from "../../ops/images/bases";
import { testEnv } from "../support/services";
import { withDev } from "../support/synth";

const ROOT = path.join(__dirname, "..", "..");
const dockerfile = (svc: string) => fs.readFileSync(path.join(ROOT, "apps", "services", svc, "Dockerfile"), "utf8");
const instructions = (text: string) => text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));

describe.each(SERVICE_NAMES)("%s image", (svc) => {
  const lines = instructions(dockerfile(svc));
  const froms = lines.filter((l) => l.startsWith("FROM "));
  const final = lines.slice(lines.lastIndexOf(froms.at(-1)!));
  const service = parseConfig(withDev()).workloads.app.services.find((s) => s.name === svc)!;

  it("builds on Node.js 24 and runs on distroless Node.js 24, each base an ARG defaulting to a pinned digest", () => {
    expect(froms).toEqual(["FROM ${BUILD_BASE} AS build", "FROM ${RUNTIME_BASE}"]);
    const bases = baseArgsOf(dockerfile(svc));
    expect(Object.keys(bases)).toEqual(["BUILD_BASE", "RUNTIME_BASE"]);
    // Fully qualified (podman resolves no short names without asking), pinned by digest.
    expect(bases.BUILD_BASE).toMatch(/^docker\.io\/library\/node:24-trixie-slim@sha256:[a-f0-9]{64}$/);
    expect(bases.RUNTIME_BASE).toMatch(/^gcr\.io\/distroless\/nodejs24-debian13@sha256:[a-f0-9]{64}$/);
    // The ARGs come before the first FROM, so both stages can use them.
    expect(lines.indexOf(lines.find((l) => l.startsWith("ARG RUNTIME_BASE="))!)).toBeLessThan(lines.indexOf(froms[0]));
    // Nothing runs in the final stage: it has no shell to run it with.
    expect(final.filter((l) => l.startsWith("RUN "))).toEqual([]);
    // Checkov's no-latest check reads FROM ${...} as untagged; this test stands in for it.
    expect(dockerfile(svc)).toContain("\n# checkov:skip=CKV_DOCKER_7:each base is an ARG whose default is pinned by digest\n");
  });

  it("bundles for the Node.js its runtime base carries, and points readers at apps/services/README.md", () => {
    expect(ESBUILD_FLAGS).toContain("--target=node24");
    expect(dockerfile(svc)).toContain("apps/services/README.md");
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "apps", "services", svc, "package.json"), "utf8")).description).toContain("apps/services/README.md");
    expect(fs.existsSync(path.join(ROOT, "apps", "services", "README.md"))).toBe(true);
  });

  it("runs as the catalog's non-root user, on the catalog's port, from the bundle", () => {
    expect(final).toContain(`USER ${service.runAsUser}:${service.runAsUser}`);
    expect(service.runAsUser).toBeGreaterThan(0);
    expect(final).toContain(`EXPOSE ${service.port}`);
    expect(final).toContain(`CMD ["${BUNDLE}"]`);
  });

  it("installs only its own workspace and bundles with the shared esbuild flags", () => {
    expect(lines).toContain(`RUN npm ci --workspace @eks-mesh-platform/${svc} --ignore-scripts --no-audit --no-fund`);
    expect(lines).toContain(`RUN node_modules/.bin/esbuild apps/services/${svc}/src/main.ts ${ESBUILD_FLAGS.join(" ")} --outfile=/out/${BUNDLE}`);
  });
});

/** Every package a workspace may resolve in its image's build stage: its dependencies and theirs, from the lock file. */
function dependencyClosure(svc: string): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dependencies?: Record<string, string> }> };
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "apps", "services", svc, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {}).forEach(visit);
  };
  Object.keys(manifest.dependencies ?? {}).forEach(visit);
  return seen;
}

describe("each service's bundle (what its image runs)", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-bundles-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it.each(SERVICE_NAMES)("%s: bundles from its declared dependencies, starts, answers its health path and stops cleanly on SIGTERM", async (svc) => {
    const out = path.join(work, svc);
    const meta = path.join(work, `${svc}.meta.json`);
    const esbuild = spawnSync(path.join(ROOT, "node_modules", ".bin", "esbuild"), [path.join("apps", "services", svc, "src", "main.ts"), ...ESBUILD_FLAGS, `--outfile=${path.join(out, BUNDLE)}`, `--metafile=${meta}`, "--log-level=error"], { cwd: ROOT, encoding: "utf8" });
    expect(esbuild.stderr).toBe("");
    expect(esbuild.status).toBe(0);
    const inputs = Object.keys(JSON.parse(fs.readFileSync(meta, "utf8")).inputs);
    // Only what the Dockerfile copies into the build stage: the contract, the kit and the service's src/.
    expect(inputs.filter((p) => !p.includes("node_modules/") && !(p === "apps/services/contract.ts" || p.startsWith("apps/services/kit/") || p.startsWith(`apps/services/${svc}/src/`)))).toEqual([]);
    const packages = new Set(Object.keys(JSON.parse(fs.readFileSync(meta, "utf8")).inputs).flatMap((p) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(p.split("node_modules/").length > 1 ? `node_modules/${p.split("node_modules/").at(-1)}` : "")?.[1] ?? []));
    const allowed = dependencyClosure(svc);
    expect([...packages].filter((p) => !allowed.has(p))).toEqual([]);
    // The check saw the bundled packages (the AWS SDK, jose), not nothing.
    if (svc !== "frontend") expect(packages.has("@aws-sdk/client-dynamodb")).toBe(true);
    if (svc === "frontend") fs.cpSync(path.join(ROOT, "apps", "services", "frontend", "public"), path.join(out, "public"), { recursive: true });

    const env: Record<string, string> = { ...testEnv(svc, undefined), ...(svc === "frontend" ? { LOGIN_API_URL: "http://127.0.0.1:9", REGISTRATION_API_URL: "http://127.0.0.1:9", CHAT_API_URL: "http://127.0.0.1:9" } : {}) };
    for (const t of ["DYNAMODB_TABLE_USERS", "DYNAMODB_TABLE_MESSAGES"]) env[t] = "unused-by-the-health-path";
    // Only the bundle's folder, like the image: nothing from the repository's node_modules.
    const child = spawn(process.execPath, [BUNDLE], { cwd: out, env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${svc} did not log "listening": ${stdout}`)), 15_000);
        child.stdout.on("data", () => {
          const line = stdout.split("\n").find((l) => l.includes('"listening"'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line).port);
          }
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const logged = stdout.trim().split("\n").map((l) => JSON.parse(l));
      expect(logged.map((l) => l.msg)).toEqual(["listening", "stopping", "stopped"]);
      expect(logged[1]).toMatchObject({ service: svc, level: "info", signal: "SIGTERM" });
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});

describe("npm run images: the plan (no Docker needed)", () => {
  const config = parseConfig(withDev());
  const registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  const outputs = Object.fromEntries(SERVICE_NAMES.map((s) => [`service_${s.replace(/-/g, "_")}_repository_url`, `${registry}/eksmesh-dev/${s}`]));

  it("builds every service with code, into its workloads-stack repository, with the catalog's tag and its nodes' architecture", () => {
    const plan = planImages(config, outputs);
    expect(plan.registry).toBe(registry);
    expect(plan.jobs.map((j) => [j.service, j.image, j.repositoryName, j.dockerfile, j.platforms])).toEqual([
      ["frontend", `${registry}/eksmesh-dev/frontend:1.0.0`, "eksmesh-dev/frontend", "apps/services/frontend/Dockerfile", ["linux/amd64"]],
      ["service-user", `${registry}/eksmesh-dev/service-user:1.0.0`, "eksmesh-dev/service-user", "apps/services/service-user/Dockerfile", ["linux/amd64"]],
      ["service-registro", `${registry}/eksmesh-dev/service-registro:1.0.0`, "eksmesh-dev/service-registro", "apps/services/service-registro/Dockerfile", ["linux/amd64"]],
      ["service-chat", `${registry}/eksmesh-dev/service-chat:1.0.0`, "eksmesh-dev/service-chat", "apps/services/service-chat/Dockerfile", ["linux/amd64"]],
    ]);
  });

  it("builds for arm64 when the frontend's node group is Graviton, and each tag a canary names", () => {
    const arm = parseConfig(withDev({ cluster: { nodeGroups: { general: { amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["t4g.medium"] } } } }));
    expect(planImages(arm, outputs, ["frontend"]).jobs[0].platforms).toEqual(["linux/arm64"]);
    const chatCanary = { name: "v2", weight: 10, image: { ecr: "service-chat", tag: "1.1.0" } };
    const services = config.workloads.app.services.map((s) => (s.name === "service-chat" ? { ...s, versions: [{ name: "v1", weight: 90, image: s.image }, chatCanary] } : s));
    const canary = { ...config, workloads: { ...config.workloads, app: { ...config.workloads.app, services } } };
    expect(planImages(canary, outputs, ["service-chat"]).jobs.map((j) => j.tag)).toEqual(["1.0.0", "1.1.0"]);
  });

  it("says to deploy the workloads stack first when its outputs are missing, and refuses unknown services", () => {
    expect(() => planImages(config, {})).toThrow("the workloads stack has no output service_frontend_repository_url: deploy the workloads stack first (it creates the ECR repositories), then run npm run images");
    expect(() => planImages(config, outputs, ["service-nope"])).toThrow("--service service-nope: no such service in the reference catalog; it has frontend, service-user, service-registro, service-chat");
  });

  it("logs in once, skips a tag already in ECR, then builds and pushes", () => {
    const { login, jobs } = commandsFor(planImages(config, outputs, ["service-chat"]));
    expect(login).toEqual({ argv: ["docker", "login", "--username", "AWS", "--password-stdin", registry], stdinFrom: ["aws", "ecr", "get-login-password", "--region", "us-east-1"] });
    expect(jobs[0].commands).toEqual([
      { argv: ["aws", "ecr", "describe-images", "--region", "us-east-1", "--repository-name", "eksmesh-dev/service-chat", "--image-ids", "imageTag=1.0.0"], skipJobIfSucceeds: true },
      { argv: ["docker", "buildx", "build", "--platform", "linux/amd64", "--file", "apps/services/service-chat/Dockerfile", "--tag", `${registry}/eksmesh-dev/service-chat:1.0.0`, "--label", "org.opencontainers.image.version=1.0.0", "--metadata-file", "<digest-dir>/service-chat-1.0.0.digest.json", "--push", "."] },
    ]);
  });

  it("with podman: builds in Docker's format (which keeps HEALTHCHECK) on the local bases, pushes and records the digest; a loopback registry over plain HTTP, without login", () => {
    const local = { ...outputs, service_service_chat_repository_url: "127.0.0.1:5000/eksmesh-dev/service-chat" };
    const { login, jobs } = commandsFor(planImages(config, local, ["service-chat"]), { engine: "podman", baseArgs: LOCAL_BASE_ARGS, digestDir: "/d", npmCa: { bundle: "/etc/ca.pem", npmrc: "/d/npmrc" } });
    expect(login).toBeUndefined();
    const [exists, build, push] = jobs[0].commands.map((c) => c.argv);
    expect(exists).toEqual(["skopeo", "inspect", "--tls-verify=false", "--no-tags", "docker://127.0.0.1:5000/eksmesh-dev/service-chat:1.0.0"]);
    expect(jobs[0].commands[0].skipJobIfSucceeds).toBe(true);
    const after = (argv: readonly string[], flag: string) => argv.flatMap((a, i) => (argv[i - 1] === flag ? [a] : []));
    expect(build[0]).toBe("podman");
    expect(build.slice(build.indexOf("build"))).toEqual(expect.arrayContaining(["--format", "docker", "--file", "apps/services/service-chat/Dockerfile", "--tag", "127.0.0.1:5000/eksmesh-dev/service-chat:1.0.0"]));
    expect(after(build, "--build-arg")).toEqual([`BUILD_BASE=${LOCAL_BASES.build}`, `RUNTIME_BASE=${LOCAL_BASES.runtime}`]);
    // The machine's CA bundle reaches npm ci only as RUN-time mounts, never a layer.
    expect(after(build, "--volume")).toEqual(["/etc/ca.pem:/run/eks-mesh-platform/npm-ca.pem:ro", "/d/npmrc:/usr/local/etc/npmrc:ro"]);
    expect(build.at(-1)).toBe(".");
    expect(push.slice(push.indexOf("push"))).toEqual(["push", "--tls-verify=false", "--digestfile", "/d/service-chat-1.0.0.digest", "127.0.0.1:5000/eksmesh-dev/service-chat:1.0.0"]);
    // ECR keeps TLS and the login; podman refuses an architecture it cannot build here.
    expect(commandsFor(planImages(config, outputs, ["service-chat"]), { engine: "podman" }).login?.argv).toEqual(["podman", "login", "--username", "AWS", "--password-stdin", registry]);
    const arm = parseConfig(withDev({ cluster: { nodeGroups: { general: { amiType: "AL2023_ARM_64_STANDARD", instanceTypes: ["t4g.medium"] } } } }));
    expect(() => commandsFor(planImages(arm, outputs, ["frontend"]), { engine: "podman" })).toThrow("frontend runs on linux/arm64: podman builds only for this machine (linux/amd64); use --engine docker (buildx) for other architectures");
  });

  it("names the local bases after the Node.js release and Debian suite they carry, pinned with the registry's integrity", () => {
    expect(LOCAL_BASES).toEqual({ build: `localhost/eks-mesh-platform/node-build:${PINS.image}-trixie`, runtime: `localhost/eks-mesh-platform/node-runtime:${PINS.image}-trixie` });
    expect(PINS.image.split(".")[0]).toBe("24");
    for (const v of [...PINS.test, PINS.image]) expect(PINS.releases[v].integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    // The releases CI tests the tool under are the oldest and newest LTS lines engines admits.
    const engines = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node as string;
    expect(PINS.test.map((v) => v.split(".")[0])).toEqual(engines.split("||").map((r) => r.trim().replace(/^\^(\d+)\..*$/, "$1")));
  });

  it("reads outputs as terraform and cdktf write them, and prints the commands with --dry-run", () => {
    expect(normalizeOutputs({ a: { value: "x", type: "string" } })).toEqual({ a: "x" });
    expect(normalizeOutputs({ workloads: { a: "x" } })).toEqual({ a: "x" });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-outputs-")), "outputs.json");
    fs.writeFileSync(file, JSON.stringify({ workloads: outputs }));
    let out = "";
    let err = "";
    expect(main(["--dry-run", "--outputs-file", file, "--service", "frontend"], (t) => (out += t), (t) => (err += t))).toBe(0);
    expect(err).toBe("");
    expect(out.split("\n")).toEqual([
      `aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${registry}`,
      "# skipped if this succeeds: aws ecr describe-images --region us-east-1 --repository-name eksmesh-dev/frontend --image-ids imageTag=1.0.0",
      `docker buildx build --platform linux/amd64 --file apps/services/frontend/Dockerfile --tag ${registry}/eksmesh-dev/frontend:1.0.0 --label org.opencontainers.image.version=1.0.0 --metadata-file '<digest-dir>/frontend-1.0.0.digest.json' --push .`,
      "",
    ]);
    expect(main(["--bogus"], () => {}, (t) => (err += t))).toBe(64);
    expect(main(["--bases", "nearby"], () => {}, (t) => (err = t))).toBe(64);
    expect(err.split("\n")[0]).toBe("unknown or incomplete flag --bases (public, local or auto)");
    expect(main(["--bases", "local", "--outputs-file", file], () => {}, (t) => (err = t))).toBe(1);
    expect(err).toBe("images: --bases local needs --engine podman: the local bases live in podman's store (npm run images:bases)\n");
  });
});
