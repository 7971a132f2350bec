/**
 * A team's own catalog from a file (workloads.catalog: "<path>"), environment files in
 * YAML, and the messages that point at the file, the service, the field and the line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "../apps";
import { loadConfig, parseConfig } from "../config/load";
import { readStructuredFile } from "../input/source-file";
import { refusal } from "./support/config";
import { withDev } from "./support/synth";

const ROOT = path.resolve(__dirname, "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-files-"));

/** Writes a file in a temp folder and returns its absolute path. */
function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

const SHOP_YAML = `# a team's catalog
name: shop
services:
  - name: web
    namespace: shop
    image: { ecr: web, tag: "1.0.0" }
    port: 8080
    cpu: { request: 100, limit: 200 }
    memory: { request: 128, limit: 256 }
    placement: fargate
    dependsOn: [cart]
  - name: cart
    namespace: shop
    image: { ecr: cart, tag: "1.0.0" }
    port: 8080
    cpu: { request: 100, limit: 200 }
    memory: { request: 128, limit: 256 }
    placement: fargate
    tables: { carts: readwrite }
tables:
  carts:
    partitionKey: { name: id }
`;

describe("the reference catalog in YAML", () => {
  it("resolves to exactly what apps/reference.ts does, down to placements and Fargate profiles", () => {
    const fromYaml = parseConfig(withDev({ workloads: { catalog: "apps/reference.yaml" } }));
    const fromTs = parseConfig(withDev({ workloads: { catalog: "reference" } }));
    expect(fromYaml.workloads.app).toEqual(fromTs.workloads.app);
    expect(fromYaml.cluster).toEqual(fromTs.cluster);
    expect(fromYaml.workloads.origin.label).toBe("catalog apps/reference.yaml");
    expect(fromTs.workloads.origin.label).toBe('catalog "reference" (apps/reference.ts)');
  });

  it("is the same data as the TypeScript catalog before defaults (no field dropped or added)", () => {
    const read = readStructuredFile(path.join(ROOT, "apps", "reference.yaml"));
    expect(read.ok && read.file.data).toEqual(JSON.parse(JSON.stringify(CATALOGS.reference)));
  });
});

