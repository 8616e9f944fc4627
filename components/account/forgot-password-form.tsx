"use client";

import { useState, useTransition } from "react";
import { forgotPasswordAction, type AccountResult } from "@/lib/actions/account";

/** "Forgot your password?": the same answer for every email; only a throttled address gets an error. */
export function ForgotPasswordForm({ returnTo }: { returnTo?: string }) {
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
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const email = String(new FormData(event.currentTarget).get("email") ?? "");
        startTransition(async () => setResult(await forgotPasswordAction({ email, return_to: returnTo })));
      }}
    >
      {result && !result.ok && (
        <div role="alert" className="alert">
          {Object.values(result.error.fieldErrors ?? {})[0] ?? result.error.message}
        </div>
      )}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? "Sending…" : "Send me a link"}
      </button>
    </form>
  );
}
