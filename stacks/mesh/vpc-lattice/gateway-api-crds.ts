import { Construct } from "constructs";
import { TerraformStack, Token } from "cdktf";
import { DataHttp } from "@cdktf/provider-http/lib/data-http";
import { HttpProvider } from "@cdktf/provider-http/lib/provider";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { GATEWAY_API, gatewayApiCrdUrl } from "../../../facts/charts";
import { CRD_FIELD_MANAGER } from "../../addons/helm-addon";
import { qualifyProviderSource } from "../../synth/provider-source";

export type GatewayApiCrd = keyof typeof GATEWAY_API.crds;

/**
 * The Kubernetes Gateway API CRDs (GATEWAY_API in charts/versions.ts), applied by Terraform
 * like the charts' CRDs (stacks/constructs/helm-addon.ts): each file is downloaded at the
 * pinned tag while planning, refused unless its SHA-256 is the pinned one, decoded, and
 * server-side-applied. A new version and digests in charts/versions.ts upgrade them in the
 * next plan; Helm never would (aws-controllers-k8s community #1419).
 */
export class GatewayApiCrds extends Construct {
  /** One kubernetes_manifest per CRD, by plural (`httproutes`, ...). */
  readonly crds: Record<GatewayApiCrd, Manifest>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    new HttpProvider(stack, "http", {});
    qualifyProviderSource(stack, "http");

    const crds: Partial<Record<GatewayApiCrd, Manifest>> = {};
    for (const [plural, sha256] of Object.entries(GATEWAY_API.crds) as [GatewayApiCrd, string][]) {
      const file = new DataHttp(this, `file-${plural}`, {
        url: gatewayApiCrdUrl(plural),
        requestHeaders: { Accept: "application/yaml" },
        retry: { attempts: 3, minDelayMs: 1000, maxDelayMs: 10000 },
        lifecycle: {
          postcondition: [
            { condition: "${self.status_code == 200}", errorMessage: `Downloading the Gateway API ${GATEWAY_API.version} CRD ${plural} failed (HTTP status is not 200).` },
            {
              condition: `\${sha256(self.response_body) == "${sha256}"}`,
              errorMessage: `The Gateway API ${GATEWAY_API.version} CRD ${plural} does not have the SHA-256 pinned in charts/versions.ts; refusing to apply it.`,
            },
          ],
        },
      });
      file.overrideLogicalId(`gateway-api-${plural}-file`);
      // kubernetes_manifest refuses `status`, which the API server owns (upstream files carry an empty one).
      const manifest = new Manifest(this, plural, {
        manifest: Token.asAnyMap(`\${{ for key, value in yamldecode(${file.fqn}.response_body) : key => value if key != "status" }}`),
        fieldManager: { name: CRD_FIELD_MANAGER, forceConflicts: true },
      });
      manifest.overrideLogicalId(`gateway-api-crd-${plural}`);
      crds[plural] = manifest;
    }
    this.crds = crds as Record<GatewayApiCrd, Manifest>;
  }
}
