import { defineConfig, dev } from "../project";

// dev with App Mesh TLS between services (mesh.tls.mode strict: TLS listeners and client policies on the virtual nodes).
// For npm run test:kubernetes only (docs/kubernetes-checks.md: the configurations it checks).
export default defineConfig({
  ...dev,
  platform: { ...dev.platform, environment: "mesh-tls" },
  mesh: { ...dev.mesh, tls: { mode: "strict" } },
});
