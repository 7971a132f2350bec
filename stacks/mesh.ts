import type { Construct } from "constructs";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** Placeholder: the mesh stack is built in its own issue. */
export class MeshStack extends PlatformStack {
  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, "mesh", props);
  }
}
