"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormAlert, TextAreaField, TextField } from "@/components/forms/fields";
import { MembershipPicker } from "@/components/forms/membership-picker";
import { useAction } from "@/components/forms/use-action";
import { useToast } from "@/components/ui/toast";
import { updateUserAction } from "@/lib/actions/users";
import { typedMemberships } from "./create-user-form";
import { UserFieldInputs, userFieldValues } from "./user-field-inputs";
import type { FormUserField } from "@/lib/hooks/console-settings";
import type { UpdateUserInput } from "@/lib/schemas/user";
import { notKeptMessage } from "@/lib/users/fields-not-kept";
import type { JsonObject } from "@/lib/users/profile";

export interface EditableUser {
  user_id: string;
  /** The version the form was loaded at (lib/users/user-version.ts), sent with the changes. */
  version: number;
  email: string;
  username: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  phone_number: string | null;
  memberships: string[];
  user_metadata: JsonObject;
  app_metadata: JsonObject;
}

const METADATA_FIELDS = ["user_metadata", "app_metadata"] as const;
type MetadataField = (typeof METADATA_FIELDS)[number];

const pretty = (value: unknown) => JSON.stringify(value, null, 2);
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((item) => b.includes(item));

/** Parses a metadata textarea; a message for the field when it is not a JSON object. */
function parseMetadata(field: MetadataField, text: string): { value: JsonObject } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `${field} is not valid JSON (${(error as Error).message}). Fix it or reload the page to start over.` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { error: `${field} must be a JSON object, like {"title": "Analyst"}.` };
  }
  return { value: value as JsonObject };
}

/** The stored value of each user field, as its input shows it. */
function storedValues(fields: FormUserField[], user: EditableUser): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const value = field.property.split(".").reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), user);
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") values[field.property] = String(value);
  }
  return values;
}

/** The profile fields (name, given/family name, phone) the user fields changed. */
function changedProfile(profile: Record<string, string>, user: EditableUser): UpdateUserInput {
  const changes: Record<string, string> = {};
  for (const [property, value] of Object.entries(profile)) {
    if (value !== (user as unknown as Record<string, unknown>)[property]) changes[property] = value;
  }
  return changes as UpdateUserInput;
}

interface EditUserFormProps {
  user: EditableUser;
  membershipOptions: string[];
  /** The Memberships Query Hook lets the admin type memberships that are not in the list. */
  createMemberships?: boolean;
  /** The Memberships Query Hook failed: no options, and why. */
  membershipsError?: string | null;
  membershipsLabel?: string;
  canEditMetadata: boolean;
  /** The Settings Query Hook's user fields with an `edit` mode (DAE's edit form). */
  userFields: FormUserField[];
  texts: { title: string; submit: string; pending: string };
}

/**
 * Email, username, name and memberships, and for Administrators the metadata as JSON. Only the
 * fields that changed are sent, so each change is checked and audited as what it is. After a save
 * the fields start again from the stored user, so that stale JSON is never sent back; a form loaded
 * before someone else's change is refused with a message to reload (the version it carries).
 */
export function EditUserForm(props: EditUserFormProps) {
  return <EditUserFields key={props.user.version} {...props} />;
}

