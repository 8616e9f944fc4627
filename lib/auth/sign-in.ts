import { recordAudit, recordAuditFailure } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import type { SignInInput } from "@/lib/schemas/auth";
import type { RequestInfo } from "./actor";
import { verifyPassword } from "./password";
import { adminRolesOf } from "./roles";

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

const INVALID_CREDENTIALS = "Wrong email or password.";

/** Refuses when the email (from any IP) or the IP (for any email) has failed too often lately. */
async function assertNotThrottled(email: string, ipAddress: string): Promise<void> {
  const prisma = await getPrisma();
  const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    prisma.signInAttempt.findMany({
      where: { email, succeeded: false, createdAt: { gte: since } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
    }),
    prisma.signInAttempt.findMany({
      where: { ipAddress, succeeded: false, createdAt: { gte: since } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
    }),
  ]);
  const over = [
    byEmail.length >= MAX_FAILURES_PER_EMAIL ? byEmail[byEmail.length - MAX_FAILURES_PER_EMAIL] : undefined,
    byIp.length >= MAX_FAILURES_PER_IP ? byIp[byIp.length - MAX_FAILURES_PER_IP] : undefined,
  ].filter((attempt) => attempt !== undefined);
  if (over.length === 0) return;
  const retryAt = Math.max(...over.map((attempt) => attempt.createdAt.getTime() + SIGN_IN_WINDOW_MS));
  const minutes = Math.max(1, Math.ceil((retryAt - Date.now()) / 60_000));
  throw new DomainError(
    "rate_limited",
    `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  );
}

/** Checks an admin's credentials; returns the admin's id, or throws a message fit for the sign-in form. */
export async function signInWithPassword(input: SignInInput, request: RequestInfo): Promise<{ id: string; email: string }> {
  const ipAddress = request.ipAddress ?? "unknown";
  await assertNotThrottled(input.email, ipAddress);
  const prisma = await getPrisma();
  const candidates = await prisma.user.findMany({
    where: { email: input.email, connection: { strategy: "auth0" } },
    select: { id: true, email: true, passwordHash: true, blocked: true, appMetadata: true },
  });
  let matched: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    if (await verifyPassword(candidate.passwordHash, input.password)) matched = candidate;
  }
  if (candidates.length === 0) await verifyPassword(null, input.password);

  const fail = async (message: string, userId?: string) => {
    await prisma.signInAttempt.create({ data: { email: input.email, ipAddress, succeeded: false } });
    const error = new DomainError("unauthorized", message);
    await recordAuditFailure(
      { id: userId ?? null, email: input.email, channel: "console", ...request },
      { action: "auth.sign_in", targetUserId: userId, targetEmail: input.email },
      error,
    );
    return error;
  };

  if (!matched) throw await fail(INVALID_CREDENTIALS);
  if (matched.blocked) throw await fail("Your account is blocked. Contact your administrator.", matched.id);
  if (adminRolesOf(matched.appMetadata).length === 0) {
    throw await fail("Your account has no Delegated Admin role, so it cannot use this console.", matched.id);
  }
  await prisma.$transaction(async (tx) => {
    await tx.signInAttempt.create({ data: { email: input.email, ipAddress, succeeded: true } });
    await tx.user.update({ where: { id: matched.id }, data: { lastLogin: new Date(), loginsCount: { increment: 1 } } });
    await recordAudit(tx, { id: matched.id, email: matched.email, channel: "console", ...request }, {
      action: "auth.sign_in",
      targetUserId: matched.id,
      targetEmail: matched.email,
    });
  });
  return { id: matched.id, email: matched.email };
}
