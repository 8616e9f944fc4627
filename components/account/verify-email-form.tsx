"use client";

import { useState, useTransition } from "react";
import { verifyEmailAction, type AccountResult } from "@/lib/actions/account";

/** A button, not the link itself: mail scanners that open links do not use the link up. */
export function VerifyEmailForm({ token }: { token: string }) {
  const [result, setResult] = useState<AccountResult | null>(null);
  const [pending, startTransition] = useTransition();
  if (result?.ok) {
    return (
      <div role="status" className="notice">
        {result.data.message}
      </div>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => setResult(await verifyEmailAction({ token })));
      }}
    >
      {result && !result.ok && (
        <div role="alert" className="alert">
          {result.error.message}
        </div>
      )}
      <button type="submit" disabled={pending}>
        {pending ? "Verifying…" : "Verify my email address"}
      </button>
    </form>
  );
}
