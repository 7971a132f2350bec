import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CONTRACTS, PORT_ENV, requiredEnv, SERVICE_NAMES, type ServiceContract } from "../../apps/services/contract";
import { STARTERS } from "../../apps/services/local/system";
import type { ResolvedService } from "../../apps/catalog";
import { TABLE_ACTIONS } from "../../stacks/workloads/stack";
import { accessProblems, neededAccess } from "../support/service-contract";
import { type Synthesized, synthPlatform, withDev } from "../support/synth";

const STACK = "workloads";

describe("the reference catalog and the services' code agree (apps/services/contract.ts)", () => {
  let s: Synthesized;
  let services: readonly ResolvedService[];
  const deployment = (name: string) => s.resource(STACK, "kubernetes_deployment_v1", `${name}-deployment-v1`).spec.template.spec.container[0];
  const envOf = (name: string): Record<string, string> => Object.fromEntries(deployment(name).env.map((e: { name: string; value: string }) => [e.name, e.value]));
  const catalogService = (name: string) => services.find((x) => x.name === name)!;

  beforeAll(() => {
    s = synthPlatform(withDev());
    services = s.config.workloads.app.services;
  });

  it("every catalog service has code and a contract, and every contract a catalog service", () => {
    expect(services.map((x) => x.name).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(Object.keys(STARTERS).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  describe.each(SERVICE_NAMES)("%s", (name) => {
    const contract: ServiceContract = CONTRACTS[name];

    it("gets exactly the variables its code reads from its Deployment", () => {
      expect(Object.keys(envOf(name)).sort()).toEqual(requiredEnv(contract).sort());
    });

    it("listens on the catalog's port, the container port", () => {
      expect(envOf(name)[PORT_ENV]).toBe(String(catalogService(name).port));
      expect(deployment(name).port[0].container_port).toBe(catalogService(name).port);
    });

    it("answers the catalog's health-check path (the probes' path)", () => {
      expect(catalogService(name).healthCheckPath).toBe(contract.healthPath);
      expect(deployment(name).readiness_probe.http_get.path).toBe(contract.healthPath);
    });

    it("is told its tables' real names", () => {
      const env = envOf(name);
      for (const [table, use] of Object.entries(contract.tables)) expect(env[use.env]).toBe(`\${aws_dynamodb_table.table-${table}.name}`);
    });

    it("reaches each peer at the peer's in-cluster address and port, and depends on it in the mesh", () => {
      const env = envOf(name);
      for (const peer of Object.values(contract.peers)) {
        const target = catalogService(peer.service);
        expect(new URL(env[peer.env]).host).toBe(`${target.name}.${target.namespace}.svc.cluster.local:${target.port}`);
        expect(catalogService(name).dependsOn).toContain(peer.service);
      }
    });

    it("sends, in its source, exactly the DynamoDB operations its contract lists, table by table", () => {
      // Convention of the services: a Table is held in a variable named after the catalog table.
      const dir = path.join(__dirname, "..", "..", "apps", "services", name, "src");
      const source = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
      const method = { getItem: "GetItem", putItem: "PutItem", updateItem: "UpdateItem", query: "Query", scan: "Scan" } as const;
      const calls: Record<string, Set<string>> = {};
      for (const m of source.matchAll(/\b(\w+)\.(getItem|putItem|updateItem|query|scan)\(/g)) (calls[m[1]] ??= new Set()).add(method[m[2] as keyof typeof method]);
      const declared = Object.fromEntries(Object.entries(contract.tables).map(([table, use]) => [table, [...use.ops].sort()]));
      expect(Object.fromEntries(Object.entries(calls).map(([table, ops]) => [table, [...ops].sort()]))).toEqual(declared);
    });

    it("has table access that covers exactly the DynamoDB calls its code makes, granted by its IAM role", () => {
      expect(accessProblems(contract, catalogService(name).tables)).toEqual([]);
      const doc = s.data(STACK, "aws_iam_policy_document")[`${name}-role-permissions`];
      for (const [table, use] of Object.entries(contract.tables)) {
        const statement = doc.statement.find((st: { resources: string[] }) => st.resources[0] === `\${aws_dynamodb_table.table-${table}.arn}`);
        expect(statement.actions).toEqual(expect.arrayContaining(use.ops.map((op) => `dynamodb:${op}`)));
      }
    });
  });
});

describe("access checks between the catalog and the code", () => {
  it("name the least access that covers a set of operations", () => {
    expect(neededAccess(["GetItem"])).toBe("read");
    expect(neededAccess(["PutItem", "UpdateItem"])).toBe("write");
    expect(neededAccess(["PutItem", "Query"])).toBe("readwrite");
    for (const ops of [["GetItem", "Query", "Scan"], ["PutItem", "UpdateItem"]] as const) {
      for (const op of ops) expect(TABLE_ACTIONS[neededAccess(ops)]).toContain(`dynamodb:${op}`);
    }
  });

  it("refuse a service whose code writes to a table it may only read, unused access, and too much access", () => {
    const registro = CONTRACTS["service-registro"];
    expect(accessProblems(registro, { users: "write" })).toEqual(['service-registro calls GetItem, Scan on users but "write" does not allow it; give it "readwrite"']);
    expect(accessProblems(CONTRACTS["service-user"], { users: "readwrite" })).toEqual(['service-user has "readwrite" on users but only needs "read" for GetItem']);
    expect(accessProblems(CONTRACTS["service-chat"], { messages: "readwrite" })).toEqual(["service-chat calls GetItem on users but the catalog gives it no access to users"]);
    expect(accessProblems(CONTRACTS.frontend, { users: "read" })).toEqual(["frontend has access to users but its code never uses it"]);
  });
});
