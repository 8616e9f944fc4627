import { z } from "zod";
import { memoize } from "@/lib/cache/memo";
import { getPrisma } from "@/lib/db/client";
import { textSchema } from "@/lib/schemas/common";

/** The mails Delegate sends, one template each. */
export const MAIL_KINDS = ["invitation", "password_reset", "email_verification"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const MAIL_KIND_LABELS: Record<MailKind, string> = {
  invitation: "Invitation",
  password_reset: "Password reset",
  email_verification: "Email verification",
};

/**
 * The only names a template may use, as `{{name}}`. Values are inserted once, after the template is
 * split into text and placeholders: a value is never read as template text (a user named
 * "{{link}}" gets that literal name), and in the HTML part every value is HTML-escaped.
 */
export const TEMPLATE_VARIABLES = ["tenant_name", "public_url", "link", "user_email", "user_name", "expires_at"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export const DEFAULT_TEMPLATES: Record<MailKind, MailTemplate> = {
  invitation: {
    subject: "You are invited to {{tenant_name}}",
    text:
      "Hello {{user_name}},\n\nAn administrator of {{tenant_name}} created an account for {{user_email}}.\n" +
      "Choose your password here (the link works once, until {{expires_at}}):\n\n{{link}}\n\n" +
      "If you did not expect this, ignore this mail.\n\n{{tenant_name}} · {{public_url}}\n",
    html:
      "<p>Hello {{user_name}},</p><p>An administrator of <strong>{{tenant_name}}</strong> created an account for {{user_email}}.</p>" +
      '<p><a href="{{link}}">Choose your password</a></p><p>The link works once, until {{expires_at}}.</p>' +
      "<p>If you did not expect this, ignore this mail.</p><p>{{tenant_name}} · {{public_url}}</p>",
  },
  password_reset: {
    subject: "Reset your {{tenant_name}} password",
    text:
      "Hello {{user_name}},\n\nSomeone asked to reset the password of {{user_email}} at {{tenant_name}}.\n" +
      "Choose a new password here (the link works once, until {{expires_at}}):\n\n{{link}}\n\n" +
      "If you did not ask for this, ignore this mail: your password stays as it is.\n\n{{tenant_name}} · {{public_url}}\n",
    html:
      "<p>Hello {{user_name}},</p><p>Someone asked to reset the password of {{user_email}} at <strong>{{tenant_name}}</strong>.</p>" +
      '<p><a href="{{link}}">Choose a new password</a></p><p>The link works once, until {{expires_at}}.</p>' +
      "<p>If you did not ask for this, ignore this mail: your password stays as it is.</p><p>{{tenant_name}} · {{public_url}}</p>",
  },
  email_verification: {
    subject: "Verify your email address for {{tenant_name}}",
    text:
      "Hello {{user_name}},\n\nConfirm that {{user_email}} is your address at {{tenant_name}} (the link works once, until {{expires_at}}):\n\n" +
      "{{link}}\n\n{{tenant_name}} · {{public_url}}\n",
    html:
      "<p>Hello {{user_name}},</p><p>Confirm that {{user_email}} is your address at <strong>{{tenant_name}}</strong>.</p>" +
      '<p><a href="{{link}}">Verify my email address</a></p><p>The link works once, until {{expires_at}}.</p>' +
      "<p>{{tenant_name}} · {{public_url}}</p>",
  },
};

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_]*)\s*\}\}/g;

/** Every `{{…}}` that names no variable, so that a typo is refused when the template is saved. */
function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1])
    .filter((name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name));
}

const templatePart = (label: string, max: number) =>
  textSchema({ error: `Enter the ${label}.` })
    .min(1, `Enter the ${label}.`)
    .max(max, `The ${label} must be at most ${max} characters.`)
    .superRefine((value, ctx) => {
      const unknown = unknownPlaceholders(value);
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `Unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(", ")}; use ${TEMPLATE_VARIABLES.map((n) => `{{${n}}}`).join(", ")}.`,
        });
      }
    });

export const mailTemplateSchema = z.object({
  subject: templatePart("subject", 200).refine((s) => !/[\r\n]/.test(s), { message: "The subject must be one line." }),
  text: templatePart("plain-text body", 20_000),
  html: templatePart("HTML body", 50_000),
});

export const saveMailTemplateSchema = mailTemplateSchema.extend({ kind: z.enum(MAIL_KINDS) });
export type SaveMailTemplateInput = z.infer<typeof saveMailTemplateSchema>;

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** One pass over the template: each placeholder is replaced by its value; the values are not scanned again. */
function fill(template: string, values: TemplateValues, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    (TEMPLATE_VARIABLES as readonly string[]).includes(name) ? encode(values[name as TemplateVariable]) : whole,
  );
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function renderMail(template: MailTemplate, values: TemplateValues): RenderedMail {
  return {
    // A header cannot carry a line break: a value with one (a name) is put on one line.
    subject: fill(template.subject, values, (value) => value.replace(/[\r\n]+/g, " ")),
    text: fill(template.text, values, (value) => value),
    html: fill(template.html, values, escapeHtml),
  };
}

export const SAMPLE_VALUES: TemplateValues = {
  tenant_name: "Example Corp",
  public_url: "https://delegate.example.com",
  link: "https://delegate.example.com/account/invitation?token=SAMPLE-TOKEN",
  user_email: "jane.doe@example.com",
  user_name: "Jane <b>Doe</b>",
  expires_at: "2026-12-14 09:00 UTC",
};

const SETTING_KEY = "mail.templates";
const storedTemplatesSchema = z.partialRecord(z.enum(MAIL_KINDS), mailTemplateSchema).catch({});

export const mailTemplates = memoize(5_000, async (): Promise<Record<MailKind, MailTemplate>> => {
  const prisma = await getPrisma();
  const row = await prisma.setting.findUnique({ where: { key: SETTING_KEY } });
  const stored = storedTemplatesSchema.parse(row?.value ?? {});
  return { ...DEFAULT_TEMPLATES, ...stored };
});

export async function storedTemplateOverrides(): Promise<Partial<Record<MailKind, MailTemplate>>> {
  const prisma = await getPrisma();
  const row = await prisma.setting.findUnique({ where: { key: SETTING_KEY } });
  return storedTemplatesSchema.parse(row?.value ?? {});
}

export const MAIL_TEMPLATES_SETTING = SETTING_KEY;
