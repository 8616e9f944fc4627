import type { RequestInfo } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record";
import { getDatabase, getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { queueMails } from "@/lib/mail/outbox";
import { userSelect } from "@/lib/users/profile";
import { composeAccountMail } from "./compose-mail";
import { accountLinksInsert, newAccountLink, revokeOpenLinks } from "./tokens";

/** Requests one address may make over any emails per window (a visible 429: it says nothing about any account). */
export const FORGOT_PER_IP = 10;
/** Reset mails one email gets per window, whoever asks (silently skipped beyond: the answer stays the same). */
export const FORGOT_PER_EMAIL = 3;
export const FORGOT_WINDOW_S = 15 * 60;

/** The answer to every request, whether or not the email belongs to an account. */
export const FORGOT_PASSWORD_ANSWER =
  "If an account uses this email address, we have sent it a link to choose a new password. Check your mailbox (and spam folder).";

/** Counts one request under `key` in one statement; false once the window's limit is reached. */
async function withinLimit(key: string, limit: number): Promise<boolean> {
  const db = await getDatabase();
  const expired = Prisma.sql`t.window_start <= now() - make_interval(secs => ${FORGOT_WINDOW_S})`;
  const rows = await db.query(Prisma.sql`
    INSERT INTO sign_in_throttles AS t (key, failures, window_start, not_before, updated_at)
    VALUES (${key}, 1, now(), NULL, now())
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN ${expired} THEN 1 ELSE t.failures + 1 END,
      window_start = CASE WHEN ${expired} THEN now() ELSE t.window_start END,
      updated_at = now()
    WHERE ${expired} OR t.failures < ${limit}
    RETURNING failures`);
  return rows.length > 0;
}

/**
 * "Forgot your password?": answers the same whether or not the email has an account (the lookup and
 * the mail happen after the answer, so its timing does not tell either). Throttled per address
 * (429) and per email (silently). Only database-connection users who are not blocked get a mail.
 * `returnTo` (a users' sign-in page, already validated) goes into the link, whose page then offers it.
 */
export async function requestPasswordReset(email: string, request: RequestInfo, returnTo?: string): Promise<string> {
  if (!(await withinLimit(`reset-ip:${request.ipAddress ?? "unknown"}`, FORGOT_PER_IP))) {
    throw new DomainError("rate_limited", "Too many requests from your network. Try again in 15 minutes.");
  }
  const work = sendResetMails(email, request, returnTo).catch((error: unknown) => {
    console.error("[mail] Could not queue a forgotten-password mail:", (error as Error).message);
  });
  pendingResetWork.add(work);
  void work.finally(() => pendingResetWork.delete(work));
  return FORGOT_PASSWORD_ANSWER;
}

const pendingResetWork = new Set<Promise<void>>();

/** Tests wait for the work that follows the answer. */
export async function settleResetRequests(): Promise<void> {
  await Promise.all([...pendingResetWork]);
}

async function sendResetMails(email: string, request: RequestInfo, returnTo: string | undefined): Promise<void> {
  if (!(await withinLimit(`reset-email:${email}`, FORGOT_PER_EMAIL))) return;
  const prisma = await getPrisma();
  const users = await prisma.user.findMany({
    where: { email, blocked: false, connection: { strategy: "auth0", enabled: true } },
    select: userSelect,
  });
  for (const user of users) {
    const now = new Date();
    const { link, url } = newAccountLink("password_reset", user, { createdById: null, now, returnTo });
    const mail = await composeAccountMail("password_reset", user, url, link.expiresAt, now);
    await prisma.$transaction(async (tx) => {
      await revokeOpenLinks(tx, user.id, "password_reset");
      await tx.$executeRaw`WITH links AS (${accountLinksInsert([link])}) SELECT 1`;
      await queueMails(tx, [mail]);
      await recordAudit(tx, { id: user.id, email: user.email, channel: "account", ...request }, {
        action: "account.forgot_password",
        targetUserId: user.id,
        targetEmail: user.email,
        details: { mail_id: mail.id, expires_at: link.expiresAt.toISOString() },
      });
    });
  }
}
