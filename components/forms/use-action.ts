"use client";

import { useEffect, useState, useTransition } from "react";
import type { ActionError, ActionResult } from "@/lib/actions/safe-action";
import { startProgress } from "@/components/ui/progress";

const UNREACHABLE: ActionError = {
  code: "internal",
  status: 0,
  message: "The server could not be reached. Check your connection and try again.",
};

/**
 * Runs a server action from a form and keeps its error. Field errors are looked up by field name,
 * also when the action nests the fields (`changes.email` answers for `email`). While it runs, the
 * console's progress bar shows.
 */
export function useAction() {
  const [error, setError] = useState<ActionError | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => (pending ? startProgress() : undefined), [pending]);

  function run<T>(call: () => Promise<ActionResult<T>>, onSuccess: (data: T) => void) {
    startTransition(async () => {
      setError(null);
      let result: ActionResult<T>;
      try {
        result = await call();
      } catch {
        result = { ok: false, error: UNREACHABLE };
      }
      if (result.ok) onSuccess(result.data);
      else setError(result.error);
    });
  }

  function fieldError(name: string): string | undefined {
    const errors = error?.fieldErrors;
    if (!errors) return undefined;
    return errors[name] ?? Object.entries(errors).find(([key]) => key.endsWith(`.${name}`))?.[1];
  }

  return { error, setError, pending, run, fieldError };
}
