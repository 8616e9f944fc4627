"use client";

import { Notice } from "@/components/ui/notice";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { FormAlert, SelectField, TextAreaField, TextField, selectedValues } from "@/components/forms/fields";
import { useAction } from "@/components/forms/use-action";
import { updateUserAction } from "@/lib/actions/users";
import { typedMemberships } from "./create-user-form";
import type { UpdateUserInput } from "@/lib/schemas/user";
import type { JsonObject } from "@/lib/users/profile";

export interface EditableUser {
  user_id: string;
  updated_at: string;
  email: string;
  username: string | null;
  name: string | null;
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

interface EditUserFormProps {
  user: EditableUser;
  membershipOptions: string[];
  /** The Memberships Query Hook lets the admin type memberships that are not in the list. */
  createMemberships?: boolean;
  /** The Memberships Query Hook failed: no options, and why. */
  membershipsError?: string | null;
  membershipsLabel?: string;
  canEditMetadata: boolean;
}

/**
 * Email, username, name and memberships, and for Administrators the metadata as JSON. Only the
 * fields that changed are sent, so each change is checked and audited as what it is. After a save
 * the fields start again from the stored user, so that stale JSON is never sent back.
 */
export function EditUserForm(props: EditUserFormProps) {
  const [saved, setSaved] = useState(false);
  return (
    <EditUserFields key={props.user.updated_at} {...props} saved={saved} onSubmitting={() => setSaved(false)} onSaved={() => setSaved(true)} />
  );
}

function EditUserFields({
  user,
  membershipOptions,
  createMemberships = false,
  membershipsError = null,
  membershipsLabel = "Memberships",
  canEditMetadata,
  saved,
  onSubmitting,
  onSaved,
}: EditUserFormProps & { saved: boolean; onSubmitting: () => void; onSaved: () => void }) {
  const router = useRouter();
  const { error, setError, pending, run, fieldError } = useAction();
  const membershipsRef = useRef<HTMLSelectElement>(null);
  const options = [...new Set([...membershipOptions, ...user.memberships])];

  function changesFrom(form: FormData): UpdateUserInput | null {
    const text = (name: string) => String(form.get(name) ?? "");
    const changes: UpdateUserInput = {};
    if (text("email").trim().toLowerCase() !== user.email) changes.email = text("email");
    const username = text("username").trim();
    if (username !== (user.username ?? "")) changes.username = username === "" ? null : username;
    if (text("name").trim() !== (user.name ?? "")) changes.name = text("name");
    const memberships = [...new Set([...selectedValues(membershipsRef.current), ...typedMemberships(text("newMemberships"))])];
    if (!sameSet(memberships, user.memberships)) changes.memberships = memberships;
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
    onSubmitting();
    const changes = changesFrom(new FormData(event.currentTarget));
    if (!changes) return;
    if (Object.keys(changes).length === 0) {
      setError({ code: "validation", status: 400, message: "Nothing to save: change a field first." });
      return;
    }
    run(
      () => updateUserAction({ user_id: user.user_id, changes }),
      () => {
        onSaved();
        router.refresh();
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="edit-user-title" className="panel">
      <h2 id="edit-user-title">Edit user</h2>
      <FormAlert error={error} />
      {saved && (
        <Notice>
          Saved.
        </Notice>
      )}
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
        <TextField id="name" name="name" label="Name" defaultValue={user.name ?? ""} autoComplete="off" error={fieldError("name")} />
        <SelectField
          id="memberships"
          name="memberships"
          label={membershipsLabel}
          multiple
          size={Math.min(6, Math.max(2, options.length))}
          ref={membershipsRef}
          defaultValue={user.memberships}
          options={options}
          hint="Hold Ctrl (⌘ on a Mac) to choose several."
          error={fieldError("memberships")}
        />
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
        {pending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
