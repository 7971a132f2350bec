import type { PriceFigure } from "../../placement/prices";

/**
 * Mesh prices, US East (N. Virginia), USD: Amazon VPC Lattice's three dimensions, and AWS
 * App Mesh (no charge of its own: its cost is the Envoy sidecar's requests, which the pod
 * sizing already counts). Taken on 2026-11-30 from the stored public copies the project's
 * search tool serves: the pricing page renders its rate table dynamically, so the figures
 * are those its us-east-1 pricing examples state.
 */
export interface MeshPriceTable {
  readonly region: string;
  readonly takenOn: string;
  readonly lattice: {
    /** Each Lattice service (one per carried catalog service), per hour or partial hour. */
    readonly serviceHourly: PriceFigure;
    /** Each GB of requests and responses through a service. */
    readonly perGbProcessed: PriceFigure;
    /** Each million HTTP requests a service receives, after the hourly free requests. */
    readonly perMillionRequests: PriceFigure;
    /** Requests per hour not charged (the page deducts them from each hour's count). */
    readonly freeRequestsPerHour: number;
  };
  readonly appMesh: PriceFigure;
}

const LATTICE_SOURCE = "https://aws.amazon.com/vpc/lattice/pricing/";
const LATTICE_NOTE = "US East (N. Virginia) figure stated in the page's pricing examples; the rate table itself renders dynamically and could not be read.";

export const MESH_PRICES_US_EAST_1: MeshPriceTable = {
  region: "us-east-1",
  takenOn: "2026-11-30",
  lattice: {
    serviceHourly: { value: 0.025, unit: "USD per service-hour", source: LATTICE_SOURCE, note: LATTICE_NOTE },
    perGbProcessed: { value: 0.025, unit: "USD per GB processed", source: LATTICE_SOURCE, note: LATTICE_NOTE },
    perMillionRequests: { value: 0.1, unit: "USD per million requests", source: LATTICE_SOURCE, note: `${LATTICE_NOTE} The first 300,000 requests in each hour are free.` },
    freeRequestsPerHour: 300_000,
  },
  appMesh: {
    value: 0,
    unit: "USD",
    source: "https://aws.amazon.com/app-mesh/pricing/",
    note: "\"There is no additional charge for using AWS App Mesh\": you pay for the Envoy sidecars' compute. App Mesh stopped operating on 2026-09-30.",
  },
};
