"use client";

import { FormAlert, TextField } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { useToast } from "@/components/ui/toast";
import { updateUserAction } from "@/lib/actions/users";

export function ChangePasswordForm({ userId }: { userId: string }) {
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
      <div className="grid-2">
        <TextField
          id="new-password"
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          error={fieldError("password")}
        />
        <TextField
          id="new-password-repeat"
          name="repeatPassword"
          label="Repeat password"
          type="password"
          autoComplete="new-password"
          error={fieldError("repeatPassword")}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" name="password_change_required" /> Require a change at next sign-in (a temporary password)
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Changing password…" : "Change password"}
      </button>
    </form>
  );
}