describe("catalog files", () => {
  it("accepts a YAML catalog and deploys its services and tables", () => {
    const c = parseConfig(withDev({ workloads: { catalog: write("shop.yaml", SHOP_YAML) } }));
    expect(c.workloads.app.services.map((s) => s.name)).toEqual(["web", "cart"]);
    expect(Object.keys(c.workloads.app.tables)).toEqual(["carts"]);
    expect(c.workloads.origin).toEqual({ label: "catalog shop.yaml", file: "shop.yaml", serviceLines: { web: 4, cart: 12 } });
  });

  it("a YAML refusal names the file, the line, the service and the field", () => {
    const file = write("bad-port.yaml", SHOP_YAML.replace("port: 8080\n    cpu: { request: 100, limit: 200 }\n    memory: { request: 128, limit: 256 }\n    placement: fargate\n    tables", "port: 70000\n    cpu: { request: 100, limit: 200 }\n    memory: { request: 128, limit: 256 }\n    placement: fargate\n    tables"));
    expect(refusal(withDev({ workloads: { catalog: file } }))).toBe(
      [
        "Invalid configuration in test config:",
        "  - workloads.catalog: catalog bad-port.yaml:15 services.cart.port: 70000 is too large; port must be from 1 to 65535",
        "Nothing was synthesized; fix the fields above and run synth again.",
      ].join("\n"),
    );
  });

  it("rules between services point at the service's field line", () => {
    const file = write("bad-dep.yaml", SHOP_YAML.replace("dependsOn: [cart]", "dependsOn: [basket]"));
    expect(refusal(withDev({ workloads: { catalog: file } }))).toContain(
      '  - workloads.catalog: catalog bad-dep.yaml:11 services.web.dependsOn[0]: "basket" is not a service in this catalog; use one of cart, web',
    );
  });

  it("an unknown key is reported on its own line with the keys allowed there", () => {
    const file = write("typo.yaml", SHOP_YAML.replace("    placement: fargate\n    dependsOn", "    placment: fargate\n    dependsOn"));
    expect(refusal(withDev({ workloads: { catalog: file } }))).toContain(
      "  - workloads.catalog: catalog typo.yaml:10 services.web.placment: unknown key; allowed keys here: name, namespace, image, port, protocol, cpu, memory, replicas, placement, constraints, nodeSelector, versions, dependsOn, tables, public, healthCheckPath, retryPolicy, env, writablePaths, runAsUser",
    );
  });

  it("a missing required field is reported on its service's line", () => {
    const file = write("no-port.yaml", SHOP_YAML.replace("    port: 8080\n    cpu: { request: 100, limit: 200 }\n    memory: { request: 128, limit: 256 }\n    placement: fargate\n    dependsOn", "    cpu: { request: 100, limit: 200 }\n    memory: { request: 128, limit: 256 }\n    placement: fargate\n    dependsOn"));
    expect(refusal(withDev({ workloads: { catalog: file } }))).toContain("  - workloads.catalog: catalog no-port.yaml:4 services.web.port: is required");
  });

  it("cross-section rules name the file and the service's line (the frontend needs a node group it selects)", () => {
    const file = write("ec2.yaml", SHOP_YAML.replace("placement: fargate\n    dependsOn", "placement: ec2\n    nodeSelector: { team: shop }\n    dependsOn"));
    expect(refusal(withDev({ workloads: { catalog: file } }))).toContain(
      '  - workloads.catalog: catalog ec2.yaml:4 services.web.nodeSelector: no node group has the labels {"team":"shop","eks-mesh-platform/compute":"ec2"}',
    );
  });

  it("a JSON catalog gets line numbers too, and may name its schema", () => {
    const data = { $schema: "../schemas/catalog.schema.json", ...JSON.parse(JSON.stringify(CATALOGS.reference)) };
    data.services[2].memory.limit = 100;
    const text = JSON.stringify(data, null, 2);
    const file = write("shop.json", text);
    // The line of the refused field (service-registro's "memory"), counted from the text so a catalog edit does not move the goal.
    const lines = text.split("\n");
    const service = lines.findIndex((l) => l.includes('"name": "service-registro"'));
    const line = lines.findIndex((l, i) => i > service && l.includes('"memory"')) + 1;
    expect(line).toBeGreaterThan(1);
    expect(refusal(withDev({ workloads: { catalog: file } }))).toContain(
      `  - workloads.catalog: catalog shop.json:${line} services.service-registro.memory: limit (100 MiB) is below request (512 MiB); the limit must be at least the request`,
    );
    data.services[2].memory.limit = 512;
    fs.writeFileSync(file, JSON.stringify(data));
    expect(parseConfig(withDev({ workloads: { catalog: file } })).workloads.app.services).toHaveLength(4);
  });

  it("a TypeScript catalog is loaded like an environment file (default export)", () => {
    const file = write("shop.ts", `export default ${JSON.stringify({ ...CATALOGS.yelb, name: "yelb-copy" })};\n`);
    const c = parseConfig(withDev({ workloads: { catalog: file } }));
    expect(c.workloads.app.name).toBe("yelb-copy");
    const bad = write("bad.ts", `export default ${JSON.stringify({ ...CATALOGS.yelb, services: [{ ...CATALOGS.yelb.services[0], port: 15001 }] })};\n`);
    expect(refusal(withDev({ workloads: { catalog: bad } }))).toContain(
      "  - workloads.catalog: catalog bad.ts services.yelb-ui.port: 15001 is a port the Envoy sidecar uses in every pod (15000, 15001, 9901); choose another port",
    );
  });

  it("refuses a file that does not exist, is not YAML, or exports nothing", () => {
    expect(refusal(withDev({ workloads: { catalog: "teams/none.yaml" } }))).toContain(
      "  - workloads.catalog: the catalog file teams/none.yaml does not exist (in an environment file a relative path starts at that file's folder); give the path of a .yaml, .yml, .json or .ts catalog, or a shipped catalog: reference, yelb",
    );
    const broken = write("broken.yaml", "name: shop\nservices: [\n");
    expect(refusal(withDev({ workloads: { catalog: broken } }))).toMatch(/ {2}- workloads\.catalog: catalog broken\.yaml is not valid YAML at line 3, column 1: [^:]*[^:\s]$/m);
    const empty = write("empty.ts", "export const other = 1;\n");
    expect(refusal(withDev({ workloads: { catalog: empty } }))).toContain(
      "  - workloads.catalog: catalog empty.ts exports no catalog; export it as the default export (export default defineCatalog({...})) or as `catalog`",
    );
    expect(refusal(withDev({ workloads: { catalog: "shop" as never } }))).toContain(
      '  - workloads.catalog: "shop" is not a catalog; use one of reference, yelb (files in apps/) or the path of a .yaml, .yml, .json or .ts catalog file',
    );
  });
});

