export { CATALOG_FILE_EXTENSIONS, CATALOG_FILE_PATTERN, type CatalogOrigin, catalogLocation, loadCatalog, type LoadedCatalog, type ShippedCatalogs } from "./load";
export { defineCatalog } from "./define";
export * from "./types";
export { checkCatalog, formatCatalogPath, resolveCatalog, type CatalogIssue } from "./validate";
export { resolvePlacement } from "./placement";
