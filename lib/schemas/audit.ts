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

/** A checkpoint exported earlier (lib/audit/chain.ts): the position and hash of the chain's head then. */
export const checkpointSchema = z.object({
  seq: z.union([z.string().regex(/^\d{1,18}$/, "seq must be a whole number."), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]).transform((seq) => BigInt(seq)),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "hash must be 64 lowercase hexadecimal digits."),
});

/** Checkpoints as text: one JSON object a line (as exported), or a JSON array of them. */
export const checkpointsTextSchema = z
  .string()
  .max(100_000)
  .transform((text, ctx) => {
    const trimmed = text.trim();
    if (!trimmed) return [];
    try {
      const parsed: unknown = trimmed.startsWith("[") ? JSON.parse(trimmed) : trimmed.split(/\r?\n/).filter((line) => line.trim()).map((line) => JSON.parse(line));
      return parsed;
    } catch {
      ctx.addIssue({ code: "custom", message: "Checkpoints must be JSON: one exported checkpoint a line, or a list of them." });
      return z.NEVER;
    }
  })
  .pipe(z.array(checkpointSchema).max(1_000));

export const verifyAuditSchema = z.object({ checkpoints: checkpointsTextSchema.prefault("") });
export type VerifyAuditInput = z.output<typeof verifyAuditSchema>;

/** The export of the filtered log: the logs page's filters, and the format. */
export const exportAuditSchema = listAuditSchema.omit({ page: true, per_page: true }).extend({
  format: z.enum(["csv", "ndjson"], { error: "format must be csv or ndjson." }).default("ndjson"),
});
export type ExportAuditInput = z.infer<typeof exportAuditSchema>;
