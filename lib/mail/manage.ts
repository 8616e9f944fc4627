import { requirePermission, type Actor } from "@/lib/auth/actor";
import { objectChanges } from "@/lib/audit/changes";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { mailTransport } from "./transport";
import {
  DEFAULT_TEMPLATES,
  MAIL_KINDS,
  MAIL_TEMPLATES_SETTING,
  mailTemplates,
  renderMail,
  SAMPLE_VALUES,
  storedTemplateOverrides,
  type MailKind,
  type MailTemplate,
  type RenderedMail,
  type SaveMailTemplateInput,
} from "./templates";

export interface MailListItem {
  id: string;
  kind: string;
  to: string;
  subject: string;
  createdAt: Date;
  sentAt: Date | null;
  transport: string | null;
  text: string | null;
  html: string | null;
  links: string[];
  /** The delivery's state: pending, in_flight, succeeded, failed (or null before the worker fanned it out). */
  status: string | null;
  attempts: number;
  lastError: string | null;
}

export const MAIL_PAGE_SIZE = 50;

/** The Mail page (Administrators): newest first, with the delivery worker's state of each mail. */
export async function listMail(actor: Actor, page = 1): Promise<{ mails: MailListItem[]; total: number; smtp: boolean }> {
  requirePermission(actor, "config:manage");
  const prisma = await getPrisma();
  const offset = (Math.max(1, page) - 1) * MAIL_PAGE_SIZE;
  const [rows, total] = await Promise.all([
    prisma.$queryRaw<MailListItem[]>(Prisma.sql`
      SELECT m.id, m.kind, m.to_address AS "to", m.subject, m.created_at AS "createdAt", m.sent_at AS "sentAt", m.transport,
        m.text, m.html, m.links, d.status, COALESCE(d.attempt_count, 0)::int AS attempts, d.last_error AS "lastError"
      FROM mail_messages m LEFT JOIN deliveries d ON d.event_id = m.id AND d.destination = 'mail'
      ORDER BY m.created_at DESC, m.id
      LIMIT ${MAIL_PAGE_SIZE} OFFSET ${offset}`),
    prisma.mailMessage.count(),
  ]);
  return { mails: rows, total, smtp: mailTransport() !== null };
}

export async function getMailTemplates(actor: Actor): Promise<{ templates: Record<MailKind, MailTemplate>; customized: MailKind[] }> {
  requirePermission(actor, "config:manage");
  const overrides = await storedTemplateOverrides();
  return { templates: { ...DEFAULT_TEMPLATES, ...overrides }, customized: MAIL_KINDS.filter((kind) => overrides[kind]) };
}

/** Renders a draft with sample values (a name with HTML in it shows the escaping); nothing is saved. */
export function previewMailTemplate(actor: Actor, template: MailTemplate): RenderedMail {
  requirePermission(actor, "config:manage");
  return renderMail(template, SAMPLE_VALUES);
}

async function writeOverrides(actor: Actor, kind: MailKind, template: MailTemplate | null): Promise<void> {
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const row = await tx.setting.findUnique({ where: { key: MAIL_TEMPLATES_SETTING } });
    const overrides = { ...((row?.value as Record<string, MailTemplate> | undefined) ?? {}) };
    const before = overrides[kind] ?? DEFAULT_TEMPLATES[kind];
    if (template) overrides[kind] = template;
    else delete overrides[kind];
    const changes = objectChanges({ ...before }, { ...(template ?? DEFAULT_TEMPLATES[kind]) }, ["subject", "text", "html"]);
    await tx.setting.upsert({
      where: { key: MAIL_TEMPLATES_SETTING },
      create: { key: MAIL_TEMPLATES_SETTING, value: overrides as unknown as Prisma.InputJsonObject },
      update: { value: overrides as unknown as Prisma.InputJsonObject },
    });
    await recordAudit(tx, actor, { action: template ? "mail.template_save" : "mail.template_reset", details: { kind, changes } });
  });
  mailTemplates.clear();
}

export function saveMailTemplate(actor: Actor, input: SaveMailTemplateInput): Promise<void> {
  return auditFailures(actor, { action: "mail.template_save", details: { kind: input.kind } }, async () => {
    requirePermission(actor, "config:manage");
    const { kind, ...template } = input;
    await writeOverrides(actor, kind, template);
  });
}

export function resetMailTemplate(actor: Actor, kind: MailKind): Promise<void> {
  return auditFailures(actor, { action: "mail.template_reset", details: { kind } }, async () => {
    requirePermission(actor, "config:manage");
    await writeOverrides(actor, kind, null);
  });
}
