import { TerraformDataSource, type TerraformResource, TerraformStack } from "cdktf";

/**
 * Records, next to the resource in cdk.tf.json, that a Checkov check is deliberately
 * skipped and why. Checkov takes `checkov:skip=<ID>:<reason>` from any line inside a
 * block's line range, so the skip goes into the block's "//" comment key. It is written
 * through a stack override because cdktf rebuilds a data source's "//" key on synth.
 * The reason is mandatory: every exception is reviewed in code, never in a CI flag.
 */
export function skipCheck(element: TerraformResource | TerraformDataSource, checkId: string, reason: string): void {
  if (!/^CKV2?_[A-Z0-9]+_\d+$/.test(checkId)) throw new Error(`skipCheck: "${checkId}" is not a Checkov check id`);
  if (reason.trim().length < 20) throw new Error(`skipCheck(${checkId}): give a real reason, not "${reason}"`);
  const block = element instanceof TerraformDataSource ? "data" : "resource";
  const skips = registry.get(element) ?? [];
  skips.push(`checkov:skip=${checkId}:${reason}`);
  registry.set(element, skips);
  TerraformStack.of(element).addOverride(`${block}.${element.terraformResourceType}.${element.friendlyUniqueId}.//.checkov`, [...skips]);
}

const registry = new WeakMap<TerraformResource | TerraformDataSource, string[]>();
