"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormAlert, SelectField, TextField } from "@/components/forms/fields";
import { UserFieldInputs, userFieldValues } from "./user-field-inputs";
import { MembershipPicker } from "@/components/forms/membership-picker";
import { PasswordFields } from "@/components/forms/password-fields";
import { useAction } from "@/components/forms/use-action";
import { useToast } from "@/components/ui/toast";
import { createUserAction } from "@/lib/actions/users";
import type { PasswordPolicy } from "@/lib/auth/password-policy";
import type { FormUserField } from "@/lib/hooks/console-settings";
import { notKeptMessage } from "@/lib/users/fields-not-kept";

export interface ConnectionOption extends PasswordPolicy {
  name: string;
  requiresUsername: boolean;
}

/** Memberships typed in the form, comma-separated. */
export function typedMemberships(text: string): string[] {
  return text
    .split(",")
    .map((membership) => membership.trim())
    .filter(Boolean);
}

export function CreateUserForm({
  connections,
  memberships,
  membershipsLabel,
  createMemberships = false,
  membershipsError = null,
  userFields,
  declaredFieldsOnly = false,
  texts,
}: {
  connections: ConnectionOption[];
  memberships: string[];
  membershipsLabel: string;
  /** The Memberships Query Hook lets the admin type memberships that are not in the list. */
  createMemberships?: boolean;
  /** The Memberships Query Hook failed: the form has no options and says why. */
  membershipsError?: string | null;
  userFields: FormUserField[];
  /** The Settings Query Hook declares userFields: only those are asked (DAE's model), no free Name field. */
  declaredFieldsOnly?: boolean;
  /** The buttons' texts (the Settings Query Hook's languageDictionary). */
  texts: { submit: string; pending: string; cancel: string };
}) {
  const router = useRouter();
  const toast = useToast();
  const { error, pending, run, fieldError } = useAction();
  const [connection, setConnection] = useState(connections[0]?.name ?? "");
  const [passwordMode, setPasswordMode] = useState<"invite" | "password">("invite");
  const invite = passwordMode === "invite";
  const requiresUsername = connections.find((c) => c.name === connection)?.requiresUsername ?? false;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const extra = userFieldValues(userFields, form);
    run(
      () =>
        createUserAction({
          ...extra.profile,
          user_metadata: extra.user_metadata,
          app_metadata: extra.app_metadata,
          email: text("email"),
          send_invitation: invite,
          ...(invite
            ? {}
            : {
                password: text("password"),
                repeatPassword: text("repeatPassword"),
                password_change_required: form.get("password_change_required") === "on",
              }),
          connection: text("connection"),
          username: requiresUsername ? text("username") : undefined,
          memberships: [...form.getAll("memberships").map(String), ...typedMemberships(text("newMemberships"))],
          name: extra.profile.name ?? text("name"),
        }),
      ({ user_id, not_kept }) => {
        const warning = notKeptMessage(not_kept);
        toast(warning ? `User created. ${warning}` : "User created.", { warning: Boolean(warning) });
        router.push(`/users/${user_id}`);
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create user" className="panel form-narrow">
      <FormAlert error={error} />
      <TextField id="email" name="email" label="Email" type="email" autoComplete="off" required error={fieldError("email")} />
      <fieldset className="field">
        <legend>Password</legend>
        <label>
          <input type="radio" name="passwordMode" value="invite" checked={invite} onChange={() => setPasswordMode("invite")} /> Send an
          invitation: the user chooses their password through a link mailed to them (valid 7 days)
        </label>
        <label>
          <input type="radio" name="passwordMode" value="password" checked={!invite} onChange={() => setPasswordMode("password")} /> Set a
          password
        </label>
      </fieldset>
      {invite && fieldError("password") && (
        <p role="alert" className="alert">
          {fieldError("password")}
        </p>
      )}
      {!invite && (
        <>
          <PasswordFields
            idPrefix=""
            policy={connections.find((c) => c.name === connection) ?? null}
            errors={{ password: fieldError("password"), repeatPassword: fieldError("repeatPassword") }}
            required
          />
          <label className="checkbox">
            <input type="checkbox" name="password_change_required" /> Require a change at next sign-in
          </label>
        </>
      )}
      <SelectField
        id="connection"
        name="connection"
        label="Connection"
        value={connection}
        onChange={(event) => setConnection(event.target.value)}
        options={connections.map((c) => c.name)}
        hint="Users are created in database connections."
        error={fieldError("connection")}
      />
      {requiresUsername && (
        <TextField
          id="username"
          name="username"
          label="Username"
          autoComplete="off"
          required
          hint={`The connection ${connection} requires a username.`}
          error={fieldError("username")}
        />
      )}
      <MembershipPicker label={membershipsLabel} options={memberships} error={fieldError("memberships")} />
      {membershipsError && (
        <p role="alert" className="alert">
          The Memberships Query Hook failed, so there are no memberships to pick: {membershipsError}
        </p>
      )}
      {createMemberships && (
        <TextField
          id="newMemberships"
          name="newMemberships"
          label={`New ${membershipsLabel.toLowerCase()}`}
          autoComplete="off"
          hint="Separate several with commas."
        />
      )}
      {!declaredFieldsOnly && (
        <TextField id="name" name="name" label="Name" autoComplete="off" error={fieldError("name")} />
      )}
      <UserFieldInputs fields={userFields} fieldError={fieldError} />
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? texts.pending : texts.submit}
        </button>
        <Link href="/users" className="button secondary">
          {texts.cancel}
        </Link>
      </div>
    </form>
  );
}
