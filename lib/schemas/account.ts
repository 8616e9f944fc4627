import { z } from "zod";
import { MAX_TTL_SEC } from "@/lib/account/tokens";
import { emailSchema, passwordSchema, textSchema } from "./common";

const userIdSchema = textSchema({ error: "user_id is required." }).min(1, "user_id is required.").max(100);

/** POST /api/v2/tickets/password-change (Auth0's names; only the user_id form). */
export const passwordChangeTicketSchema = z
  .object({
    user_id: userIdSchema,
    ttl_sec: z.number().int().min(1).max(MAX_TTL_SEC, `ttl_sec must be at most ${MAX_TTL_SEC} (30 days).`).default(432_000),
    mark_email_as_verified: z.boolean().default(false),
  })
  .strict();
export type PasswordChangeTicketInput = z.infer<typeof passwordChangeTicketSchema>;

/** POST /api/v2/jobs/verification-email (Auth0's names). */
export const verificationEmailJobSchema = z.object({ user_id: userIdSchema }).strict();

/** The users' pages: a new password, typed twice. */
export const newPasswordSchema = z
  .object({ password: passwordSchema, repeatPassword: textSchema() })
  .refine((input) => input.password === input.repeatPassword, { path: ["repeatPassword"], message: "The passwords do not match." });
export type NewPasswordInput = z.infer<typeof newPasswordSchema>;

/** The token a page received in its link: only its shape here, its meaning in lib/account/tokens.ts. */
export const linkTokenSchema = textSchema().max(100);

/**
 * The users' sign-in page to return to after a reset (`/interaction/<uid>` on this origin, nothing
 * else: never a redirect elsewhere).
 */
export const signInReturnSchema = z.string().regex(/^\/interaction\/[A-Za-z0-9_-]{1,100}$/, "Not a sign-in page of this site.");

/** "Forgot your password?" on the users' sign-in page. */
export const forgotPasswordSchema = z.object({ email: emailSchema, return_to: signInReturnSchema.optional() });
