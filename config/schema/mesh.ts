import { z } from "zod";

// Placeholder until the mesh stack lands (issue 4).
export const meshSchema = z.strictObject({}).prefault({});

export type MeshSettings = z.output<typeof meshSchema>;
