import type { CatalogInput } from "./types";

/** Identity function that gives a catalog written in TypeScript editor completion and type errors. */
export function defineCatalog(catalog: CatalogInput): CatalogInput {
  return catalog;
}
