"use client";

import { useRouter } from "next/navigation";
import { useRef } from "react";
import { hrefWith } from "./query";

/** Keys that change a closed select's value without choosing it for good. */
const BROWSING_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/**
 * A GET form for a list's filters. Without JavaScript the browser submits it as is; with it, the
 * URL leaves out empty fields and a select applies when an option is picked (pointer, or the open
 * list) or on Enter, not on each arrow key that walks a closed select through its options.
 * Changing a filter starts again from the first page.
 */
export function FilterForm({ action, label, children }: { action: string; label: string; children: React.ReactNode }) {
  const router = useRouter();
  /** The select whose value arrow keys are changing: its change events wait for Enter. */
  const browsing = useRef<HTMLSelectElement | null>(null);

  function apply(form: HTMLFormElement) {
    const values: Record<string, string> = {};
    for (const [key, value] of new FormData(form)) values[key] = String(value).trim();
    router.push(hrefWith(action, values));
  }

  return (
    <form
      method="get"
      action={action}
      className="toolbar"
      role="search"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        apply(event.currentTarget);
      }}
      onKeyDown={(event) => {
        if (!(event.target instanceof HTMLSelectElement)) return;
        // Space and Alt+Down open the list: what is picked there applies.
        if (event.key === " " || (event.altKey && event.key === "ArrowDown")) browsing.current = null;
        else if (BROWSING_KEYS.has(event.key) || event.key.length === 1) browsing.current = event.target;
        else if (event.key === "Enter" && event.target.form) {
          event.preventDefault();
          browsing.current = null;
          apply(event.target.form);
        }
      }}
      onChange={(event) => {
        if (!(event.target instanceof HTMLSelectElement) || !event.target.form) return;
        if (browsing.current === event.target) return;
        apply(event.target.form);
      }}
      onPointerDown={() => {
        browsing.current = null;
      }}
    >
      {children}
    </form>
  );
}
