/** Plan JSON fixtures (the exact shape of `terraform show -json`) and builders for tests. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(__dirname, "..", "fixtures");

export function loadFixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as unknown;
}

/** Every value the fixtures mark sensitive; none may ever reach a comment. */
export const SENSITIVE_VALUES = [
  "BEFORE-SECRET-KEY-0001",
  "AFTER-SECRET-KEY-0002",
  "SENSITIVE-POLICY-TEXT-0003",
  "SENSITIVE-POLICY-TEXT-0004",
  "LS0tLS1CRUdJTi-CA-DATA-0005",
  "OUTPUT-SECRET-0006",
  "OUTPUT-SECRET-0007",
];

/** A plan with `count` changes of one type (creates of security group rules by default), in terraform show -json's format. */
export function largePlan(count: number, type = "aws_security_group_rule", actions: string[] = ["create"]): unknown {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: {} },
    resource_changes: Array.from({ length: count }, (_, i) => ({
      address: `${type}.rule_${String(i).padStart(5, "0")}_with_a_long_descriptive_name`,
      mode: "managed",
      type,
      name: `rule_${i}`,
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions,
        before: null,
        after: { from_port: i, to_port: i },
        after_unknown: { id: true },
        before_sensitive: false,
        after_sensitive: {},
      },
    })),
    applyable: true,
    complete: true,
    errored: false,
  };
}

/** Plan text shaped like `terraform show -no-color`, `lines` resource blocks long. */
export function largePlanText(lines: number): string {
  const out = ["Terraform will perform the following actions:", ""];
  for (let i = 0; i < lines; i++) {
    out.push(`  # aws_security_group_rule.rule_${i} will be created`, `  + resource "aws_security_group_rule" "rule_${i}" {`, `      + from_port = ${i}`, "    }", "");
  }
  out.push(`Plan: ${lines} to add, 0 to change, 0 to destroy.`);
  return out.join("\n");
}
