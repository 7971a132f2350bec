import { referenceCatalog } from "./reference";
import type { CatalogInput } from "./types";
import { yelbCatalog } from "./yelb";

/** The catalogs shipped with the platform, selected by `workloads.catalog`. */
export const CATALOGS = {
  reference: referenceCatalog,
  yelb: yelbCatalog,
} as const satisfies Record<string, CatalogInput>;

export type CatalogName = keyof typeof CATALOGS;
export const CATALOG_NAMES = Object.keys(CATALOGS) as CatalogName[];

/** Where each catalog is written, for messages. */
export const CATALOG_FILES: Record<CatalogName, string> = { reference: "apps/reference.ts", yelb: "apps/yelb.ts" };

export * from "./types";
export { checkCatalog, formatCatalogPath, resolveCatalog, type CatalogIssue } from "./validate";
export { resolvePlacement } from "./placement";