function EditUserFields({
  user,
  membershipOptions,
  createMemberships = false,
  membershipsError = null,
  membershipsLabel = "Memberships",
  canEditMetadata,
  userFields,
  texts,
}: EditUserFormProps) {
  const router = useRouter();
  const toast = useToast();
  /** A save that removes memberships waits for the admin's answer. */
  const [removal, setRemoval] = useState<{ changes: UpdateUserInput; removed: string[] } | null>(null);
  const { error, setError, pending, run, fieldError } = useAction();
  const options = [...new Set([...membershipOptions, ...user.memberships])];

  function changesFrom(form: FormData): UpdateUserInput | null {
    const text = (name: string) => String(form.get(name) ?? "");
    const changes: UpdateUserInput = {};
    if (text("email").trim().toLowerCase() !== user.email) changes.email = text("email");
    const username = text("username").trim();
    if (username !== (user.username ?? "")) changes.username = username === "" ? null : username;
    if (form.has("name") && text("name").trim() !== (user.name ?? "")) changes.name = text("name");
    const memberships = [...new Set([...form.getAll("memberships").map(String), ...typedMemberships(text("newMemberships"))])];
    if (!sameSet(memberships, user.memberships)) changes.memberships = memberships;
    // The user fields' values over the stored metadata: a changed field changes its path, the other keys stay.
    const fields = userFieldValues(userFields, form, { user_metadata: user.user_metadata, app_metadata: user.app_metadata });
    Object.assign(changes, changedProfile(fields.profile, user));
    for (const root of METADATA_FIELDS) {
      if (JSON.stringify(fields[root]) !== JSON.stringify(user[root])) changes[root] = fields[root] as JsonObject;
    }
    if (canEditMetadata) {
      const fieldErrors: Record<string, string> = {};
      for (const field of METADATA_FIELDS) {
        const parsed = parseMetadata(field, text(field));
        if ("error" in parsed) fieldErrors[field] = parsed.error;
        else if (JSON.stringify(parsed.value) !== JSON.stringify(user[field])) changes[field] = parsed.value;
      }
      if (Object.keys(fieldErrors).length > 0) {
        setError({ code: "validation", status: 400, message: "The metadata is not valid JSON.", fieldErrors });
        return null;
      }
    }
    return changes;
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const changes = changesFrom(new FormData(event.currentTarget));
    if (!changes) return;
    if (Object.keys(changes).length === 0) {
      setError({ code: "validation", status: 400, message: "Nothing to save: change a field first." });
      return;
    }
    const removed = changes.memberships ? user.memberships.filter((membership) => !changes.memberships?.includes(membership)) : [];
    if (removed.length > 0) setRemoval({ changes, removed });
    else save(changes);
  }

  function save(changes: UpdateUserInput) {
    run(
      () => updateUserAction({ user_id: user.user_id, changes, version: user.version }),
      ({ not_kept }) => {
        const warning = notKeptMessage(not_kept);
        toast(warning ? `Saved. ${warning}` : "Saved.", { warning: Boolean(warning) });
        router.refresh();
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="edit-user-title" className="panel">
      <h2 id="edit-user-title">{texts.title}</h2>
      <FormAlert error={error} />
      <ConfirmDialog
        question={
          removal && {
            title: `Remove ${removal.removed.length === 1 ? "a membership" : `${removal.removed.length} memberships`}?`,
            description: (
              <p>
                {user.email} will no longer be a member of {removal.removed.join(", ")}, and loses what {removal.removed.length === 1 ? "it gives" : "they give"}.
              </p>
            ),
            confirmLabel: "Save and remove",
          }
        }
        onAnswer={(confirmed) => {
          if (confirmed && removal) save(removal.changes);
          setRemoval(null);
        }}
      />
      <div className="grid-2">
        <TextField id="email" name="email" label="Email" type="email" defaultValue={user.email} autoComplete="off" error={fieldError("email")} />
        <TextField
          id="username"
          name="username"
          label="Username"
          defaultValue={user.username ?? ""}
          autoComplete="off"
          error={fieldError("username")}
        />
        {!userFields.some((field) => field.property === "name") && (
          <TextField id="name" name="name" label="Name" defaultValue={user.name ?? ""} autoComplete="off" error={fieldError("name")} />
        )}
        <MembershipPicker label={membershipsLabel} options={options} defaultValue={user.memberships} error={fieldError("memberships")} />
        {createMemberships && (
          <TextField
            id="newMemberships"
            name="newMemberships"
            label={`New ${membershipsLabel.toLowerCase()}`}
            autoComplete="off"
            hint="Separate several with commas."
          />
        )}
      </div>
      {membershipsError && (
        <p role="alert" className="alert">
          The Memberships Query Hook failed, so there are no memberships to pick: {membershipsError}
        </p>
      )}
      {userFields.length > 0 && (
        <div className="grid-2">
          <UserFieldInputs fields={userFields} defaults={storedValues(userFields, user)} fieldError={fieldError} />
        </div>
      )}
      {canEditMetadata &&
        METADATA_FIELDS.map((field) => (
          <TextAreaField
            key={field}
            id={field}
            name={field}
            label={field}
            rows={6}
            spellCheck={false}
            defaultValue={pretty(user[field])}
            hint="A JSON object, at most 16 KB."
            error={fieldError(field)}
          />
        ))}
      <button type="submit" disabled={pending}>
        {pending ? texts.pending : texts.submit}
      </button>
    </form>
  );
}
