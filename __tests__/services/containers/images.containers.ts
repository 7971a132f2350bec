/**
 * npm run test:images: the services' images built with a real OCI builder, checked as a
 * user checks an image, and the reference system run from them. Needs podman, skopeo,
 * mmdebstrap, docker-registry (and runc on hybrid cgroups): ops/images/setup.sh installs
 * them, and a missing one fails this file loudly (ops/images/engine.ts, requireTools).
 * Not part of `npm test`: it builds four images (minutes) and runs containers.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "../../../apps/services/contract";
import { baseArgsOf, type PushedImage } from "../../../ops/images";
import { LOCAL_BASES } from "../../../ops/images/bases";
import { check, hybridCgroups, limits, podman, requireTools, run } from "../../../ops/images/engine";
import { startLocalRegistry, type LocalRegistry } from "../../../ops/images/registry";
import { testEnv } from "../../support/services";
import { synthPlatform, withDev } from "../../support/synth";
import { endToEnd } from "../e2e-flow";
import { GRACE_SECONDS, inspectContainer, logsOf, removeAll, startContainer, startContainerSystem, stopContainer, waitListening } from "./support";

const ROOT = path.join(__dirname, "..", "..", "..");
const ARTIFACTS = path.join(ROOT, ".artifacts");
const UID = 10001;
const outputName = (svc: string) => `service_${svc.replace(/-/g, "_")}_repository_url`;

let registry: LocalRegistry;
let pushed: PushedImage[] = [];
/** Service → the pushed image as pulled back by digest (`<repositoryUrl>@sha256:…`). */
const byDigest: Record<string, string> = {};
const sizes: string[] = [];

beforeAll(() => {
  requireTools(["podman", "skopeo", "mmdebstrap", "docker-registry", ...(hybridCgroups() ? (["runc"] as const) : [])]);
});
afterAll(async () => {
  removeAll();
  await registry?.stop();
  if (sizes.length) process.stdout.write(`\nimage sizes:\n${sizes.join("\n")}\n`);
});

describe("npm run images: built with podman, pushed to a registry on 127.0.0.1, pulled back by digest", () => {
  let stdout = "";
  let dir: string;

  beforeAll(async () => {
    registry = await startLocalRegistry();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-images-"));
    // The workloads stack's outputs, as if its ECR repositories were this registry's.
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify({ workloads: Object.fromEntries(SERVICE_NAMES.map((s) => [outputName(s), `${registry.host}/eksmesh-dev/${s}`])) }));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const log = path.join(ARTIFACTS, "images-build.log");
    // The CLI as a person runs it (npm run images), with podman and, where the public bases
    // cannot be pulled, the local ones. Its build output goes to a file; failures show its end.
    const fd = fs.openSync(log, "w");
    // Asynchronous: a first build takes minutes, and a blocked worker loses vitest's RPC.
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "ops/images.ts", "--engine", "podman", "--bases", "auto", "--outputs-file", path.join(dir, "outputs.json"), "--digests-file", path.join(dir, "digests.json")], { cwd: ROOT, stdio: ["ignore", fd, fd] });
    const r = { status: await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code))) };
    fs.closeSync(fd);
    const text = fs.readFileSync(log, "utf8");
    // What it says of its own (bases, pushes), without the builders' step-by-step output.
    stdout = text.split("\n").filter((l) => /^(images|images:bases): |: pushed$|: already in /.test(l)).map((l) => `${l}\n`).join("");
    process.stdout.write(`npm run images (full output in ${path.relative(ROOT, log)}):\n${stdout}`);
    if (r.status !== 0) throw new Error(`npm run images failed (${r.status}); the end of ${log}:\n${text.split("\n").slice(-40).join("\n")}`);
    pushed = JSON.parse(fs.readFileSync(path.join(dir, "digests.json"), "utf8"));
  }, 3_600_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("pushes each service's image, with the catalog's tag, and prints the digest it pushed", () => {
    expect(pushed.map((p) => [p.service, p.image, p.pushed]).sort()).toEqual(SERVICE_NAMES.map((s) => [s, `${registry.host}/eksmesh-dev/${s}:1.0.0`, true]).sort());
    for (const p of pushed) {
      expect(p.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(stdout).toContain(`${p.image}@${p.digest}: pushed\n`);
    }
  });

  it("the reference the workloads stack deploys (<repository_url>:<tag>) resolves, in the registry, to the pushed digest", () => {
    const s = synthPlatform(withDev(), fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-images-synth-")));
    const outputs = s.stack("workloads").output!;
    const images = Object.values(s.resources("workloads", "kubernetes_deployment_v1")).map((d) => d.spec.template.spec.container[0].image as string);
    for (const p of pushed) {
      const token = outputs[outputName(p.service)].value as string;
      const deployed = images.filter((i) => i.startsWith(`${token}:`));
      expect(deployed).toEqual([`${token}:1.0.0`]);
      // The stack's reference, with the repository URL that npm run images was given for it.
      const reference = deployed[0].replace(token, `${registry.host}/eksmesh-dev/${p.service}`);
      const inspected = JSON.parse(check(["skopeo", "inspect", "--tls-verify=false", "--no-tags", `docker://${reference}`]));
      expect(inspected.Digest).toBe(p.digest);
    }
  });

  it("a second run builds and pushes nothing: each tag is in the registry, with the digest pushed first", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "ops/images.ts", "--engine", "podman", "--bases", "auto", "--outputs-file", path.join(dir, "outputs.json")], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(pushed.map((p) => `${p.image}@${p.digest}: already in ${registry.host}, skipped (tags are immutable: change the tag in the catalog to ship a new version)`).sort());
  });

  it("pulls each image back by digest, after removing the built one: the same image", () => {
    for (const p of pushed) {
      const built = check(podman("image", "inspect", "--format", "{{.Id}}", p.image)).trim();
      // Every blob downloaded afresh into an empty folder, each checked against the manifest's
      // digests, the manifest kept as the registry served it: its digest is the pushed one,
      // and its config is the built image's.
      const layout = fs.mkdtempSync(path.join(os.tmpdir(), "eks-mesh-pulled-"));
      try {
        check(["skopeo", "copy", "--quiet", "--src-tls-verify=false", `docker://${p.pinned}`, `dir:${layout}`]);
        const raw = fs.readFileSync(path.join(layout, "manifest.json"));
        expect(`sha256:${createHash("sha256").update(raw).digest("hex")}`).toBe(p.digest);
        expect(JSON.parse(raw.toString("utf8")).config.digest).toBe(`sha256:${built}`);
      } finally {
        fs.rmSync(layout, { recursive: true, force: true });
      }
      // And into podman's store, by digest, for the checks and the system below.
      check(podman("rmi", p.image));
      const ref = `${p.pinned}`;
      check(podman("pull", "--quiet", "--tls-verify=false", ref));
      expect(check(podman("image", "inspect", "--format", "{{.Id}}", ref)).trim()).toBe(built);
      // An image pushed twice can have two manifests (layers are compressed again on each push): this push's is among its digests.
      expect(JSON.parse(check(podman("image", "inspect", "--format", "{{json .RepoDigests}}", ref)))).toContain(ref);
      byDigest[p.service] = ref;
    }
  });
});

