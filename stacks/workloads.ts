import type { Construct } from "constructs";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** Placeholder: the workloads stack is built in its own issue. */
export class WorkloadsStack extends PlatformStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "workloads", props);
  }
}
