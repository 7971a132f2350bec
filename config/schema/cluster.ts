import { z } from "zod";

// Placeholder until the cluster stack lands (issue 3): the shape other stacks rely on.
export const clusterSchema = z.strictObject({}).prefault({});

export type ClusterSettings = z.output<typeof clusterSchema>;
