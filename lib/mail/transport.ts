import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import { getConfig } from "@/lib/config";

export interface MailTransport {
  transporter: Transporter;
  from: string;
  url: string;
}

const store = globalThis as unknown as { delegateMailTransport?: MailTransport };

/**
 * The SMTP transport when SMTP_URL is set (`smtp://user:pass@host:587`, `smtps://…:465`), else null:
 * mail is then kept in the database for the Mail page and its links are printed to the log.
 * One pooled transport per process (5 connections unless the URL's `maxConnections` says otherwise),
 * so that a batch reuses connections instead of a handshake per mail.
 */
export function mailTransport(): MailTransport | null {
  const config = getConfig();
  if (!config.SMTP_URL) return null;
  if (store.delegateMailTransport?.url === config.SMTP_URL) return store.delegateMailTransport;
  store.delegateMailTransport?.transporter.close();
  const url = new URL(config.SMTP_URL);
  const defaults: Record<string, string> = {
    pool: "true",
    maxConnections: "5",
    maxMessages: "1000",
    connectionTimeout: "10000",
    greetingTimeout: "10000",
    socketTimeout: "15000",
  };
  for (const [key, value] of Object.entries(defaults)) if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  store.delegateMailTransport = {
    transporter: nodemailer.createTransport(url.toString()),
    from: config.MAIL_FROM ?? `"${config.DELEGATE_TENANT_NAME.replace(/["\\\r\n]/g, "")}" <no-reply@${new URL(config.publicUrl).hostname}>`,
    url: config.SMTP_URL,
  };
  return store.delegateMailTransport;
}

/** Tests and the benchmark switch servers; this closes the pooled connections. */
export function closeMailTransport(): void {
  store.delegateMailTransport?.transporter.close();
  store.delegateMailTransport = undefined;
}
