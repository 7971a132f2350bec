import type { InstanceGap } from "./prices/instances";

/**
 * How the placement engine fails. Every failure is a PlacementError carrying what went
 * wrong as data, so a caller can tell it in its own terms: the config names the field to
 * change (config/placement.ts), `npm run cost` prints the sentence. Anything else thrown
 * from the engine is a bug.
 */
export type PlacementFailure =
  /** The node group's instance type has no shape or price in the table; `gap` says what the data lacks. */
  | { readonly kind: "unknown-instance-type"; readonly instanceType: string; readonly region: string; readonly gap: InstanceGap }
  /** No prices for the region: the data has none, or the price table is for another region. */
  | { readonly kind: "region-without-prices"; readonly region: string }
  /** The service's pod neither fits a node nor may run on Fargate. */
  | { readonly kind: "fits-nowhere"; readonly service: string }
  /** The service is placed explicitly where it cannot run. */
  | { readonly kind: "cannot-run-there"; readonly service: string };

export class PlacementError extends Error {
  constructor(
    readonly failure: PlacementFailure,
    message: string,
  ) {
    super(message);
    this.name = "PlacementError";
  }
}
