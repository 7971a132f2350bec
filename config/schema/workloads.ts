import { z } from "zod";
import { CATALOG_NAMES, type CatalogName, SHIPPED_CATALOGS } from "../../apps";
import { CATALOG_FILE_PATTERN, type CatalogOrigin, catalogLocation, loadCatalog, resolveCatalog, type ResolvedCatalog } from "../../apps/catalog";
import { intInRange } from "../../input/fields";

const notACatalog = (i: { input: unknown }) =>
  `${JSON.stringify(i.input)} is not a catalog; use one of ${CATALOG_NAMES.join(", ")} (files in apps/) or the path of a .yaml, .yml, .json or .ts catalog file`;

/**
 * The workloads stack: which service catalog (apps/) to deploy, and the few settings that
 * belong to an environment rather than to the catalog (table protection, image retention).
 * The selected catalog is checked and resolved here, so a broken catalog refuses the
 * whole config with messages naming the catalog file and the service.
 */
export const workloadsSchema = z
  .strictObject({
    /**
     * Which catalog to deploy: a shipped one by name, "reference" (apps/reference.ts, seed 000)
     * or "yelb" (apps/yelb.ts), or the path of a team's own catalog file (.yaml, .yml, .json,
     * or .ts exporting it); a relative path starts at the folder of the environment file that names it.
     * @default "reference"
     */
    catalog: z
      .union([z.enum(CATALOG_NAMES as [CatalogName, ...CatalogName[]]), z.string().regex(CATALOG_FILE_PATTERN, { error: notACatalog })], { error: notACatalog })
      .default("reference"),
    /**
     * Per DynamoDB table of the catalog: `allowDestroy: true` lifts deletion protection and
     * Terraform's prevent_destroy, the deliberate first step before deleting a table.
     * @default {} (every table protected)
     */
    tables: z.record(z.string(), z.strictObject({ allowDestroy: z.boolean().default(false) })).default({}),
    /** ECR repositories the catalog's `{ ecr }` images live in. */
    ecr: z
      .strictObject({
        /** Images each repository keeps; older ones expire. @default 30 */
        keepImages: intInRange("ecr.keepImages", 1, 1000).default(30),
      })
      .prefault({}),
  })
  .prefault({})
  .transform((w, ctx) => {
    const loaded = loadCatalog(w.catalog, SHIPPED_CATALOGS);
    if ("error" in loaded) {
      ctx.issues.push({ code: "custom", path: ["catalog"], input: w.catalog, message: loaded.error });
      return z.NEVER;
    }
    const { catalog, issues } = resolveCatalog(loaded.input);
    for (const issue of issues) {
      ctx.issues.push({ code: "custom", path: ["catalog"], input: w.catalog, message: `${catalogLocation(loaded.origin, issue.path, loaded.lineOf(issue.path))}: ${issue.message}` });
    }
    if (!catalog) return z.NEVER;
    const tableNames = Object.keys(catalog.tables);
    for (const name of Object.keys(w.tables)) {
      if (!tableNames.includes(name)) {
        const have = tableNames.length ? `it defines ${tableNames.join(", ")}` : "it defines no tables";
        ctx.issues.push({ code: "custom", path: ["tables", name], input: w.tables[name], message: `the "${w.catalog}" catalog has no table "${name}"; ${have}` });
      }
    }
    const app: ResolvedCatalog = catalog;
    const origin: CatalogOrigin = loaded.origin;
    // Every table of the catalog gets its setting, protected unless lifted.
    const tables: Record<string, { readonly allowDestroy: boolean }> = Object.fromEntries(tableNames.map((name) => [name, { allowDestroy: w.tables[name]?.allowDestroy ?? false }]));
    return { ...w, tables, app, origin };
  });

export type WorkloadsSettings = z.output<typeof workloadsSchema>;
