"use client";

import { FormAlert } from "@/components/forms/fields";
import { PasswordFields } from "@/components/forms/password-fields";
import { useAction } from "@/components/forms/use-action";
import { useToast } from "@/components/ui/toast";
import { updateUserAction } from "@/lib/actions/users";
import type { PasswordPolicy } from "@/lib/auth/password-policy";

/** `policy`: the user's connection's, shown as a hint and used by Generate (null when it is not a database connection). */
export function ChangePasswordForm({ userId, policy }: { userId: string; policy: PasswordPolicy | null }) {
  const { error, setError, pending, run, fieldError } = useAction();
  const toast = useToast();

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("repeatPassword") ?? "")) {
      const message = "The passwords do not match.";
      setError({ code: "validation", status: 400, message, fieldErrors: { repeatPassword: message } });
      return;
    }
    run(
      () =>
        updateUserAction({
          user_id: userId,
          changes: { password, password_change_required: form.get("password_change_required") === "on" },
        }),
      () => {
        formElement.reset();
        toast("The password is changed.");
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="change-password-title" className="panel">
      <h2 id="change-password-title">Change password</h2>
      <FormAlert error={error} />
      <PasswordFields
        idPrefix="new-"
        policy={policy}
        errors={{ password: fieldError("password"), repeatPassword: fieldError("repeatPassword") }}
        wrapperClassName="grid-2"
      />
      <label className="checkbox">
        <input type="checkbox" name="password_change_required" /> Require a change at next sign-in (a temporary password)
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Changing password…" : "Change password"}
      </button>
    </form>
  );
}
