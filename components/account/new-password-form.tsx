"use client";

import { useState, useTransition } from "react";
import type { AccountResult } from "@/lib/actions/account";

/** Choose a password (invitation) or a new one (reset): typed twice, checked on the server under the connection's policy. */
export function NewPasswordForm({
  token,
  email,
  policy,
  submitLabel,
  action,
}: {
  token: string;
  email: string;
  policy: string;
  submitLabel: string;
  action: (input: { token: string; password: string; repeatPassword: string }) => Promise<AccountResult>;
}) {
  const [result, setResult] = useState<AccountResult | null>(null);
  const [pending, startTransition] = useTransition();

  if (result?.ok) {
    return (
      <div role="status" className="notice">
        {result.data.message}
      </div>
    );
  }
  const fieldErrors = result && !result.ok ? (result.error.fieldErrors ?? {}) : {};
  const formError = result && !result.ok && Object.keys(fieldErrors).length === 0 ? result.error.message : null;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      try {
        setResult(await action({ token, password: String(form.get("password") ?? ""), repeatPassword: String(form.get("repeatPassword") ?? "") }));
      } catch {
        setResult({ ok: false, error: { code: "internal", status: 0, message: "The server could not be reached. Try again." } });
      }
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {(formError || Object.keys(fieldErrors).length > 0) && (
        <div role="alert" className="alert">
          {formError ?? Object.values(fieldErrors)[0]}
        </div>
      )}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div className="field">
        <label htmlFor="password">New password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-describedby="password-hint"
          aria-invalid={fieldErrors.password ? true : undefined}
        />
        <span id="password-hint" className="hint">
          {policy}
        </span>
      </div>
      <div className="field">
        <label htmlFor="repeatPassword">Repeat the password</label>
        <input id="repeatPassword" name="repeatPassword" type="password" autoComplete="new-password" required aria-invalid={fieldErrors.repeatPassword ? true : undefined} />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}
