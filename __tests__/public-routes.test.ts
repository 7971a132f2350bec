import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { refusal } from "./support/config";
import { scratchDir, synthPlatform, withDev } from "./support/synth";

// Two public services on one load balancer: "/" and "/api". Neither may shadow the other.
const dir = scratchDir("eks-mesh-routes-");
const service = (name: string, publicPath: string) =>
  `  - name: ${name}\n    namespace: ${name}\n    image: { ecr: ${name}, tag: "1.0.0" }\n    port: 8080\n    cpu: { request: 240, limit: 500 }\n    memory: { request: 256, limit: 512 }\n    placement: fargate\n    public: { path: "${publicPath}" }\n`;
const catalog = (file: string, ...services: string[]) => {
  const full = path.join(dir, file);
  fs.writeFileSync(full, `name: shop\nservices:\n${services.join("")}`);
  return full;
};

describe("public services sharing the load balancer", () => {
  it("order the ingress group's rules most specific path first, so \"/\" cannot take \"/api\"'s requests", () => {
    // "web" sorts before "zapi" by name: without an order, "/" would be evaluated first.
    const s = synthPlatform(withDev({ workloads: { catalog: catalog("two.yaml", service("web", "/"), service("zapi", "/api")) } }));
    const order = (name: string) => s.resource("workloads", "kubernetes_ingress_v1", `${name}-ingress`).metadata.annotations["alb.ingress.kubernetes.io/group.order"];
    expect(order("zapi")).toBe("1");
    expect(order("web")).toBe("2");
  });

  it("a single public service gets no order (nothing to shadow)", () => {
    const s = synthPlatform(withDev());
    expect(s.resource("workloads", "kubernetes_ingress_v1", "frontend-ingress").metadata.annotations).not.toHaveProperty(["alb.ingress.kubernetes.io/group.order"]);
  });

  it("refuses two services on the same path, trailing slash or not", () => {
    const text = refusal(withDev({ workloads: { catalog: catalog("same.yaml", service("web", "/shop"), service("api", "/shop/")) } }));
    expect(text).toMatch(/catalog same\.yaml:\d+ services\.api\.public\.path: "\/shop\/" is also web's public path; the load balancer would send its requests to one of the two and the other would be unreachable\. Give each public service a path of its own/);
  });
});
