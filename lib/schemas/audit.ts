import { z } from "zod";
import { textSchema } from "./common";

export const listAuditSchema = z.object({
  actor: textSchema().trim().max(254).optional().transform((s) => s || undefined),
  action: textSchema().trim().max(100).optional().transform((s) => s || undefined),
  user_id: z.uuid().optional().or(z.literal("").transform(() => undefined)),
  result: z.enum(["success", "failure"]).optional().or(z.literal("").transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(10).max(100).default(50),
});
export type ListAuditInput = z.infer<typeof listAuditSchema>;
