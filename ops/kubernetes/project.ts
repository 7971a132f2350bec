/**
 * The only place the Kubernetes checks reach into the project's own code (stacks/, config/).
 * Everything else under ops/kubernetes reads the synthesized cdk.tf.json, which the layout
 * of those folders does not change; after a move, re-point these lines and nothing else.
 */
export { defineConfig } from "../../config/define";
export { default as dev } from "../../config/environments/dev";
export { DEFAULT_KUBERNETES_VERSION } from "../../facts/eks";
export { CHARTS, GATEWAY_API } from "../../charts/versions";
