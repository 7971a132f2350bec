/** cdktf 0.21 manifests for tests, in the exact shape `cdktf synth` writes. */

/** One manifest stack entry, exactly as cdktf 0.21 writes it. */
export function manifestEntry(name: string, dependencies: string[]) {
  return {
    annotations: [],
    constructPath: name,
    dependencies,
    name,
    stackMetadataPath: `stacks/${name}/metadata.json`,
    synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
    workingDirectory: `stacks/${name}`,
  };
}

/** The platform's stacks, listed out of order on purpose: the order must come from the dependencies. */
export const SAMPLE_MANIFEST = {
  stacks: {
    workloads: manifestEntry("workloads", ["mesh", "cluster", "network"]),
    bootstrap: manifestEntry("bootstrap", []),
    mesh: manifestEntry("mesh", ["cluster"]),
    network: manifestEntry("network", []),
    cluster: manifestEntry("cluster", ["network"]),
  },
  version: "0.21.0",
};

export const PLATFORM_ORDER = ["network", "cluster", "mesh", "workloads"];
