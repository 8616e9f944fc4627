import crypto from "node:crypto";
import { getConfig } from "@/lib/config";
import type { QueuedMail } from "@/lib/mail/outbox";
import { mailTemplates, renderMail, type MailKind } from "@/lib/mail/templates";
import { getTenant } from "@/lib/tenant/tenant";

export interface MailRecipient {
  id: string;
  email: string;
  name?: string | null;
  given_name?: string | null;
  family_name?: string | null;
}

const displayName = (user: MailRecipient) =>
  user.name || [user.given_name, user.family_name].filter(Boolean).join(" ") || user.email;

/** "2026-12-14 09:00 UTC": the link's expiry, the same for every reader of the mail. */
export const formatExpiry = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The mail of `kind` carrying `link`, rendered from the tenant's template (values escaped, never evaluated). */
export async function composeAccountMail(kind: MailKind, user: MailRecipient, link: string, expiresAt: Date, now = new Date()): Promise<QueuedMail> {
  const [templates, tenant] = await Promise.all([mailTemplates.get(), getTenant()]);
  const rendered = renderMail(templates[kind], {
    tenant_name: tenant.name,
    public_url: getConfig().publicUrl,
    link,
    user_email: user.email,
    user_name: displayName(user),
    expires_at: formatExpiry(expiresAt),
  });
  return { id: crypto.randomUUID(), kind, userId: user.id, to: user.email, ...rendered, links: [link], createdAt: now };
}
