import { z } from "zod";
import { EVALUATED_HOOK_KINDS, USER_ACTIONS } from "./access";
import { textSchema } from "./common";
import { HOOK_CODE_MAX_CHARS } from "./hook";

export const IMPACT_DEFAULT_TIME_LIMIT_MS = 30_000;
export const IMPACT_MAX_ADMINS = 500;

/** A preview of what deploying a draft changes for each admin (lib/access/impact-preview.ts). */
export const impactPreviewSchema = z
  .object({
    kind: z.enum(EVALUATED_HOOK_KINDS, { error: "Only a Filter, Access, Memberships Query or Settings Query Hook draft can be previewed." }),
    code: textSchema()
      .trim()
      .min(1, "Enter the draft's code.")
      .max(HOOK_CODE_MAX_CHARS, `A hook can be at most ${HOOK_CODE_MAX_CHARS / 1000} KB of code.`)
      .optional()
      .describe("The draft's code; or `version`, a saved version of the hook."),
    version: z.number({ error: "version must be a version number." }).int().min(1).optional(),
    timeout_ms: z.number().int().min(50).max(10_000).optional().describe("The draft's timeout; by default the deployed hook's (500 ms without one)."),
    admins: z
      .array(z.uuid("Each admin must be a user id."))
      .min(1, "Choose at least one admin, or leave admins out for all of them.")
      .max(IMPACT_MAX_ADMINS, `At most ${IMPACT_MAX_ADMINS} admins at a time.`)
      .optional()
      .describe("The admins to preview for; by default every user with a Delegated Admin role."),
    time_limit_ms: z
      .number()
      .int()
      .min(1)
      .max(120_000, "The time limit is at most 120000 ms.")
      .default(IMPACT_DEFAULT_TIME_LIMIT_MS)
      .describe("After this, no further admin is started: the answer is partial."),
    sample_size: z.number().int().min(1).max(100).default(20).describe("How many users the Access Hook is asked about (every action)."),
  })
  .strict()
  .superRefine((input, ctx) => {
    if ((input.code === undefined) === (input.version === undefined)) {
      ctx.addIssue({ code: "custom", path: ["code"], message: "Send the draft's code or a version number (one of them)." });
    }
  });
export type ImpactPreviewInput = z.input<typeof impactPreviewSchema>;
export type ImpactPreviewOptions = z.output<typeof impactPreviewSchema>;

const userRef = z.object({ id: z.string(), email: z.string() });
const sides = <T extends z.ZodType>(value: T) => z.object({ before: value, after: value });

export const visibilityImpactSchema = z.object({
  before: z.number().nullable().describe("The admin's list total with the deployed hook; null when it fails for them."),
  after: z.number().nullable().describe("The same with the draft."),
  newly_visible: z.number(),
  no_longer_visible: z.number(),
  first_newly_visible: z.array(userRef).describe("The first 5 by email."),
  first_no_longer_visible: z.array(userRef),
  errors: sides(z.string().nullable()).describe("A hook failure makes the list fail: the admin sees nobody on that side."),
});

export const actionChangeSchema = z.object({
  action: z.enum(USER_ACTIONS),
  change: z.enum(["allowed", "denied"]),
  users: z.array(userRef.extend({ memberships: z.array(z.string()) })),
});

export const actionsImpactSchema = z.object({
  sampled_users: z.number(),
  newly_allowed: z.number().describe("(user, action) pairs of the sample the draft allows and the deployed version denies."),
  newly_denied: z.number(),
  changes: z.array(actionChangeSchema),
});

export const membershipsImpactSchema = z.object({
  before: z.array(z.string()),
  after: z.array(z.string()),
  gained: z.array(z.string()),
  lost: z.array(z.string()),
  create_memberships: sides(z.boolean()),
  errors: sides(z.string().nullable()),
});

export const settingsImpactSchema = z.object({
  can_create_user: sides(z.boolean()),
  changed: z.array(z.string()).describe("The settings (top-level keys of the result) that differ."),
  errors: sides(z.string().nullable()),
});

export const adminImpactSchema = z.object({
  admin: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  changed: z.boolean(),
  summary: z.string().describe('One line, e.g. "kelly@example.com: +240 visible, −3; may now delete IT users".'),
  error: z.string().nullable().describe("Why nothing was computed for this admin (blocked, no role)."),
  visibility: visibilityImpactSchema.nullable().describe("Filter Hook drafts."),
  actions: actionsImpactSchema.nullable().describe("Access Hook drafts."),
  memberships: membershipsImpactSchema.nullable().describe("Memberships Query Hook drafts."),
  settings: settingsImpactSchema.nullable().describe("Settings Query Hook drafts."),
});
export type AdminImpact = z.infer<typeof adminImpactSchema>;

export const impactPreviewResultSchema = z.object({
  kind: z.enum(EVALUATED_HOOK_KINDS),
  version: z.number().nullable().describe("The previewed version, when one was named."),
  deployed_version: z.number().nullable(),
  admins_total: z.number(),
  admins_done: z.number(),
  partial: z.boolean().describe("The time limit stopped the preview before every admin was done."),
  time_limit_ms: z.number(),
  duration_ms: z.number(),
  admins: z.array(adminImpactSchema),
});
export type ImpactPreview = z.infer<typeof impactPreviewResultSchema>;
