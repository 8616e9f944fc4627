"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { requestPasswordReset } from "@/lib/account/forgot-password";
import { acceptInvitation, AccountLinkError, resetPassword, verifyEmail } from "@/lib/account/redeem-links";
import { requestInfoFrom } from "@/lib/auth/request-info";
import { parseInput } from "@/lib/errors";
import { forgotPasswordSchema, linkTokenSchema, newPasswordSchema } from "@/lib/schemas/account";
import { toActionError, type ActionResult } from "./safe-action";

/**
 * The users' own actions through a mailed link or the forgot-password form: no session, no admin.
 * The token is the authority; what it allows is decided in lib/account.
 */
export type AccountResult = ActionResult<{ message: string }> & { linkProblem?: string };

async function run(work: () => Promise<string>): Promise<AccountResult> {
  try {
    return { ok: true, data: { message: await work() } };
  } catch (error) {
    return { ok: false, error: toActionError(error), ...(error instanceof AccountLinkError ? { linkProblem: error.problem } : {}) };
  }
}

const withToken = newPasswordSchema.and(z.object({ token: linkTokenSchema }));

export async function acceptInvitationAction(input: z.input<typeof withToken>): Promise<AccountResult> {
  return run(async () => {
    const { token, ...password } = parseInput(withToken, input);
    const { email } = await acceptInvitation(token, password, requestInfoFrom(await headers()));
    return `Your password is set and ${email} is verified. You can now sign in to your applications.`;
  });
}

export async function resetPasswordAction(input: z.input<typeof withToken>): Promise<AccountResult> {
  return run(async () => {
    const { token, ...password } = parseInput(withToken, input);
    await resetPassword(token, password, requestInfoFrom(await headers()));
    return "Your password is changed, and you are signed out everywhere. Sign in with the new password.";
  });
}

export async function verifyEmailAction(input: { token: string }): Promise<AccountResult> {
  return run(async () => {
    const { token } = parseInput(z.object({ token: linkTokenSchema }), input);
    const { email } = await verifyEmail(token, requestInfoFrom(await headers()));
    return `Thank you: ${email} is verified.`;
  });
}

export async function forgotPasswordAction(input: { email: string; return_to?: string }): Promise<AccountResult> {
  return run(async () => {
    const { email, return_to } = parseInput(forgotPasswordSchema, input);
    return requestPasswordReset(email, requestInfoFrom(await headers()), return_to);
  });
}
