import { requirePermission, type Actor } from "@/lib/auth/actor";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { DomainError, mapPrismaError } from "@/lib/errors";
import { queueMails } from "@/lib/mail/outbox";
import type { PasswordChangeTicketInput } from "@/lib/schemas/account";
import type { UserAction } from "@/lib/users/access";
import { loadUserFor } from "@/lib/users/get-user";
import type { UserProfile } from "@/lib/users/profile";
import type { AlsoInTransaction } from "@/lib/users/update-user";
import { composeAccountMail } from "./compose-mail";
import { accountLinksInsert, newAccountLink, revokeOpenLinks, type AccountLinkKind } from "./tokens";

export interface IssuedLink {
  url: string;
  expiresAt: Date;
  /** The queued mail; null for a ticket (the admin hands the URL over). */
  mailId: string | null;
}

interface LinkRequest {
  kind: AccountLinkKind;
  /** The Access Hook action checked for the user. */
  action: UserAction;
  auditAction: string;
  sendMail: boolean;
  ttlSec?: number;
  markEmailVerified?: boolean;
  /** Refuses the request for this user (after the access check). */
  precondition?: (user: UserProfile, passwordSet: boolean) => string | null;
  also?: AlsoInTransaction;
}

/**
 * An admin sends (or, for a ticket, gets) a single-use link for a user: the Access Hook action is
 * checked, older open links of the kind are revoked, and the new link, its mail and the audit entry
 * commit together; the delivery worker sends the mail after the commit. Nothing about the user
 * changes, so the Write Hook does not run (DAE's rule for the console's own password and email changes).
 */
async function issueLink(actor: Actor, userId: string, request: LinkRequest): Promise<IssuedLink> {
  return auditFailures(actor, { action: request.auditAction, targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    const user = await loadUserFor(actor, userId, request.action);
    const prisma = await getPrisma();
    const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
    const refusal = request.precondition?.(user, passwordHash !== null);
    if (refusal) throw new DomainError("conflict", refusal);
    const now = new Date();
    const { link, url } = newAccountLink(request.kind, { id: user.user_id, email: user.email }, {
      ttlSec: request.ttlSec,
      markEmailVerified: request.markEmailVerified,
      createdById: actor.id,
      now,
    });
    const mail = request.sendMail ? await composeAccountMail(request.kind, { ...user, id: user.user_id }, url, link.expiresAt, now) : null;
    await prisma
      .$transaction(async (tx) => {
        const revoked = await revokeOpenLinks(tx, user.user_id, request.kind);
        await tx.$executeRaw`WITH links AS (${accountLinksInsert([link])}) SELECT 1`;
        if (mail) await queueMails(tx, [mail]);
        if (request.kind === "invitation") await tx.user.update({ where: { id: user.user_id }, data: { invitedAt: now } });
        await recordAudit(tx, actor, {
          action: request.auditAction,
          targetUserId: user.user_id,
          targetEmail: user.email,
          details: {
            expires_at: link.expiresAt.toISOString(),
            revoked_previous: revoked,
            ...(mail ? { mail_id: mail.id } : {}),
            ...(request.markEmailVerified ? { mark_email_as_verified: true } : {}),
          },
        });
        await request.also?.(tx);
      })
      .catch(mapPrismaError);
    return { url, expiresAt: link.expiresAt, mailId: mail?.id ?? null };
  });
}

/** Sends the invitation again (a new link; the older ones stop working). Only while the user has no password. */
export function resendInvitation(actor: Actor, userId: string): Promise<IssuedLink> {
  return issueLink(actor, userId, {
    kind: "invitation",
    action: "send:invitation",
    auditAction: "user.send_invitation",
    sendMail: true,
    precondition: (user, passwordSet) =>
      passwordSet ? `${user.email} already has a password: send a password reset email instead of an invitation.` : null,
  });
}

/** DAE's "Send password reset email" (Access Hook action `reset:password`). */
export function sendPasswordResetEmail(actor: Actor, userId: string, also?: AlsoInTransaction): Promise<IssuedLink> {
  return issueLink(actor, userId, { kind: "password_reset", action: "reset:password", auditAction: "user.send_password_reset", sendMail: true, also });
}

/** DAE's "Send verification email" (Access Hook action `send:verification-email`); Auth0's jobs/verification-email. */
export function sendVerificationEmail(actor: Actor, userId: string): Promise<IssuedLink> {
  return issueLink(actor, userId, {
    kind: "email_verification",
    action: "send:verification-email",
    auditAction: "user.send_verification_email",
    sendMail: true,
  });
}

/** Auth0's password-change ticket: the link is returned to the admin, no mail is sent. */
export function createPasswordChangeTicket(actor: Actor, input: PasswordChangeTicketInput): Promise<IssuedLink> {
  return issueLink(actor, input.user_id, {
    kind: "password_reset",
    action: "reset:password",
    auditAction: "user.password_change_ticket",
    sendMail: false,
    ttlSec: input.ttl_sec,
    markEmailVerified: input.mark_email_as_verified,
  });
}

/** Withdraws the open invitation: its link stops working and the list no longer shows "Invited". */
export async function revokeInvitation(actor: Actor, userId: string): Promise<void> {
  await auditFailures(actor, { action: "user.revoke_invitation", targetUserId: userId }, async () => {
    requirePermission(actor, "users:write");
    const user = await loadUserFor(actor, userId, "revoke:invitation");
    const prisma = await getPrisma();
    await prisma
      .$transaction(async (tx) => {
        const revoked = await revokeOpenLinks(tx, user.user_id, "invitation");
        const cleared = await tx.user.updateMany({ where: { id: user.user_id, invitedAt: { not: null } }, data: { invitedAt: null } });
        if (revoked === 0 && cleared.count === 0) throw new DomainError("conflict", `${user.email} has no open invitation.`);
        await recordAudit(tx, actor, {
          action: "user.revoke_invitation",
          targetUserId: user.user_id,
          targetEmail: user.email,
          details: { revoked },
        });
      })
      .catch(mapPrismaError);
  });
}
