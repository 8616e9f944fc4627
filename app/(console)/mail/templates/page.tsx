import Link from "next/link";
import { TemplateEditor } from "@/components/mail/template-editor";
import { Forbidden } from "@/components/ui/notice";
import { can } from "@/lib/auth/actor";
import { requireSessionActor } from "@/lib/auth/session";
import { getMailTemplates } from "@/lib/mail/manage";
import { MAIL_KIND_LABELS, MAIL_KINDS, TEMPLATE_VARIABLES } from "@/lib/mail/templates";

export const dynamic = "force-dynamic";

export default async function MailTemplatesPage() {
  const actor = await requireSessionActor();
  if (!can(actor, "config:manage")) return <Forbidden title="Mail templates" message="Only Administrators can change the mail templates." />;
  const { templates, customized } = await getMailTemplates(actor);
  return (
    <>
      <p>
        <Link href="/mail">← Mail</Link>
      </p>
      <h1>Mail templates</h1>
      <p className="muted">
        Placeholders: {TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(", ")}. Values are inserted as text (HTML-escaped in the HTML
        part) and never read as template code. The preview uses sample values.
      </p>
      {MAIL_KINDS.map((kind) => (
        <TemplateEditor key={kind} kind={kind} label={MAIL_KIND_LABELS[kind]} template={templates[kind]} customized={customized.includes(kind)} />
      ))}
    </>
  );
}
