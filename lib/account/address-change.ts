import type { Actor } from "@/lib/auth/actor";
import { getPrisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { queueMails } from "@/lib/mail/outbox";
import type { UserProfile } from "@/lib/users/profile";
import { composeAccountMail } from "./compose-mail";
import { accountLinksInsert, newAccountLink, revokeOpenLinks } from "./tokens";

/**
 * When an admin changes a user's email (which sets email_verified false), the new address gets a
 * verification mail; an invited user who has not accepted yet gets the invitation again at the new
 * address instead. The links sent to the old address are revoked: they would verify an address the
 * user no longer has, or let whoever reads the old mailbox set the password. Written in the transaction of the change.
 */
export async function newAddressMail(actor: Actor, current: UserProfile, newEmail: string) {
  const prisma = await getPrisma();
  const { invitedAt } = await prisma.user.findUniqueOrThrow({ where: { id: current.user_id }, select: { invitedAt: true } });
  const kind = invitedAt ? ("invitation" as const) : ("email_verification" as const);
  const now = new Date();
  const recipient = { ...current, id: current.user_id, email: newEmail };
  const { link, url } = newAccountLink(kind, recipient, { createdById: actor.id, now });
  const mail = await composeAccountMail(kind, recipient, url, link.expiresAt, now);
  return {
    kind,
    mailId: mail.id,
    async write(tx: Prisma.TransactionClient) {
      await revokeOpenLinks(tx, current.user_id, "email_verification");
      await revokeOpenLinks(tx, current.user_id, "invitation");
      await revokeOpenLinks(tx, current.user_id, "password_reset");
      await tx.$executeRaw`WITH links AS (${accountLinksInsert([link])}) SELECT 1`;
      await queueMails(tx, [mail]);
      if (invitedAt) await tx.user.update({ where: { id: current.user_id }, data: { invitedAt: now } });
    },
  };
}
