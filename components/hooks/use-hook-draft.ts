"use client";

import { useEffect, useState } from "react";
import type { HookKind } from "@/lib/hooks/kinds";

/** How long after the last keystroke the draft is written. */
const DRAFT_WRITE_DELAY_MS = 300;

export interface HookDraft {
  code: string;
  /** When it was last written (ISO). */
  savedAt: string;
}

const DRAFT_PREFIX = "delegate:hook-draft:";
const draftKey = (kind: HookKind) => `${DRAFT_PREFIX}${kind}`;

/** Removes every hook draft from this browser (on sign-out: the next person at this browser sees none). */
export function removeHookDrafts(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(DRAFT_PREFIX)) localStorage.removeItem(key);
  } catch {
    // Storage refused: nothing was kept either.
  }
}

function readDraft(kind: HookKind): HookDraft | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(draftKey(kind)) ?? "null");
    if (value && typeof value === "object" && typeof (value as HookDraft).code === "string" && typeof (value as HookDraft).savedAt === "string") {
      return value as HookDraft;
    }
  } catch {
    // Unreadable (or storage refused): no draft.
  }
  return null;
}

/**
 * Unsaved hook code kept in this browser, one draft per hook: written while the code differs from
 * the saved code (`baseline`), removed when it matches again (saved, restored or undone). A draft
 * found on opening the page that differs from the saved code is offered (`offered`) until it is
 * restored or discarded.
 */
export function useHookDraft(kind: HookKind, code: string, baseline: string) {
  const [offered, setOffered] = useState<HookDraft | null>(null);
  const [ready, setReady] = useState(false);

  // localStorage exists only in the browser: read once after the first render.
  useEffect(() => {
    const draft = readDraft(kind);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- syncing from browser storage after hydration
    setOffered(draft && draft.code.trim() !== baseline.trim() ? draft : null);
    setReady(true);
    // Only on opening the page: later baseline changes are saves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind]);

  useEffect(() => {
    // Until the offer is answered, the stored draft is not overwritten by the saved code.
    if (!ready || offered) return;
    const timer = setTimeout(() => {
      try {
        if (code.trim() === baseline.trim()) localStorage.removeItem(draftKey(kind));
        else localStorage.setItem(draftKey(kind), JSON.stringify({ code, savedAt: new Date().toISOString() } satisfies HookDraft));
      } catch {
        // Storage full or refused: the leave guard still asks before leaving.
      }
    }, DRAFT_WRITE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [kind, code, baseline, ready, offered]);

  return {
    offered,
    /** The offer is answered: restored (the caller puts the code in the editor) or discarded. */
    answer(restore: boolean) {
      if (!restore) {
        try {
          localStorage.removeItem(draftKey(kind));
        } catch {
          // Nothing to remove.
        }
      }
      setOffered(null);
    },
  };
}
