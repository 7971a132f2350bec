import type { ShippedCatalogs } from "./catalog";
import { referenceCatalog } from "./reference";
import { yelbCatalog } from "./yelb";

/** The catalogs shipped with the platform, selected by name in `workloads.catalog`. */
export const CATALOGS = {
  reference: referenceCatalog,
  yelb: yelbCatalog,
};

export type CatalogName = keyof typeof CATALOGS;
export const CATALOG_NAMES = Object.keys(CATALOGS) as CatalogName[];

/** Where each shipped catalog is written, for messages. */
export const CATALOG_FILES: Record<CatalogName, string> = { reference: "apps/reference.ts", yelb: "apps/yelb.ts" };

/** The shipped catalogs as the catalog loader takes them. */
export const SHIPPED_CATALOGS: ShippedCatalogs = { catalogs: CATALOGS, files: CATALOG_FILES };
