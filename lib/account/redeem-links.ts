import type { RequestInfo } from "@/lib/auth/actor";
import { hashPassword, passwordPolicyViolation } from "@/lib/auth/password";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError, fieldError } from "@/lib/errors";
import { enqueueUserEvents } from "@/lib/events/enqueue";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { NewPasswordInput } from "@/lib/schemas/account";
import { getTenant } from "@/lib/tenant/tenant";
import { userSelect } from "@/lib/users/profile";
import { revokeOidcStateStatement } from "@/lib/oidc/revoke";
import {
  consumeAccountLink,
  inspectAccountLink,
  LINK_PROBLEM_MESSAGES,
  revokeOpenLinks,
  type AccountLinkKind,
  type LinkProblem,
  type OpenLink,
} from "./tokens";

/** A link that cannot be used: the page says why (expired, used, withdrawn, not valid). */
export class AccountLinkError extends DomainError {
  constructor(readonly problem: LinkProblem) {
    super("validation", LINK_PROBLEM_MESSAGES[problem]);
  }
}

async function openLink(kind: AccountLinkKind, token: string | null | undefined): Promise<OpenLink> {
  const inspected = await inspectAccountLink(kind, token);
  if (!inspected.ok) throw new AccountLinkError(inspected.problem);
  return inspected.link;
}

/** The user behind a link, as the page greets them, with the password policy of their connection. */
export async function describeLink(kind: AccountLinkKind, token: string | null | undefined) {
  const link = await openLink(kind, token);
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({
    where: { id: link.userId },
    select: { email: true, connection: { select: { passwordMinLength: true, passwordMinCharClasses: true } } },
  });
  if (!user) throw new AccountLinkError("invalid");
  return { email: user.email, expiresAt: link.expiresAt, policy: user.connection };
}

interface LinkRedemption {
  kind: AccountLinkKind;
  auditAction: string;
  password?: string;
}

/**
 * What a user does through a link: checks the new password against the connection's policy, then
 * in one transaction uses the link (exactly once), writes the change, its user events and the audit
 * entry. The user acts for themselves (channel `account`): no admin hook runs. A link verifies the
 * email only if the user's address is still the one it was sent to.
 */
async function redeemLink(token: string | null | undefined, use: LinkRedemption, request: RequestInfo): Promise<{ email: string }> {
  const link = await openLink(use.kind, token);
  const prisma = await getPrisma();
  const current = await prisma.user.findUnique({
    where: { id: link.userId },
    select: { ...userSelect, connection: { select: { id: true, name: true, passwordMinLength: true, passwordMinCharClasses: true } } },
  });
  if (!current) throw new AccountLinkError("invalid");
  const data: Prisma.UserUpdateInput = {};
  if (use.password !== undefined) {
    const policyMessage = passwordPolicyViolation(use.password, current.connection);
    if (policyMessage) throw fieldError("password", policyMessage);
    data.passwordHash = await hashPassword(use.password);
    data.passwordChangeRequired = false;
    data.invitedAt = null;
    data.sessionGeneration = { increment: 1 };
  }
  const addressUnchanged = link.email === current.email;
  if (addressUnchanged && (use.kind !== "password_reset" || link.markEmailVerified)) data.emailVerified = true;

  const tenant = await getTenant();
  const actor: AuditActor = { id: current.id, email: current.email, channel: "account", ...request };
  await prisma.$transaction(async (tx) => {
    if (!(await consumeAccountLink(tx, link.id))) throw new AccountLinkError("used");
    if (use.password !== undefined) {
      // A new password makes the other open password links of the user pointless.
      await revokeOpenLinks(tx, current.id, "invitation");
      await revokeOpenLinks(tx, current.id, "password_reset");
      // …and signs the user out of every application (lib/oidc/revoke.ts).
      await tx.$executeRaw(revokeOidcStateStatement(current.id));
    }
    const updated = await tx.user.update({ where: { id: current.id }, data, select: userSelect });
    await enqueueUserEvents(tx, actor, { kind: "update", user: updated, original: current }, tenant);
    await recordAudit(tx, actor, {
      action: use.auditAction,
      targetUserId: current.id,
      targetEmail: current.email,
      details: { link_id: link.id, email_verified: data.emailVerified === true, ...(addressUnchanged ? {} : { address_changed: true }) },
    });
  });
  return { email: current.email };
}

/** The invited user chooses a password; this also verifies the address the invitation went to. */
export function acceptInvitation(token: string | null | undefined, input: NewPasswordInput, request: RequestInfo) {
  return redeemLink(token, { kind: "invitation", auditAction: "account.accept_invitation", password: input.password }, request);
}

/** A new password through a reset link or ticket; ends the user's sessions. */
export function resetPassword(token: string | null | undefined, input: NewPasswordInput, request: RequestInfo) {
  return redeemLink(token, { kind: "password_reset", auditAction: "account.reset_password", password: input.password }, request);
}

/** Marks the email verified (a POST from the page: mail scanners that open links do not use it up). */
export function verifyEmail(token: string | null | undefined, request: RequestInfo) {
  return redeemLink(token, { kind: "email_verification", auditAction: "account.verify_email" }, request);
}
