import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { knownUnavailable } from "../../ops/terraform/providers";
import type { StackDocument } from "../../ops/terraform/stack-copy";
import { summarize, summaryLine } from "../../ops/terraform/test-terraform";
import { validateApp, validationOk } from "../../ops/terraform/validate";
import { initFailure } from "../../ops/terraform/verdict";
import type { ProviderPlan, SynthesizedApp } from "../../ops/terraform/workspace";

/** A one-stack app needing one provider, for the verdicts alone (nothing is synthesized). */
function appNeeding(source: string): SynthesizedApp {
  const doc = { terraform: { required_providers: { p: { source, version: "1.0.0" } } } } as unknown as StackDocument;
  return { label: "verdicts", outdir: "", stacks: ["mesh"], dependencies: new Map(), readDocument: () => doc };
}
const awsOnlyMirror: ProviderPlan = { cliConfigFile: undefined, mirror: { path: "/nowhere", origin: "test", providers: new Map([["registry.terraform.io/hashicorp/aws", ["6.48.0"]]]) } };
const quiet = () => undefined;

describe("test:terraform's verdict on a provider it cannot get", () => {
  it("is 'not validated here' only for kubernetes, helm and http, known by name to be unavailable here", async () => {
    for (const p of ["hashicorp/kubernetes", "registry.terraform.io/hashicorp/helm", "hashicorp/http"]) expect(knownUnavailable(p)).toBe(true);
    for (const p of ["hashicorp/aws", "hashicorp/kubernetess", "hashicorp/random"]) expect(knownUnavailable(p)).toBe(false);
    const v = await validateApp(appNeeding("registry.terraform.io/hashicorp/kubernetes"), awsOnlyMirror, quiet);
    expect(v.stacks[0]).toMatchObject({ status: "unavailable", verdict: "not validated here: provider unavailable (hashicorp/kubernetes)" });
  });

  it("fails the run for any other provider the mirror lacks: a misspelt source is no excuse", async () => {
    const v = await validateApp(appNeeding("registry.terraform.io/hashicorp/kubernetess"), awsOnlyMirror, quiet);
    expect(v.stacks[0]).toMatchObject({ status: "failed", verdict: expect.stringMatching(/^FAILED: no hashicorp\/kubernetess in the provider mirror, and it is not a provider known to be unavailable here/) });
    expect(validationOk({ ...v, stacks: [...v.stacks, { stack: "network", status: "valid", warnings: 0, verdict: "", details: "" }] })).toBe(false);
  });

  it("reads terraform init's failures the same way: only known-unavailable providers are excused", () => {
    const failed = (provider: string) =>
      ["Error: Failed to query available provider packages", "", `Could not retrieve the list of available versions for provider ${provider}: provider registry.terraform.io/${provider} was not found in any of the search locations`].join("\n");
    expect(initFailure(failed("hashicorp/helm"), knownUnavailable)).toEqual({ kind: "provider-unavailable", providers: ["hashicorp/helm"] });
    expect(initFailure(failed("hashicorp/awss"), knownUnavailable)).toEqual({ kind: "other", providers: ["hashicorp/awss"] });
    // A constraint nothing satisfies says the same first line: the provider it names decides.
    expect(initFailure("Error: Failed to query available provider packages\nCould not retrieve the list of available versions for provider hashicorp/random: no available releases match the given constraints 99.0.0", knownUnavailable).kind).toBe("other");
    // Neither a provider named nor a known message: never excused.
    expect(initFailure("Error: Failed to install provider", knownUnavailable)).toEqual({ kind: "other", providers: [] });
  });

  it("with a real terraform init against an empty mirror: helm is excused, a misspelt source fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tf-verdicts-"));
    mkdirSync(join(dir, "mirror"));
    const rc = join(dir, "terraform.rc");
    writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${join(dir, "mirror")}"\n  }\n}\n`);
    const plan: ProviderPlan = { cliConfigFile: rc, mirror: undefined };
    const helm = await validateApp(appNeeding("registry.terraform.io/hashicorp/helm"), plan, quiet);
    expect(helm.stacks[0]).toMatchObject({ status: "unavailable", verdict: "not validated here: provider unavailable (hashicorp/helm)" });
    const typo = await validateApp(appNeeding("registry.terraform.io/hashicorp/hlem"), plan, quiet);
    expect(typo.stacks[0]).toMatchObject({ status: "failed", verdict: "FAILED: terraform init" });
    expect(typo.stacks[0]!.details).toContain("hashicorp/hlem");
  });
});

describe("test:terraform's exit status and CI's figures when something fails", () => {
  it("an invalid or failed stack makes the run fail, and the line says so", () => {
    const validation = { environment: "dev", rewrites: [], stacks: [{ stack: "network", status: "valid" as const, warnings: 0, verdict: "", details: "" }, { stack: "cluster", status: "failed" as const, warnings: 0, verdict: "FAILED: terraform init", details: "" }] };
    const local = { environment: "dev", stacks: [{ stack: "network", status: "passed" as const, reason: "", leftOut: [], applyOk: true, applied: 3, destroyed: 3, differences: [], details: "" }] };
    const s = summarize([validation], [local]);
    expect(s).toMatchObject({ validated: 1, invalid: 1, ok: false });
    expect(summaryLine(s)).toMatch(/^Terraform: 1 stacks valid, 1 invalid, 0 not validated here/);
  });

  it("a failed local-AWS stack or no local-AWS run at all fails it too", () => {
    const validation = { environment: "dev", rewrites: [], stacks: [{ stack: "network", status: "valid" as const, warnings: 0, verdict: "", details: "" }] };
    const failedLocal = { environment: "dev", stacks: [{ stack: "network", status: "failed" as const, reason: "terraform apply failed", leftOut: [], applyOk: false, applied: 0, destroyed: 0, differences: [], details: "" }] };
    expect(summarize([validation], [failedLocal]).ok).toBe(false);
    expect(summarize([validation], []).ok).toBe(false);
  });
});
