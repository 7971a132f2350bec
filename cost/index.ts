// Public API of the cost model, for the stacks and the real catalogs.
export type {
  Architecture,
  CapacityType,
  ContainerRequest,
  CostInput,
  CostService,
  DaemonSetRequest,
  DynamoDbInput,
  FargateSize,
  LogsInput,
  NodeGroupInput,
  Placement,
  PlacementConstraints,
  PodDemand,
  Target,
} from "../placement/types";
export { REFERENCE_SYSTEM, SCALED_SYSTEM, EXAMPLES } from "./example";
export { DEFAULT_DAEMONSETS, DEFAULT_ENVOY, loadCostInput, resolveCostInput, type ResolvedCostInput } from "../placement/input";
export { DEFAULT_PRICES, applyPriceOverride, instanceHourly, loadPrices, type PriceFigure, type PriceTable } from "../placement/prices";
export { fargateHourly, fargateSize, podDemand, tryFargateSize } from "../placement/fargate-sizing";
export { nodeCapacity, type NodeCapacity, type NodeShape } from "../placement/node-capacity";
export { firstFitDecreasing, type PodItem } from "../placement/bin-packing";
export {
  evaluatePlacement,
  exhaustivePlacement,
  optimizePlacement,
  placementLowerBound,
  type OptimizeOptions,
  type OptimizeResult,
  type PlacementProblem,
} from "../placement/optimizer";
export { buildCostReport, decidePlacement, SCENARIOS, type CostReport, type ScenarioCost, type ScenarioId } from "./model";
export { formatReport } from "./table";
export { renderScenarioChart, renderUtilizationChart } from "./chart";
export { utilizationCurve } from "./utilization";
export { CostValidationError } from "../placement/validation";
export { runCli } from "./command";
