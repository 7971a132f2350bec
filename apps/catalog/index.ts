export { CATALOG_FILE_EXTENSIONS, CATALOG_FILE_PATTERN, CATALOG_FILES, CATALOG_NAMES, CATALOGS, type CatalogName, type CatalogOrigin, catalogLocation, isCatalogName, loadCatalog, type LoadedCatalog } from "./load";
export { defineCatalog } from "./define";
export * from "./types";
export { checkCatalog, formatCatalogPath, resolveCatalog, type CatalogIssue } from "./validate";
export { resolvePlacement } from "./placement";