describe.each(SERVICE_NAMES)("the %s image, as a user checks it (pulled by digest)", (svc) => {
  const image = () => {
    if (!byDigest[svc]) throw new Error(`${svc}: no image pulled by digest (see the push above)`);
    return byDigest[svc];
  };
  const env = () => ({
    ...testEnv(svc, undefined),
    PORT: "8080",
    DYNAMODB_TABLE_USERS: "unused-by-the-health-path",
    DYNAMODB_TABLE_MESSAGES: "unused-by-the-health-path",
    ...(svc === "frontend" ? { LOGIN_API_URL: "http://127.0.0.1:9", REGISTRATION_API_URL: "http://127.0.0.1:9", CHAT_API_URL: "http://127.0.0.1:9" } : {}),
  });

  it("is configured to run the bundle as UID 10001 with its health check, on the pinned bases", () => {
    const [info] = JSON.parse(check(podman("image", "inspect", image())));
    expect(info.Config.User).toBe(`${UID}:${UID}`);
    expect(info.Config.Entrypoint).toEqual(["/nodejs/bin/node"]);
    expect(info.Config.Cmd).toEqual(["main.cjs"]);
    expect(info.Config.WorkingDir).toBe("/app");
    expect(Object.keys(info.Config.ExposedPorts)).toEqual(["8080/tcp"]);
    expect(info.Config.Env).toContain("NODE_ENV=production");
    // Kept because podman builds in Docker's format (OCI images have no HEALTHCHECK).
    expect(info.Healthcheck?.Test?.slice(0, 2)).toEqual(["CMD", "/nodejs/bin/node"]);
    expect(info.Config.Labels["org.opencontainers.image.version"]).toBe("1.0.0");
    // Which base it was built on: the local one says so by its label; a public one has none.
    const bases = baseArgsOf(fs.readFileSync(path.join(ROOT, "apps", "services", svc, "Dockerfile"), "utf8"));
    const local = info.Config.Labels["org.eks-mesh-platform.node-version"];
    const base = local ? `${LOCAL_BASES.runtime} (built here; ${bases.RUNTIME_BASE} could not be pulled)` : bases.RUNTIME_BASE;
    // Sizes: unpacked in the store, and compressed as pushed (the sum of the manifest's layers).
    const manifest = JSON.parse(check(["skopeo", "inspect", "--raw", "--tls-verify=false", `docker://${image()}`]));
    const compressed = manifest.layers.reduce((n: number, l: { size: number }) => n + l.size, 0);
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    sizes.push(`  ${svc.padEnd(17)} ${mb(info.Size).padStart(9)} unpacked, ${mb(compressed).padStart(8)} compressed (${manifest.layers.length} layers), runtime base ${base}`);
  });

  it("ships the bundle and node, and no shell or package manager", () => {
    const name = check(podman("create", image())).trim();
    try {
      const files = new Set(check(["sh", "-c", `${podman("export", name).join(" ")} | tar -t`]).split("\n").map((f) => f.replace(/^\.?\//, "").replace(/\/$/, "")));
      expect(files).toContain("app/main.cjs");
      expect(files).toContain("nodejs/bin/node");
      if (svc === "frontend") for (const f of ["app/public/index.html", "app/public/app.js", "app/public/style.css"]) expect(files).toContain(f);
      for (const f of ["bin/sh", "usr/bin/sh", "bin/bash", "usr/bin/bash", "bin/dash", "usr/bin/dash", "usr/bin/apt", "usr/bin/apt-get", "usr/bin/dpkg", "usr/local/bin/npm"]) expect(files).not.toContain(f);
      // Nothing of the build stage: no sources, no node_modules.
      expect([...files].filter((f) => f.includes("node_modules") || f.endsWith(".ts"))).toEqual([]);
    } finally {
      run(podman("rm", "--force", name));
    }
  });

  it("starts as UID 10001 on a read-only root, passes its health check, and stops on SIGTERM within the grace period", async () => {
    const name = startContainer(image(), env(), "none");
    const listening = await waitListening(name);
    expect(listening).toMatchObject({ service: svc, msg: "listening", port: 8080 });
    // The process the engine started, seen from this machine: user and group 10001.
    const status = fs.readFileSync(`/proc/${inspectContainer(name).State.Pid}/status`, "utf8");
    expect(status).toMatch(new RegExp(`^Uid:\\s+${UID}\\s+${UID}\\s+${UID}\\s+${UID}$`, "m"));
    expect(status).toMatch(new RegExp(`^Gid:\\s+${UID}\\s+${UID}\\s+${UID}\\s+${UID}$`, "m"));
    // The image's own HEALTHCHECK, run inside the container (its loopback; no network besides),
    // as an engine runs it: healthy at the first pass, unhealthy after its Retries failures in a row.
    const retries = JSON.parse(check(podman("image", "inspect", image())))[0].Healthcheck.Retries as number;
    const tries: { status: number; stderr: string }[] = [];
    while (tries.length < retries && tries.at(-1)?.status !== 0) tries.push(run(podman("healthcheck", "run", name)));
    expect(tries.at(-1), `health checks run: ${JSON.stringify(tries)}`).toMatchObject({ status: 0 });
    expect(inspectContainer(name).State.Health).toMatchObject({ Status: "healthy", FailingStreak: 0 });
    // SIGTERM, SIGKILL after the grace period: exit 0 means the service stopped itself in time
    // (a SIGKILL shows as 137).
    const stopped = stopContainer(name);
    expect(stopped.exitCode).toBe(0);
    const messages = stopped.logs.map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(messages.map((m) => m.msg)).toEqual(["listening", "stopping", "stopped"]);
    expect(messages[1].signal).toBe("SIGTERM");
  }, 120_000 + GRACE_SECONDS * 1000);

  it("refuses writes anywhere on its read-only root, /tmp included", () => {
    const probe = "for (const f of ['/app/x', '/tmp/x']) { try { require('fs').writeFileSync(f, ''); console.log(f, 'written') } catch (e) { console.log(f, e.code) } }";
    const out = check(podman("run", "--rm", ...limits(), "--network", "none", "--read-only", "--read-only-tmpfs=false", "--entrypoint", "/nodejs/bin/node", image(), "-e", probe));
    expect(out.trim().split("\n")).toEqual(["/app/x EROFS", "/tmp/x EROFS"]);
  });
});

endToEnd("from its images: four containers, pulled by digest, and the local DynamoDB", () => startContainerSystem(byDigest), { screenshot: "reference-system-containers.png", startTimeout: 120_000 });

// Left for a person to look at: the logs of the run, when something failed.
afterAll(() => {
  const left = run(podman("ps", "--all", "--format", "{{.Names}}")).stdout.split("\n").filter((n) => n.startsWith(`eks-mesh-check-${process.pid}-`));
  for (const n of left) process.stderr.write(`left running: ${n}\n${logsOf(n).join("\n")}\n`);
});
