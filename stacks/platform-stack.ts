import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { PlatformConfig } from "../config/schema";
import { type Contract, type ContractValues, readOutputs } from "./contracts";
import { qualifyProviderSource } from "./synth/provider-source";
import { NO_STAND_INS, type PlanStandIns, standInDefaults } from "./synth/plan-stand-ins";
import { configureBackend, remoteState } from "./constructs/state-backend";
import { Naming, type StackName } from "../facts/naming";

export interface PlatformStackProps {
  /** The validated, resolved configuration. */
  readonly config: PlatformConfig;
  /** Stand-ins for upstream outputs, pull-request plans only. @default none */
  readonly planStandIns?: PlanStandIns;
}

/**
 * What every platform stack shares: its backend (from config), the AWS provider with the
 * platform's default tags, and typed reads of upstream stacks' outputs.
 */
export abstract class PlatformStack extends TerraformStack {
  readonly naming: Naming;
  readonly config: PlatformConfig;
  private readonly planStandIns: PlanStandIns;

  protected constructor(scope: Construct, readonly stackName: StackName, props: PlatformStackProps) {
    super(scope, stackName);
    this.config = props.config;
    this.planStandIns = props.planStandIns ?? NO_STAND_INS;
    this.naming = new Naming(props.config.platform);
    configureBackend(this, stackName, props.config.state, props.config.platform.environment);
    new AwsProvider(this, "aws", {
      region: props.config.platform.region,
      defaultTags: [{ tags: this.naming.tags(stackName) }],
    });
    qualifyProviderSource(this, "aws");
  }

  /** Typed outputs of an upstream stack, read from its state through this stack's backend. */
  protected upstream<C extends Contract>(stack: StackName, contract: C): ContractValues<C> {
    const s = this.planStandIns;
    const standIns = s.enabled ? { defaults: standInDefaults(stack, contract), unapplied: s.unapplied.includes(stack) } : undefined;
    const remote = remoteState(this, stack, this.config.state, this.config.platform.environment, standIns);
    return readOutputs(remote, contract);
  }
}
