import { recordAudit, recordAuditFailure } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { SignInInput } from "@/lib/schemas/auth";
import type { RequestInfo } from "./actor";
import { verifyPassword } from "./password";
import { rehashIfNeeded } from "./rehash";
import { adminRolesOf } from "./roles";
import { reserveSignInAttempt } from "./sign-in-throttle";

const INVALID_CREDENTIALS = "Wrong email or password.";

/** Checks an admin's credentials; returns the admin's id, or throws a message fit for the sign-in form. */
export async function signInWithPassword(
  input: SignInInput,
  request: RequestInfo,
): Promise<{ id: string; email: string; sessionGeneration: number }> {
  const attempt = await reserveSignInAttempt(input.email, request.ipAddress ?? "unknown");
  const prisma = await getPrisma();
  const candidates = await prisma.user.findMany({
    where: { email: input.email, connection: { strategy: "auth0" } },
    select: { id: true, email: true, passwordHash: true, blocked: true, appMetadata: true, sessionGeneration: true },
  });
  let matched: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    if (await verifyPassword(candidate.passwordHash, input.password)) matched = candidate;
  }
  if (candidates.length === 0) await verifyPassword(null, input.password);

  const fail = async (message: string, userId?: string) => {
    const error = new DomainError("unauthorized", message);
    await recordAuditFailure(
      { id: userId ?? null, email: input.email, channel: "console", ...request },
      { action: "auth.sign_in", targetUserId: userId, targetEmail: input.email },
      error,
    );
    return error;
  };

  if (!matched) throw await fail(INVALID_CREDENTIALS);
  await rehashIfNeeded(matched.id, matched.passwordHash, input.password);
  if (matched.blocked) throw await fail("Your account is blocked. Contact your administrator.", matched.id);
  if (adminRolesOf(matched.appMetadata).length === 0) {
    throw await fail("Your account has no Delegated Admin role, so it cannot use this console.", matched.id);
  }
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: matched.id }, data: { lastLogin: new Date(), loginsCount: { increment: 1 } } });
    await recordAudit(tx, { id: matched.id, email: matched.email, channel: "console", ...request }, {
      action: "auth.sign_in",
      targetUserId: matched.id,
      targetEmail: matched.email,
    });
  });
  await attempt.succeeded();
  return { id: matched.id, email: matched.email, sessionGeneration: matched.sessionGeneration };
}
