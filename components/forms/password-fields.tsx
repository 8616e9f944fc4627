"use client";

import { useRef, useState } from "react";
import { describePasswordPolicy, generatePassword, type PasswordPolicy } from "@/lib/auth/password-policy";
import { TextField } from "./fields";

/**
 * Password and Repeat password with the connection's policy as a hint before any refusal, a toggle that
 * shows both, and Generate, which fills both with a password that passes the policy and shows it.
 * The inputs stay uncontrolled (`password`, `repeatPassword` in the form's data).
 */
export function PasswordFields({
  idPrefix,
  policy,
  errors,
  required,
  wrapperClassName,
}: {
  idPrefix: string;
  policy: PasswordPolicy | null;
  errors: { password?: string; repeatPassword?: string };
  required?: boolean;
  /** Lays the two fields out (e.g. "grid-2"). */
  wrapperClassName?: string;
}) {
  const [shown, setShown] = useState(false);
  const [generated, setGenerated] = useState(false);
  const password = useRef<HTMLDivElement>(null);
  const type = shown ? "text" : "password";

  function generate() {
    if (!policy) return;
    const value = generatePassword(policy);
    for (const input of password.current?.querySelectorAll("input") ?? []) input.value = value;
    setShown(true);
    setGenerated(true);
  }

  return (
    <>
      <div ref={password} className={wrapperClassName}>
        <TextField
          id={`${idPrefix}password`}
          name="password"
          label="Password"
          type={type}
          autoComplete="new-password"
          required={required}
          hint={policy ? describePasswordPolicy(policy) : undefined}
          error={errors.password}
        />
        <TextField
          id={`${idPrefix}repeatPassword`}
          name="repeatPassword"
          label="Repeat password"
          type={type}
          autoComplete="new-password"
          required={required}
          error={errors.repeatPassword}
        />
      </div>
      <div className="actions password-tools">
        <button type="button" className="secondary" aria-pressed={shown} onClick={() => setShown(!shown)}>
          Show passwords
        </button>
        {policy && (
          <button type="button" className="secondary" onClick={generate}>
            Generate a password
          </button>
        )}
      </div>
      <p className="hint password-generated" aria-live="polite">
        {generated && "A password that meets the policy is filled in both fields and shown: copy it before you save."}
      </p>
    </>
  );
}
