"use client";

import { useState } from "react";
import { ConfirmDialog } from "./confirm-dialog";

/**
 * A button that asks before it acts: the question opens in a modal dialog (ConfirmDialog, focus on
 * Cancel) whose confirm button runs `onConfirm`; closing returns focus to the button.
 */
export function ConfirmButton({
  label,
  title,
  description,
  confirmLabel,
  onConfirm,
  disabled,
  className = "danger",
  focusKey,
}: {
  label: string;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: "danger" | "secondary";
  /** Lets focus move to the control that replaces this button after its action (see FocusManager). */
  focusKey?: string;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" className={className} disabled={disabled} data-focus-key={focusKey} onClick={() => setAsking(true)}>
        {label}
      </button>
      <ConfirmDialog
        question={asking ? { title, description, confirmLabel, tone: className } : null}
        onAnswer={(confirmed) => {
          setAsking(false);
          if (confirmed) onConfirm();
        }}
      />
    </>
  );
}
