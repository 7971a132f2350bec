import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { crdFacts, FACT_SETS, factFile, stripDescriptions } from "../../facts/upstream/regenerate";
import { findTools, ToolsMissing } from "../../ops/kubernetes/cluster";
import { FACTS_DIR, pins, sourceDir, SourcesMissing } from "../../ops/kubernetes/sources";
import { countLine, refusalText, verdict } from "../../ops/kubernetes/test-kubernetes";

const passing = { accepted: 413, refused: 0, problems: [], selfTest: "refused", valuesWithNoEffect: [] };

describe("test:kubernetes verdict", () => {
  it("passes only when every object was accepted and the self-tests could fail", () => {
    expect(verdict(passing)).toEqual({ ok: true, line: "Kubernetes API: 413 objects accepted, 0 refused" });
  });

  it("fails on a refusal, an object it could not check, an unread values key, or a self-test that did not bite", () => {
    expect(verdict({ ...passing, refused: 1 })).toMatchObject({ ok: false, line: "Kubernetes API: 413 objects accepted, 1 refused" });
    expect(verdict({ ...passing, problems: ["dev: workloads: x: attribute not known"] }).ok).toBe(false);
    expect(verdict({ ...passing, valuesWithNoEffect: ["metrics-server 3.13.1: replicaz"] })).toMatchObject({ ok: false, line: expect.stringContaining("1 Helm values keys no template reads") });
    expect(verdict({ ...passing, selfTest: "accepted" })).toMatchObject({ ok: false, line: expect.stringContaining("the check could not have failed") });
    expect(verdict({ ...passing, accepted: 0 }).ok).toBe(false);
  });

  it("prints a refusal with the Terraform address and the API server's own message", () => {
    const o = { address: "kubernetes_deployment_v1.api-deployment-v1", object: { kind: "Deployment", metadata: { name: "api-v1", namespace: "api" } } };
    expect(refusalText("prod", "workloads", o, '.spec.replicass: field not declared in schema')).toBe(
      "  REFUSED prod/workloads kubernetes_deployment_v1.api-deployment-v1 (Deployment api/api-v1):\n    .spec.replicass: field not declared in schema",
    );
  });

  it("prints counts per kind in a stable order", () => {
    expect(countLine({ Service: 8, Deployment: 4, ConfigMap: 1 })).toBe("ConfigMap 1, Deployment 4, Service 8");
  });
});

describe("pinned sources and tools", () => {
  it("are pinned by version and go.sum hash", () => {
    for (const s of Object.values(pins.sources)) {
      expect(s.version).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(s.sum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
    }
    expect(pins.helm.sum).toMatch(/^h1:/);
  });

  it("say which command installs them when they are missing, instead of skipping", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-cache-"));
    expect(() => sourceDir("gateway-api", { XDG_CACHE_HOME: empty })).toThrow(SourcesMissing);
    expect(() => sourceDir("gateway-api", { XDG_CACHE_HOME: empty })).toThrow("run npm run setup:tools");
    expect(() => findTools({ XDG_CACHE_HOME: empty })).toThrow(ToolsMissing);
    expect(() => findTools({ XDG_CACHE_HOME: empty })).toThrow("run npm run setup:kubernetes");
  });
});

describe("facts/upstream", () => {
  it("keeps schema facts only: descriptions removed, a property named description kept", () => {
    const schema = { description: "doc", type: "object", properties: { description: { type: "string", description: "doc" }, list: { type: "array", items: { description: "doc", type: "string" } } } };
    expect(stripDescriptions(schema)).toEqual({ type: "object", properties: { description: { type: "string" }, list: { type: "array", items: { type: "string" } } } });
    const crd = { kind: "CustomResourceDefinition", spec: { versions: [{ name: "v1", schema: { openAPIV3Schema: schema }, additionalPrinterColumns: [{ name: "Age", description: "doc" }] }] } };
    expect(JSON.stringify(crdFacts(crd))).not.toContain('"doc"');
  });

  for (const [name, set] of Object.entries(FACT_SETS)) {
    it(`${name}: every file listed with its origin, version, licence and upstream SHA-256; no schema description left`, () => {
      const provenance = JSON.parse(fs.readFileSync(path.join(FACTS_DIR, name, "provenance.json"), "utf8"));
      expect(provenance).toMatchObject({ origin: set.origin, version: set.version, licence: "Apache-2.0" });
      expect(provenance.files.map((f: { file: string }) => f.file)).toEqual([...set.crdFiles, ...set.verbatimFiles]);
      for (const f of provenance.files) expect(f.upstreamSha256).toMatch(/^[0-9a-f]{64}$/);
      for (const file of set.crdFiles) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(FACTS_DIR, name, factFile(set, file)), "utf8")).map((d) => d.toJS());
        expect(docs.map((d) => d.spec.names.kind)).toEqual(provenance.files.find((f: { file: string }) => f.file === file).kinds);
        for (const d of docs) for (const v of d.spec.versions) expect(JSON.stringify(v.schema.openAPIV3Schema)).not.toMatch(/"description":\{?"/);
      }
    });
  }
});
