"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { Notice } from "@/components/ui/notice";
import { previewMailTemplateAction, resetMailTemplateAction, saveMailTemplateAction } from "@/lib/actions/mail";
import type { MailKind, MailTemplate, RenderedMail } from "@/lib/mail/templates";

/** One kind's template: edit, preview with sample values, save, or go back to the default. */
export function TemplateEditor({ kind, label, template, customized }: { kind: MailKind; label: string; template: MailTemplate; customized: boolean }) {
  const router = useRouter();
  const { error, pending, run, fieldError } = useAction();
  const [draft, setDraft] = useState(template);
  const [preview, setPreview] = useState<RenderedMail | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const id = (part: string) => `${kind}-${part}`;
  const edit = (part: keyof MailTemplate) => (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setDraft({ ...draft, [part]: event.target.value });

  return (
    <form className="panel" aria-labelledby={id("title")} onSubmit={(event) => event.preventDefault()}>
      <h2 id={id("title")}>
        {label} {customized && <span className="badge">Customized</span>}
      </h2>
      <FormAlert error={error} />
      {done && <Notice>{done}</Notice>}
      <div className="field">
        <label htmlFor={id("subject")}>Subject</label>
        <input id={id("subject")} value={draft.subject} onChange={edit("subject")} aria-invalid={fieldError("subject") ? true : undefined} />
      </div>
      <div className="field">
        <label htmlFor={id("text")}>Plain text</label>
        <textarea id={id("text")} rows={8} value={draft.text} onChange={edit("text")} aria-invalid={fieldError("text") ? true : undefined} />
      </div>
      <div className="field">
        <label htmlFor={id("html")}>HTML</label>
        <textarea id={id("html")} rows={8} value={draft.html} onChange={edit("html")} aria-invalid={fieldError("html") ? true : undefined} />
      </div>
      <div className="actions">
        <button type="button" className="secondary" disabled={pending} onClick={() => run(() => previewMailTemplateAction(draft), setPreview)}>
          Preview
        </button>
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            run(
              () => saveMailTemplateAction({ kind, ...draft }),
              () => {
                setDone("Saved: the next mails use this template.");
                router.refresh();
              },
            )
          }
        >
          Save
        </button>
        {customized && (
          <button
            type="button"
            className="secondary"
            disabled={pending}
            onClick={() =>
              run(
                () => resetMailTemplateAction({ kind }),
                () => {
                  setDone("Back to the default template.");
                  router.refresh();
                },
              )
            }
          >
            Use the default
          </button>
        )}
      </div>
      {preview && (
        <section aria-label={`Preview of the ${label.toLowerCase()} mail`} className="preview">
          <p>
            <strong>Subject:</strong> {preview.subject}
          </p>
          <pre className="mail-body">{preview.text}</pre>
          <h3>HTML (as sent)</h3>
          <pre className="mail-body">{preview.html}</pre>
        </section>
      )}
    </form>
  );
}
