/**
 * The JSON Schemas editors use (schemas/*.schema.json) are generated from the zod schemas:
 * the committed files must be what the generator produces now, and they must accept what
 * synth accepts (the shipped environments and catalogs) and reject what it refuses.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { CATALOGS } from "../apps";
import { readStructuredFile } from "../input/source-file";
import devConfig from "../config/environments/dev";
import ecsConfig from "../config/environments/ecs";
import prodConfig from "../config/environments/prod";
import { generatedFiles, REGENERATE_COMMAND, staleJsonSchemas } from "../scripts/json-schemas";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "schemas", file), "utf8")) as object;
const ajv = new Ajv({ strict: false, allErrors: true });
const configSchema = ajv.compile(read("platform-config.schema.json"));
const catalogSchema = ajv.compile(read("catalog.schema.json"));

describe("generated JSON Schemas", () => {
  it(`are up to date with the zod schemas (regenerate with \`${REGENERATE_COMMAND}\`)`, () => {
    const stale = staleJsonSchemas();
    expect(stale, `${stale.join(", ")} out of date: run \`${REGENERATE_COMMAND}\` and commit the result`).toEqual([]);
  });

  it("the staleness check fails on an edited file (so the test above can fail)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schemas-"));
    for (const [file, text] of Object.entries(generatedFiles())) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    expect(staleJsonSchemas(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, "schemas", "catalog.schema.json"), "{}\n");
    fs.writeFileSync(path.join(dir, "docs", "reference", "configuration.md"), "# edited by hand\n");
    expect(staleJsonSchemas(dir)).toEqual(["schemas/catalog.schema.json", "docs/reference/configuration.md"]);
  });

  it("carry the fields' doc comments as descriptions, for editor hovers", () => {
    const config = read("platform-config.schema.json") as any;
    expect(config.properties.network.properties.natGateways.description).toMatch(/^NAT for private subnets: "single".*Default: "single"$/);
    const catalog = read("catalog.schema.json") as any;
    expect(catalog.properties.services.items.properties.placement.description).toContain('Default: "auto"');
  });

  it("accept the shipped environments and catalogs, and a file that names its schema", () => {
    for (const env of [devConfig, prodConfig, ecsConfig]) expect(configSchema(env), JSON.stringify(configSchema.errors)).toBe(true);
    expect(configSchema({ $schema: "../schemas/platform-config.schema.json", workloads: { catalog: "teams/shop.yaml" } })).toBe(true);
    for (const c of Object.values(CATALOGS)) expect(catalogSchema(JSON.parse(JSON.stringify(c))), JSON.stringify(catalogSchema.errors)).toBe(true);
    const yaml = readStructuredFile(path.join(ROOT, "apps", "reference.yaml"));
    expect(yaml.ok && catalogSchema(yaml.file.data)).toBe(true);
  });

  it("reject what an editor can catch while typing: unknown keys, wrong types, values out of range", () => {
    expect(configSchema({ network: { nat: "single" } })).toBe(false);
    expect(configSchema({ network: { natGateways: "two" } })).toBe(false);
    expect(configSchema({ workloads: { catalog: "shop" } })).toBe(false);
    const svc = JSON.parse(JSON.stringify(CATALOGS.reference.services[0]));
    expect(catalogSchema({ name: "x", services: [{ ...svc, port: 70000 }] })).toBe(false);
    expect(catalogSchema({ name: "x", services: [{ ...svc, placment: "ec2" }] })).toBe(false);
  });
});

describe("generated reference pages (docs/reference/)", () => {
  const page = fs.readFileSync(path.join(ROOT, "docs", "reference", "configuration.md"), "utf8");
  it("give every section of the config a table, with each field's type and default", () => {
    for (const section of ["platform", "state", "network", "cluster", "mesh", "workloads", "edge", "ecs", "observability"]) expect(page).toContain(`\n## ${section}\n`);
    expect(page).toMatch(/\| `network\.azCount` \| integer 2–6 \| .*Default: 2 \|/);
    expect(page).toMatch(/\| `mesh\.implementation` \| `"appmesh"`, `"vpc-lattice"` \|/);
    // A union is documented per variant, named by its discriminator.
    expect(page).toMatch(/\| `state\.bucket` \(backend: "s3"\) \| string \| .*Required\. \|/);
    expect(page).toMatch(/\| `cluster\.nodeGroups\.<name>\.instanceTypes` \|/);
  });
});
