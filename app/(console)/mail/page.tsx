import Link from "next/link";
import { Forbidden } from "@/components/ui/notice";
import { Pager } from "@/components/ui/pager";
import { Time } from "@/components/ui/time";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { listMail, MAIL_PAGE_SIZE } from "@/lib/mail/manage";
import { MAIL_KIND_LABELS, type MailKind } from "@/lib/mail/templates";

export const dynamic = "force-dynamic";

const STATUS_LABELS: Record<string, string> = { pending: "Waiting to be sent", in_flight: "Sending", succeeded: "Sent", failed: "Failed" };

export default async function MailPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) return <Forbidden title="Mail" message="Only Administrators can read the mail Delegate sends." />;
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const { mails, total, smtp } = await listMail(actor, page);
  return (
    <>
      <div className="page-header">
        <h1>Mail</h1>
        <Link href="/mail/templates" className="button secondary">
          Templates
        </Link>
      </div>
      <p className="muted">
        {smtp
          ? "Mail goes out through the SMTP server of SMTP_URL. A mail's body (which holds a single-use link) is erased once the server accepted it."
          : "No SMTP server is configured (SMTP_URL), so mail is not sent: it is kept here, and its links are printed to the server log."}
      </p>
      {mails.length === 0 ? (
        <p className="empty panel">No mail yet.</p>
      ) : (
        <ul className="mail-list" aria-label="Mails, newest first">
          {mails.map((mail) => (
            <li key={mail.id} className="panel">
              <h2>{mail.subject}</h2>
              <dl className="props">
                <dt>To</dt>
                <dd>{mail.to}</dd>
                <dt>Kind</dt>
                <dd>{MAIL_KIND_LABELS[mail.kind as MailKind] ?? mail.kind}</dd>
                <dt>Queued</dt>
                <dd>
                  <Time value={mail.createdAt.toISOString()} />
                </dd>
                <dt>Status</dt>
                <dd>
                  {mail.transport === "kept" ? "Kept here (no SMTP)" : (STATUS_LABELS[mail.status ?? "pending"] ?? mail.status)}
                  {mail.attempts > 1 && `, after ${mail.attempts} attempts`}
                  {mail.lastError && mail.status !== "succeeded" && <span className="field-error"> — {mail.lastError}</span>}
                </dd>
              </dl>
              {mail.text !== null && (
                <>
                  <h3>Links</h3>
                  <ul>
                    {mail.links.map((link) => (
                      <li key={link}>
                        <a href={link} rel="noreferrer">
                          {link}
                        </a>
                      </li>
                    ))}
                  </ul>
                  <details>
                    <summary>Body</summary>
                    <pre className="mail-body">{mail.text}</pre>
                    <h3>HTML</h3>
                    <pre className="mail-body">{mail.html}</pre>
                  </details>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <Pager path="/mail" query={{}} page={page} perPage={MAIL_PAGE_SIZE} total={total} label="Mail pages" />
    </>
  );
}
