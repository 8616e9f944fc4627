import type { RequestInfo } from "@/lib/auth/actor";
import { hashPassword, passwordPolicyViolation, verifyPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError, fieldError } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import type { NewPasswordInput } from "@/lib/schemas/account";
import { getTenant } from "@/lib/tenant/tenant";
import { userSelect } from "@/lib/users/profile";
import { revokeOpenLinks } from "./tokens";

/**
 * The forced change, by the user during sign-in (an admin set a temporary password with "Require a
 * change at next sign-in"): the temporary password again, then a new one under the connection's policy
 * that differs from it. Clears the demand, ends the user's other sessions, emits the user events and the
 * audit entry (channel `account`; no admin hook runs). The users' sign-in page (lib/oidc/user-sign-in.ts)
 * finishes no sign-in while the demand stands, so there is no authorization code for the token endpoint.
 */
export async function changeRequiredPassword(
  userId: string,
  input: NewPasswordInput & { currentPassword: string },
  request: RequestInfo,
): Promise<void> {
  const prisma = await getPrisma();
  const current = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      ...userSelect,
      passwordHash: true,
      passwordChangeRequired: true,
      connection: { select: { id: true, name: true, passwordMinLength: true, passwordMinCharClasses: true } },
    },
  });
  if (!current || current.blocked) throw new DomainError("unauthorized", "Sign in again.");
  if (!current.passwordChangeRequired) throw new DomainError("conflict", "Your password does not need to be changed.");
  if (!(await verifyPassword(current.passwordHash, input.currentPassword))) {
    throw fieldError("currentPassword", "This is not your current (temporary) password.", "unauthorized");
  }
  if (input.password === input.currentPassword) throw fieldError("password", "Choose a password different from the temporary one.");
  const policyMessage = passwordPolicyViolation(input.password, current.connection);
  if (policyMessage) throw fieldError("password", policyMessage);
  const passwordHash = await hashPassword(input.password);
  const tenant = await getTenant();
  const actor = { id: current.id, email: current.email, channel: "account" as const, ...request };
  await prisma.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: current.id, passwordChangeRequired: true },
      data: { passwordHash, passwordChangeRequired: false, sessionGeneration: { increment: 1 } },
      select: userSelect,
    });
    await revokeOpenLinks(tx, current.id, "password_reset");
    await enqueueUserEvents(tx, actor, { kind: "update", user: updated, original: current }, tenant);
    await recordAudit(tx, actor, { action: "account.change_required_password", targetUserId: current.id, targetEmail: current.email });
  });
}
