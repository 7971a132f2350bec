/**
 * The EKS side of `npm run upgrade` against moto: the calls moto implements (CreateCluster,
 * CreateNodegroup, DescribeCluster, ListNodegroups, DescribeNodegroup; moto 5 has no
 * UpdateClusterVersion, UpdateNodegroupVersion nor add-ons, so those stay on the stubs in
 * upgrade.test.ts). Without moto this fails, naming the setup step (startMoto).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eksPort } from "../../ops/upgrade/aws";
import { planPhases, type Ports } from "../../ops/upgrade/phases";
import { startMoto, type MotoServer } from "../../ops/terraform/moto-server";

let moto: MotoServer;
const region = "us-east-1";

/** moto's EKS REST API, to set up what the test reads (the SDK is what is under test). */
async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${moto.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `AWS4-HMAC-SHA256 Credential=testing/20261202/${region}/eks/aws4_request` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`moto ${path}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "testing";
  process.env.AWS_SECRET_ACCESS_KEY = "testing";
  moto = await startMoto(join(__dirname, "..", ".."), () => {});
  const vpc = { subnetIds: ["subnet-0aa", "subnet-0bb"] };
  await post("/clusters", { name: "platform-dev-eks", version: "1.33", roleArn: "arn:aws:iam::123456789012:role/eks", resourcesVpcConfig: vpc });
  await post("/clusters/platform-dev-eks/node-groups", {
    nodegroupName: "system",
    nodeRole: "arn:aws:iam::123456789012:role/node",
    subnets: vpc.subnetIds,
    version: "1.32",
  });
}, 90_000);

afterAll(async () => {
  await moto?.stop();
});

describe("npm run upgrade against moto's EKS", () => {
  it("reads the cluster's version and status, and each node group's, through @aws-sdk/client-eks", async () => {
    const eks = await eksPort({ region, endpoint: moto.url });
    expect(await eks.describeCluster("platform-dev-eks")).toEqual({ version: "1.33", status: "ACTIVE" });
    expect(await eks.listNodegroups("platform-dev-eks")).toEqual(["system"]);
    expect(await eks.describeNodegroup("platform-dev-eks", "system")).toMatchObject({ version: "1.32", status: "ACTIVE" });
  });

  it("fails the node group check while a group is behind the control plane", async () => {
    const eks = await eksPort({ region, endpoint: moto.url });
    const phase = planPhases(
      { clusterName: "platform-dev-eks", version: "1.32", addons: [], nodeGroups: [{ name: "system", version: "1.32" }] },
      { version: "1.33", addons: [], nodeGroups: ["system"] },
    ).find((p) => p.id === "node-groups");
    const ports: Ports = {
      eks,
      kube: { nodes: async () => [], pods: async () => [], rolloutRestart: async () => {}, waitAvailable: async () => {} },
      deploy: async () => {},
      sleep: async () => {},
      attempts: 1,
    };
    await expect(phase?.run(ports)).rejects.toThrow("node group system is at 1.32 (ACTIVE), not 1.33 ACTIVE");
  });
});
