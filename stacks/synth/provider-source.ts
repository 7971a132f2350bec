import type { TerraformStack } from "cdktf";

/** The providers this project uses, by the registry namespace that publishes them. */
const SOURCES = { aws: "hashicorp/aws", kubernetes: "hashicorp/kubernetes", helm: "hashicorp/helm", http: "hashicorp/http" } as const;

/**
 * cdktf writes provider sources as the bare type ("aws"), which OpenTofu resolves
 * ambiguously (opentofu #2402); write the namespace explicitly. Call it next to the
 * provider's construction in every stack that declares one.
 */
export function qualifyProviderSource(stack: TerraformStack, provider: keyof typeof SOURCES): void {
  stack.addOverride(`terraform.required_providers.${provider}.source`, SOURCES[provider]);
}
