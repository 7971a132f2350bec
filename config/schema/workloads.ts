import { z } from "zod";

// Placeholder until the workloads stack lands (issue 5).
export const workloadsSchema = z.strictObject({}).prefault({});

export type WorkloadsSettings = z.output<typeof workloadsSchema>;
