import { z } from "zod";
import type { AttemptOutcome, DeliveryHandler } from "@/lib/delivery/registry";
import { notAttempted } from "@/lib/delivery/outcome";
import { mailTransport } from "./transport";

const payloadSchema = z.object({ mail_id: z.string().uuid() });

/** Nodemailer's errors carry the SMTP reply code when the server answered. */
interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
}

/**
 * A permanent SMTP refusal (5xx: no such mailbox, relaying denied, bad credentials) fails at once;
 * a temporary one (4xx), a timeout or a lost connection is retried on the delivery schedule.
 */
function failure(error: SmtpError, durationMs: number): AttemptOutcome {
  const code = error.responseCode ?? null;
  return {
    attempted: true,
    succeeded: false,
    retryable: code === null || (code >= 400 && code < 500),
    statusCode: code,
    responseBody: error.response?.slice(0, 4096) ?? null,
    error: `${error.code ? `${error.code}: ` : ""}${error.message}`,
    durationMs,
  };
}

/**
 * The `mail` destination: reads the queued mail and sends it over SMTP, or (without SMTP_URL) keeps it
 * for the Mail page and prints its links to the server log. With SMTP the body, which holds a
 * single-use link, is erased once the server accepted the mail.
 */
export const mailDeliveryHandler: DeliveryHandler<"mail"> = {
  async deliver(job) {
    const started = performance.now();
    const parsed = payloadSchema.safeParse(JSON.parse(job.event.body));
    if (!parsed.success) return notAttempted("The mail event has no mail id.");
    const mail = await job.db.mailMessage.findUnique({ where: { id: parsed.data.mail_id } });
    if (!mail) return notAttempted("The mail was deleted before it was sent.");
    const transport = mailTransport();
    if (!transport) {
      console.log(`[mail] Not sent (no SMTP_URL): ${mail.kind} to ${mail.to} "${mail.subject}"; links: ${mail.links.join(" ")}`);
      await job.db.mailMessage.update({ where: { id: mail.id }, data: { sentAt: new Date(), transport: "kept" } });
      return { attempted: true, succeeded: true, retryable: false, statusCode: null, responseBody: "Kept for the Mail page (no SMTP_URL).", error: null, durationMs: performance.now() - started };
    }
    if (mail.text === null || mail.html === null) return notAttempted("The mail was already sent; its body was erased.");
    try {
      const info = await transport.transporter.sendMail({
        from: transport.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { "X-Delegate-Mail-Id": mail.id },
      });
      const response = String(info.response ?? "").slice(0, 500);
      await job.db.mailMessage.update({
        where: { id: mail.id },
        data: { sentAt: new Date(), transport: "smtp", response, text: null, html: null },
      });
      const code = Number(/^\d{3}/.exec(response)?.[0] ?? 250);
      return { attempted: true, succeeded: true, retryable: false, statusCode: code, responseBody: response, error: null, durationMs: performance.now() - started };
    } catch (error) {
      return failure(error as SmtpError, performance.now() - started);
    }
  },
};
