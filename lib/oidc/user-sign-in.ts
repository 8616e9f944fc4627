import { z } from "zod";
import type { RequestInfo } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { reserveSignInAttempt } from "@/lib/auth/sign-in-throttle";
import { DATABASE_STRATEGY } from "@/lib/connections/connections";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { textSchema } from "@/lib/schemas/common";
import { membershipsOf, toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";
import type { ApplicationClient } from "./clients";
import { recordLoginActivity } from "./sign-in-events";

export const userSignInSchema = z.object({
  login: textSchema().trim().min(1, "Enter your email or username.").max(320),
  password: textSchema().min(1, "Enter your password.").max(200),
});
export type UserSignInInput = z.infer<typeof userSignInSchema>;

export const WRONG_CREDENTIALS = "Wrong email, username or password.";
export const BLOCKED = "Your account is blocked. Contact your administrator.";

export type UserSignInResult =
  | { outcome: "signed_in"; user: UserProfile }
  /** shown on the sign-in page; the user may try again */
  | { outcome: "refused"; message: string }
  /** ends the authorization request with this OAuth error (the user is not admitted to the application) */
  | { outcome: "denied"; error: "access_denied"; description: string };

type SignInApplication = Pick<ApplicationClient, "clientId" | "allowed_connections" | "allowed_memberships">;

/**
 * Checks a user's credentials for an application: throttled like the console's sign-in (per
 * login+address and per address, counted before the password is verified), in the database
 * connections the application allows; a blocked user is refused, and so is a user without one of the
 * application's allowed memberships. Every outcome is audited and (for a known user) an event.
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
    select: { ...userSelect, passwordHash: true },
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
  await recordLoginActivity({ type: "user.login.success", user, login, clientId: app.clientId, source });
  return { outcome: "signed_in", user };
}
