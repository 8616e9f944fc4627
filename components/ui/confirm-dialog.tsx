"use client";

import { useEffect, useId, useRef } from "react";

export interface ConfirmQuestion {
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  /** The confirm button's style: "danger" for destructive or access-removing actions. */
  tone?: "danger" | "secondary";
}

/**
 * A modal question with a confirm and a Cancel button. Focus starts on Cancel, the safe choice, so
 * Enter or Escape never acts by accident; on closing, the browser returns focus to where it was.
 */
export function ConfirmDialog({ question, onAnswer }: { question: ConfirmQuestion | null; onAnswer(confirmed: boolean): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    if (!question || dialog.current?.open) return;
    dialog.current?.showModal();
    cancel.current?.focus();
  }, [question]);

  function answer(confirmed: boolean) {
    dialog.current?.close();
    onAnswer(confirmed);
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      className="dialog"
      onCancel={(event) => {
        event.preventDefault();
        answer(false);
      }}
    >
      {question && (
        <>
          <h2 id={titleId}>{question.title}</h2>
          <div id={descriptionId}>{question.description}</div>
          <div className="actions">
            <button type="button" className={question.tone ?? "danger"} onClick={() => answer(true)}>
              {question.confirmLabel}
            </button>
            <button ref={cancel} type="button" className="secondary" onClick={() => answer(false)}>
              Cancel
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
