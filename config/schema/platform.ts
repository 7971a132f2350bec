import { z } from "zod";
import { dnsLabel, region, tags } from "./common";

export const platformSchema = z
  .strictObject({
    /**
     * Prefix of every AWS name the platform creates (`<name>-<environment>-<purpose>`).
     * @default "eksmesh"
     */
    name: dnsLabel("platform name", 16).default("eksmesh"),
    /**
     * Environment label in names, tags and state paths, so dev and prod never share state.
     * @default "dev"
     */
    environment: dnsLabel("environment name", 10).default("dev"),
    /** @default "us-east-1" */
    region: region.default("us-east-1"),
    /** Tags added to every resource, after the platform's own. @default {} */
    tags: tags.default({}),
  })
  .prefault({});

export type PlatformSettings = z.output<typeof platformSchema>;
