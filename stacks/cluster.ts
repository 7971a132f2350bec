import type { Construct } from "constructs";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** Placeholder: the cluster stack is built in its own issue. */
export class ClusterStack extends PlatformStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "cluster", props);
  }
}
