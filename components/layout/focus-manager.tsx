"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

/** Moves focus to the page's heading (made focusable for it), or to <main> when there is none. */
export function focusPageHeading(): void {
  const target = document.querySelector<HTMLElement>("main h1") ?? document.querySelector<HTMLElement>("main");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus();
}

/** A control that is gone or disabled cannot hold focus. */
const unusable = (element: HTMLElement) => !element.isConnected || (element as HTMLButtonElement).disabled === true;

/**
 * Keeps keyboard focus somewhere meaningful:
 * - each client navigation (a new path) focuses the new page's heading, as a full page load would
 *   start a screen reader there;
 * - when the focused control is disabled while its action runs, focus comes back to it afterwards;
 *   when it is replaced (Block becomes Unblock), focus goes to its replacement, the element with the
 *   same `data-focus-key`, else to the page's heading. Focus never stays on <body>.
 * Leaving a control on purpose (a click elsewhere, Tab) is left alone.
 */
export function FocusManager() {
  const pathname = usePathname();
  const firstPath = useRef(true);

  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    focusPageHeading();
  }, [pathname]);

  useEffect(() => {
    let lost: { element: HTMLElement; key: string | null } | null = null;
    const onFocusIn = (event: FocusEvent) => {
      lost = null;
      if (event.target instanceof HTMLElement) lost = { element: event.target, key: event.target.dataset.focusKey ?? null };
    };
    const onFocusOut = (event: FocusEvent) => {
      // Focus left on purpose while the control is still usable: nothing to restore.
      if (lost && event.target === lost.element && !unusable(lost.element)) lost = null;
    };
    const restore = () => {
      if (!lost || document.activeElement !== document.body) return;
      const { element, key } = lost;
      if (element.isConnected) {
        if (!unusable(element)) element.focus();
        return; // still disabled: wait for the next change
      }
      lost = null;
      const replacement = key ? document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`) : null;
      if (replacement && !unusable(replacement)) replacement.focus();
      else focusPageHeading();
    };
    const observer = new MutationObserver(restore);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["disabled"] });
    document.addEventListener("focusin", onFocusIn);
    document.addEventListener("focusout", onFocusOut);
    return () => {
      observer.disconnect();
      document.removeEventListener("focusin", onFocusIn);
      document.removeEventListener("focusout", onFocusOut);
    };
  }, []);

  return null;
}
