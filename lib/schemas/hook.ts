import { z } from "zod";
import { textSchema } from "./common";
import { HOOK_KINDS } from "@/lib/hooks/kinds";

export const hookKindSchema = z.enum(HOOK_KINDS, { error: "Unknown hook kind." });
export const HOOK_CODE_MAX_CHARS = 100_000;

export const saveHookSchema = z.object({
  kind: hookKindSchema,
  code: textSchema({ error: "Enter the hook's code." })
    .trim()
    .min(1, "Enter the hook's code.")
    .max(HOOK_CODE_MAX_CHARS, `A hook can be at most ${HOOK_CODE_MAX_CHARS / 1000} KB of code.`),
  enabled: z.boolean().default(true),
  timeoutMs: z.coerce
    .number({ error: "The timeout must be a number of milliseconds." })
    .int("The timeout must be a whole number of milliseconds.")
    .min(50, "The timeout must be at least 50 ms.")
    .max(10_000, "The timeout must be at most 10,000 ms.")
    .default(500),
  /** An optional note for the version list. */
  note: textSchema().trim().max(200, "A note can be at most 200 characters.").optional(),
  /**
   * true: save a draft, a version that does not run. Absent or false: save and deploy, as every save did
   * before drafts existed (so callers that predate drafts keep their meaning).
   */
  draft: z.boolean().optional(),
});
export type SaveHookInput = z.infer<typeof saveHookSchema>;

export const restoreHookVersionSchema = z.object({ kind: hookKindSchema, version: z.coerce.number().int().min(1) });
export const setHookEnabledSchema = z.object({ kind: hookKindSchema, enabled: z.boolean() });

/** The Runner: code from the editor (saved or not) against an editable JSON context. */
export const runHookDraftSchema = z.object({
  kind: hookKindSchema,
  code: textSchema().max(HOOK_CODE_MAX_CHARS, `A hook can be at most ${HOOK_CODE_MAX_CHARS / 1000} KB of code.`),
  context: textSchema()
    .max(256 * 1024, "The context can be at most 256 KB of JSON.")
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `The context is not valid JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  timeoutMs: z.coerce.number().int().min(50).max(10_000).default(500),
});
export type RunHookDraftInput = z.infer<typeof runHookDraftSchema>;

export const setHookSecretSchema = z.object({
  name: textSchema({ error: "Enter the secret's name." })
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "A secret's name is a letter or _ followed by letters, digits or _ (at most 64)."),
  value: textSchema({ error: "Enter the secret's value." }).min(1, "Enter the secret's value.").max(4096, "A secret can be at most 4 KB."),
});
export type SetHookSecretInput = z.infer<typeof setHookSecretSchema>;
export const deleteHookSecretSchema = setHookSecretSchema.pick({ name: true });
