import { Prisma } from "@/lib/generated/prisma/client";
import { OUTBOX_CHANNEL, signalOutboxWrite } from "@/lib/events/outbox-signal";
import type { MailKind } from "./templates";

/**
 * The outbox type of a mail. It is not one of the EVENT_TYPES (webhooks never subscribe to it): the
 * fan-out gives each such event one delivery to the `mail` destination, and the event id is the mail's id.
 */
export const MAIL_EVENT = "mail.queued";

export interface QueuedMail {
  id: string;
  kind: MailKind;
  userId: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  createdAt: Date;
}

/** `INSERT INTO mail_messages … RETURNING 1`, to embed as a CTE in the statement of the change that sends them. */
export function mailRowsInsert(mails: readonly QueuedMail[]): Prisma.Sql {
  const rows = mails.map((mail) => ({
    id: mail.id,
    kind: mail.kind,
    user_id: mail.userId,
    to_address: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    links: mail.links,
    created_at: mail.createdAt.toISOString(),
  }));
  return Prisma.sql`
    INSERT INTO mail_messages (id, kind, user_id, to_address, subject, text, html, links, created_at)
    SELECT id, kind, user_id, to_address, subject, text, html, ARRAY(SELECT jsonb_array_elements_text(links)), created_at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(id uuid, kind text, user_id uuid, to_address text, subject text, text text, html text, links jsonb, created_at timestamp)
    RETURNING 1`;
}

/** The outbox events of the mails (payload: the mail id only; the body stays in mail_messages). */
export function mailEventsInsert(mails: readonly QueuedMail[]): Prisma.Sql {
  const rows = mails.map((mail) => ({ id: mail.id, payload: { mail_id: mail.id }, created_at: mail.createdAt.toISOString() }));
  return Prisma.sql`
    INSERT INTO events (id, type, payload, created_at)
    SELECT id, ${MAIL_EVENT}, payload, created_at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, payload jsonb, created_at timestamp)
    RETURNING 1`;
}

/** Wakes the workers at commit (server mode); in-process workers are signalled by `signalOutboxWrite`. */
export const notifyMailOutbox = Prisma.sql`SELECT pg_notify(${OUTBOX_CHANNEL}, '1')`;

/** Writes mails and their outbox events in the caller's transaction: they are sent only if it commits. */
export async function queueMails(tx: Prisma.TransactionClient, mails: readonly QueuedMail[]): Promise<void> {
  if (mails.length === 0) return;
  await tx.$executeRaw`
    WITH mail_rows AS (${mailRowsInsert(mails)}), mail_events AS (${mailEventsInsert(mails)})
    ${notifyMailOutbox}`;
  signalOutboxWrite();
}
