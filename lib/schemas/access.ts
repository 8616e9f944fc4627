import { z } from "zod";
import { textSchema } from "./common";
import { HOOK_CODE_MAX_CHARS } from "./hook";

/** Every action of the Access Hook contract (lib/users/access.ts), checked for one user. */
export const USER_ACTIONS = [
  "read:user",
  "delete:user",
  "change:profile",
  "change:email",
  "change:username",
  "change:password",
  "block:user",
  "unblock:user",
  "read:logs",
  "verify:email",
  "reset:password",
  "send:verification-email",
  "send:invitation",
  "revoke:invitation",
  "revoke:sessions",
] as const;

/** Beside the Access Hook's actions: whether the user is in the admin's list, and creating a user in a membership. */
export const EVALUATED_ACTIONS = [...USER_ACTIONS, "list:user", "create:user"] as const;
export type EvaluatedAction = (typeof EVALUATED_ACTIONS)[number];

/** The hooks whose draft an evaluation can run instead of the saved one. */
export const EVALUATED_HOOK_KINDS = ["filter", "access", "memberships", "settings"] as const;

/** How each evaluated action is named in the console (the evaluation page and the hook editor's panel). */
export const EVALUATED_ACTION_LABELS: Record<EvaluatedAction, string> = {
  "list:user": "See the user in the users list",
  "read:user": "Open the user (read:user)",
  "change:profile": "Change the profile (change:profile)",
  "change:email": "Change the email (change:email)",
  "change:username": "Change the username (change:username)",
  "change:password": "Change the password (change:password)",
  "block:user": "Block (block:user)",
  "unblock:user": "Unblock (unblock:user)",
  "delete:user": "Delete (delete:user)",
  "read:logs": "Read the user's logs (read:logs)",
  "verify:email": "Mark the email verified (verify:email)",
  "reset:password": "Send a password reset (reset:password)",
  "send:verification-email": "Send a verification email (send:verification-email)",
  "send:invitation": "Send the invitation again (send:invitation)",
  "revoke:invitation": "Revoke the invitation (revoke:invitation)",
  "revoke:sessions": "Sign the user out everywhere (revoke:sessions)",
  "create:user": "Create a user (in a membership)",
};

const evaluatedDraftSchema = z
  .object({
    kind: z.enum(EVALUATED_HOOK_KINDS, { error: "Only a Filter, Access, Memberships Query or Settings Query Hook draft can be evaluated." }),
    code: textSchema()
      .trim()
      .min(1, "Enter the draft's code.")
      .max(HOOK_CODE_MAX_CHARS, `A hook can be at most ${HOOK_CODE_MAX_CHARS / 1000} KB of code.`),
    timeout_ms: z.number().int().min(50).max(10_000).default(500),
  })
  .strict();

const evaluatedAdminSchema = z.uuid("Choose the admin whose access to evaluate.");
const evaluatedActionSchema = z.enum(EVALUATED_ACTIONS, { error: "Choose an action." });
const evaluatedMembershipSchema = textSchema().trim().max(100).optional().transform((membership) => membership || undefined);

export const evaluateAccessSchema = z
  .object({
    admin_id: evaluatedAdminSchema,
    user_id: z.uuid("Choose a user.").optional(),
    action: evaluatedActionSchema,
    membership: evaluatedMembershipSchema,
    draft: evaluatedDraftSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.action !== "create:user" && !input.user_id) {
      ctx.addIssue({ code: "custom", path: ["user_id"], message: "Choose the user the action is on." });
    }
  });
export type EvaluateAccessInput = z.input<typeof evaluateAccessSchema>;

/** The console's evaluation form: the user by email (the hook editor's "Evaluate with this draft" sends its code). */
export const evaluateAccessFormSchema = z
  .object({
    admin_id: evaluatedAdminSchema,
    user: textSchema().trim().max(320).optional().transform((email) => email || undefined),
    action: evaluatedActionSchema,
    membership: evaluatedMembershipSchema,
    draft: evaluatedDraftSchema.optional(),
  })
  .strict();
export type EvaluateAccessFormInput = z.input<typeof evaluateAccessFormSchema>;

const DECIDERS = ["role_permission", "built_in_rule", "filter_hook", "access_hook", "memberships_query_hook", "settings_query_hook"] as const;

/** The answer of an evaluation (lib/access/evaluate-access.ts). */
export const accessEvaluationSchema = z.object({
  allowed: z.boolean(),
  decided_by: z.enum(DECIDERS).describe("The check that had the last word: a denial's cause, or the last check that allowed."),
  message: z.string().nullable().describe("Why it was denied (a hook's own message for a hook); null when allowed."),
  hooks: z
    .array(z.object({ hook: z.string(), outcome: z.string(), duration_ms: z.number(), error: z.string().nullable() }))
    .describe("Every hook run of the evaluation, in order."),
  logs: z.array(z.object({ hook: z.string(), level: z.string(), message: z.string() })),
  duration_ms: z.number(),
  draft: z.boolean().describe("Whether a draft ran instead of the saved hook of its kind."),
}).strict();
export type AccessEvaluation = z.infer<typeof accessEvaluationSchema>;