describe("files that do not parse", () => {
  it("say the line and column, and end with the parser's reason, for JSON and YAML", () => {
    const json = write("broken-env.json", '{ "network": { "cidr": "10.0.0.0/16", }\n');
    expect(() => loadConfig({ PLATFORM_CONFIG: json })).toThrow(/^broken-env\.json is not valid JSON at line 1, column 39: Expected double-quoted property name$/);
    const yaml = write("broken-env.yaml", "network:\n  cidr: [10.0\n  x: : y\n");
    expect(() => loadConfig({ PLATFORM_CONFIG: yaml })).toThrow(/^broken-env\.yaml is not valid YAML at line 3, column 3: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
  });
});

describe("a catalog path in an environment file", () => {
  const team = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-relative-"));
  fs.mkdirSync(path.join(team, "envs"));
  fs.mkdirSync(path.join(team, "catalogs"));
  fs.copyFileSync(path.join(ROOT, "apps", "reference.yaml"), path.join(team, "catalogs", "shop.yaml"));
  const env = (name: string, catalog: string) => {
    const file = path.join(team, "envs", name);
    fs.writeFileSync(file, `platform: { name: team, throwaway: true }\nedge: { insecurePlainHttpForThrowawayEnvironment: true }\nworkloads:\n  catalog: ${catalog}\n`);
    return file;
  };

  it("starts at the environment file's folder, wherever synth is run from", () => {
    const loaded = loadConfig({ PLATFORM_CONFIG: env("qa.yaml", "../catalogs/shop.yaml") });
    expect(loaded.config.workloads.app.services).toHaveLength(4);
    expect(loaded.config.workloads.catalog).toBe(path.join(team, "catalogs", "shop.yaml"));
  });

  it("names the file it looked for when the path is wrong, with where relative paths start", () => {
    expect(() => loadConfig({ PLATFORM_CONFIG: env("typo.yaml", "catalogs/shop.yaml") })).toThrow(
      `workloads.catalog: the catalog file ${path.join(team, "envs", "catalogs", "shop.yaml")} does not exist (in an environment file a relative path starts at that file's folder)`,
    );
  });

  it("leaves a shipped catalog's name alone", () => {
    expect(loadConfig({ PLATFORM_CONFIG: env("named.yaml", "yelb") }).config.workloads.app.name).toBe("yelb");
  });
});

describe("environment files in YAML", () => {
  it("PLATFORM_CONFIG takes a YAML file, with its schema line, and names refused fields with their line", () => {
    const good = write("team.yaml", `# yaml-language-server: $schema=../schemas/platform-config.schema.json\nplatform: { name: team, environment: qa, throwaway: true }\nedge: { insecurePlainHttpForThrowawayEnvironment: true }\nnetwork:\n  availabilityZones: [us-east-1a, us-east-1b]\nworkloads:\n  catalog: ${path.join(ROOT, "apps", "reference.yaml")}\n`);
    const loaded = loadConfig({ PLATFORM_CONFIG: good });
    expect(loaded.config.platform.name).toBe("team");
    expect(loaded.config.workloads.app.services).toHaveLength(4);

    const bad = write("bad-team.yaml", "platform: { name: team }\nnetwork:\n  cidr: 10.0.0.0/33\n  nat: single\n");
    expect(() => loadConfig({ PLATFORM_CONFIG: bad })).toThrow(
      [
        "Invalid configuration in bad-team.yaml:",
        '  - line 3, network.cidr: "10.0.0.0/33" is not an IPv4 CIDR block (expected a.b.c.d/n); write it like "10.0.0.0/16"',
        "  - line 4, network.nat: unknown key; allowed keys here: cidr, azCount, availabilityZones, publicSubnetPrefixLength, privateSubnetPrefixLength, publicSubnetCidrs, privateSubnetCidrs, natGateways, flowLogs, vpcEndpoints",
        "Nothing was synthesized; fix the fields above and run synth again.",
      ].join("\n"),
    );
  });

  it("a JSON environment may carry $schema", () => {
    const file = write("team.json", JSON.stringify({ $schema: "../schemas/platform-config.schema.json", platform: { name: "team", throwaway: true }, edge: { insecurePlainHttpForThrowawayEnvironment: true } }));
    expect(loadConfig({ PLATFORM_CONFIG: file }).config.platform.name).toBe("team");
  });
});
