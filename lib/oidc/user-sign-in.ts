import { z } from "zod";
import { describePolicy } from "@/lib/account/link-page";
import { changeRequiredPassword } from "@/lib/account/required-change";
import type { RequestInfo } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { rehashIfNeeded } from "@/lib/auth/rehash";
import { reserveSignInAttempt } from "@/lib/auth/sign-in-throttle";
import { DATABASE_STRATEGY } from "@/lib/connections/connections";
import { getPrisma } from "@/lib/db/client";
import { DomainError, fromZodError } from "@/lib/errors";
import { newPasswordSchema } from "@/lib/schemas/account";
import { textSchema } from "@/lib/schemas/common";
import { membershipsOf, toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";
import type { ApplicationClient } from "./clients";
import { recordLoginActivity } from "./sign-in-events";

export const userSignInSchema = z.object({
  login: textSchema().trim().min(1, "Enter your email or username.").max(320),
  password: textSchema().min(1, "Enter your password.").max(200),
});
export type UserSignInInput = z.infer<typeof userSignInSchema>;

/**
 * The forced change's form: the sign-in again (login, temporary password) and the new password twice.
 * The new password's rules (`newPasswordSchema`, the connection's policy) are applied once the
 * temporary password is checked, so that the answer can name the policy.
 */
export const requiredChangeSchema = userSignInSchema.extend({ newPassword: textSchema().max(200), repeatPassword: textSchema().max(200) });
export type RequiredChangeInput = z.infer<typeof requiredChangeSchema>;

export const WRONG_CREDENTIALS = "Wrong email, username or password.";
export const BLOCKED = "Your account is blocked. Contact your administrator.";

export type UserSignInResult =
  | { outcome: "signed_in"; user: UserProfile }
  /** the password was right but is temporary: the sign-in finishes only after a new one is chosen (`policy` in words) */
  | { outcome: "change_required"; user: UserProfile; policy: string; message?: string }
  /** shown on the sign-in page; the user may try again */
  | { outcome: "refused"; message: string }
  /** ends the authorization request with this OAuth error (the user is not admitted to the application) */
  | { outcome: "denied"; error: "access_denied"; description: string };

type SignInApplication = Pick<ApplicationClient, "clientId" | "allowed_connections" | "allowed_memberships">;

/**
 * Checks a user's credentials for an application: throttled like the console's sign-in (per
 * login+address and per address, counted before the password is verified), in the database
 * connections the application allows; a blocked user is refused, and so is a user without one of the
 * application's allowed memberships. A temporary password (an admin's "Require a change at next
 * sign-in") gives `change_required`, never `signed_in`: see `finishRequiredChange`. Every outcome but
 * that one is audited and (for a known user) an event.
 */
export async function signInUser(input: UserSignInInput, app: SignInApplication, request: RequestInfo): Promise<UserSignInResult> {
  const source = { channel: "oidc", ipAddress: request.ipAddress, userAgent: request.userAgent };
  const login = input.login.toLowerCase();
  let attempt;
  try {
    attempt = await reserveSignInAttempt(login, request.ipAddress ?? "unknown");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await recordLoginActivity({ type: "user.login.failed", user: null, login, clientId: app.clientId, source, reason: "credentials", message: error.message });
    return { outcome: "refused", message: error.message };
  }
  const prisma = await getPrisma();
  const candidates = await prisma.user.findMany({
    where: {
      OR: [{ email: login }, { username: login }],
      connection: {
        strategy: DATABASE_STRATEGY,
        enabled: true,
        ...(app.allowed_connections.length ? { name: { in: app.allowed_connections } } : {}),
      },
    },
    select: {
      ...userSelect,
      passwordHash: true,
      passwordChangeRequired: true,
      connection: { select: { id: true, name: true, passwordMinLength: true, passwordMinCharClasses: true } },
    },
  });
  let matched: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    if (await verifyPassword(candidate.passwordHash, input.password)) matched = candidate;
  }
  if (candidates.length === 0) await verifyPassword(null, input.password);

  if (!matched) {
    const known = candidates.length === 1 ? toUserProfile(candidates[0]) : null;
    await recordLoginActivity({ type: "user.login.failed", user: known, login, clientId: app.clientId, source, reason: "credentials", message: WRONG_CREDENTIALS });
    return { outcome: "refused", message: WRONG_CREDENTIALS };
  }
  await attempt.succeeded();
  await rehashIfNeeded(matched.id, matched.passwordHash, input.password);
  const user = toUserProfile(matched);
  if (user.blocked) {
    await recordLoginActivity({ type: "user.login.failed", user, login, clientId: app.clientId, source, reason: "blocked", message: BLOCKED });
    return { outcome: "refused", message: BLOCKED };
  }
  if (app.allowed_memberships.length && !membershipsOf(user).some((m) => app.allowed_memberships.includes(m))) {
    const description = "You are not allowed to sign in to this application.";
    await recordLoginActivity({ type: "user.login.failed", user, login, clientId: app.clientId, source, reason: "not_allowed", message: description });
    return { outcome: "denied", error: "access_denied", description };
  }
  if (matched.passwordChangeRequired) return { outcome: "change_required", user, policy: describePolicy(matched.connection) };
  await recordLoginActivity({ type: "user.login.success", user, login, clientId: app.clientId, source });
  return { outcome: "signed_in", user };
}

/**
 * The forced change during sign-in: the credentials are checked again exactly as `signInUser` does
 * (throttled, blocked and membership refusals), then the new password is set by
 * `changeRequiredPassword` (which verifies the temporary password once more and applies the
 * connection's policy); only then is the sign-in a success. A refused new password gives
 * `change_required` again with the reason in `message`.
 */
export async function finishRequiredChange(input: RequiredChangeInput, app: SignInApplication, request: RequestInfo): Promise<UserSignInResult> {
  const checked = await signInUser({ login: input.login, password: input.password }, app, request);
  if (checked.outcome !== "change_required") return checked;
  try {
    const parsed = newPasswordSchema.safeParse({ password: input.newPassword, repeatPassword: input.repeatPassword });
    if (!parsed.success) throw fromZodError(parsed.error);
    await changeRequiredPassword(checked.user.user_id, { ...parsed.data, currentPassword: input.password }, request);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // The policy's refusals ask again; anything else (blocked or changed meanwhile) ends this attempt.
    const message = Object.values(error.fieldErrors ?? {})[0] ?? error.message;
    return error.code === "validation" ? { ...checked, message } : { outcome: "refused", message };
  }
  const source = { channel: "oidc", ipAddress: request.ipAddress, userAgent: request.userAgent };
  await recordLoginActivity({ type: "user.login.success", user: checked.user, login: input.login.toLowerCase(), clientId: app.clientId, source });
  return { outcome: "signed_in", user: checked.user };
}
