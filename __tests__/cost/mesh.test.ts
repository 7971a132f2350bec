import { describe, expect, it } from "vitest";
import { runCli } from "../../cost/command";
import { compareMeshes, SIGNING_PROXY_REQUEST, signingProxiesPerPod, withMesh } from "../../cost/mesh";
import { costInputFromPlatform } from "../../cost/platform";
import { DEFAULT_PRICES } from "../../placement/prices";
import { MESH_PRICES_US_EAST_1 } from "../../cost/prices/vpc-lattice-us-east-1";
import { parseConfig } from "../../config/load";
import { signingProxyContainer } from "../../stacks/mesh/vpc-lattice/routing";
import { withDev } from "../support/synth";

const reference = parseConfig(withDev(), "dev");
const yelb = parseConfig(withDev({ mesh: { implementation: "vpc-lattice" }, workloads: { catalog: "yelb" } }), "yelb on lattice");

describe("mesh prices (us-east-1)", () => {
  it("carry Lattice's three dimensions with unit, source and date, and App Mesh at no charge", () => {
    const l = MESH_PRICES_US_EAST_1.lattice;
    expect([l.serviceHourly.value, l.perGbProcessed.value, l.perMillionRequests.value, l.freeRequestsPerHour]).toEqual([0.025, 0.025, 0.1, 300_000]);
    for (const figure of [l.serviceHourly, l.perGbProcessed, l.perMillionRequests, MESH_PRICES_US_EAST_1.appMesh]) {
      expect(figure.unit).toMatch(/USD/);
      expect(figure.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
    expect(MESH_PRICES_US_EAST_1.appMesh.value).toBe(0);
    expect(MESH_PRICES_US_EAST_1.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("count the signing proxy with the requests the workloads stack gives it", () => {
    const c = signingProxyContainer("us-east-1", "service-user", "service-user.example:8080", 8005);
    expect([c.resources!.requests!.cpu, c.resources!.requests!.memory]).toEqual([`${SIGNING_PROXY_REQUEST.cpuMillicores}m`, `${SIGNING_PROXY_REQUEST.memoryMiB}Mi`]);
  });
});

describe("pods under each mesh", () => {
  it("App Mesh: Envoy in every pod; Lattice: no Envoy, one signing proxy per dependency on callers only", () => {
    const base = costInputFromPlatform(reference, "requested");
    expect(withMesh(base, reference.workloads.app.services, { implementation: "appmesh", lattice: { auth: "iam" } }).mesh).toEqual({ enabled: true });
    const lattice = withMesh(base, reference.workloads.app.services, { implementation: "vpc-lattice", lattice: { auth: "iam" } });
    expect(lattice.mesh).toEqual({ enabled: false });
    expect([...signingProxiesPerPod(reference.workloads.app.services)]).toEqual([["frontend", 3]]);
    expect(lattice.services.map((s) => [s.name, (s.sidecars ?? []).map((c) => c.name)])).toEqual([
      ["frontend", ["sigv4-proxy", "sigv4-proxy", "sigv4-proxy"]],
      ["service-user", []],
      ["service-registro", []],
      ["service-chat", []],
    ]);
    const none = withMesh(base, reference.workloads.app.services, { implementation: "vpc-lattice", lattice: { auth: "none" } });
    expect(none.services.every((s) => !s.sidecars?.length)).toBe(true);
  });

  it("the configured platform's cost input follows mesh.implementation", () => {
    expect(costInputFromPlatform(reference, "requested").mesh).toEqual({ enabled: true });
    expect(costInputFromPlatform(yelb, "requested").mesh).toEqual({ enabled: false });
  });
});

describe("App Mesh vs VPC Lattice", () => {
  it("adds one Lattice service-hour per carried service to each side's platform cost", () => {
    const c = compareMeshes(costInputFromPlatform(yelb, "requested"), yelb.workloads.app.services, yelb.mesh, DEFAULT_PRICES);
    expect(c.configured).toBe("vpc-lattice");
    expect(c.carried).toEqual(["yelb-ui", "yelb-appserver"]);
    expect(c.notCarried).toEqual(["redis-server", "yelb-db"]);
    expect(c.appmesh.meshHourly).toBe(0);
    expect(c.lattice.meshHourly).toBeCloseTo(2 * 0.025, 10);
    for (const side of [c.appmesh, c.lattice]) {
      expect(side.hourly).toBeCloseTo(side.platform.hourly + side.meshHourly, 10);
      expect(side.monthly).toBeCloseTo(side.hourly * 730, 8);
    }
    // Dropping Envoy never makes pods bigger.
    expect(c.lattice.platform.hourly).toBeLessThanOrEqual(c.appmesh.platform.hourly + 1e-9);
  });

  it("is printed by npm run cost (--platform) with Lattice's traffic prices listed, and in --json", () => {
    let stdout = "";
    const io = { stdout: (t: string) => (stdout += t), stderr: () => undefined, writeFile: () => undefined };
    expect(runCli(["--platform"], io)).toBe(0);
    expect(stdout).toContain("== Mesh: AWS App Mesh vs Amazon VPC Lattice, configured placement (this config uses appmesh) ==");
    expect(stdout).toMatch(/Lattice: services {10,}4 × \$0\.025\/service-hour {10,}0\.1000 {6}73\.00/);
    expect(stdout).toContain("Lattice traffic, not in the totals: $0.025 per GB processed, $0.10 per million requests beyond 300,000 per hour.");
    stdout = "";
    expect(runCli(["--platform", "--json"], io)).toBe(0);
    const json = JSON.parse(stdout) as { mesh: { carried: string[]; lattice: { meshHourly: number } } };
    expect(json.mesh.carried).toHaveLength(4);
    expect(json.mesh.lattice.meshHourly).toBeCloseTo(0.1, 10);
  });
});
