import { z } from "zod";
import { dnsLabel, region, tags } from "../../input/fields";

export const ORCHESTRATORS = ["eks", "ecs"] as const;
export type Orchestrator = (typeof ORCHESTRATORS)[number];

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
    /**
     * What runs the catalog: "eks" (cluster, mesh and workloads stacks) or "ecs" (ecs-cluster
     * and ecs-services stacks, settings in `ecs`). The network stack is the same for both.
     * @default "eks"
     */
    orchestrator: z.enum(ORCHESTRATORS, { error: (i) => `${JSON.stringify(i.input)} is not an orchestrator; use one of ${ORCHESTRATORS.join(", ")}` }).default("eks"),
    /**
     * True declares the environment throwaway: nothing in it is kept or served to real users.
     * Only a throwaway environment may serve plain HTTP (edge.insecurePlainHttpForThrowawayEnvironment);
     * the name of the environment decides nothing.
     * @default false
     */
    throwaway: z.boolean({ error: (i) => `${JSON.stringify(i.input)} is not true or false` }).default(false),
  })
  .prefault({});

export type PlatformSettings = z.output<typeof platformSchema>;
