import { SelectField, TextField } from "@/components/forms/fields";
import type { FormUserField } from "@/lib/hooks/console-settings";

const PROFILE_PROPERTIES = new Set(["name", "given_name", "family_name", "phone_number"]);

export interface UserFieldValues {
  user_metadata: Record<string, unknown>;
  app_metadata: Record<string, unknown>;
  profile: Record<string, string>;
}

/**
 * The values of the Settings Query Hook's user fields, placed where their property says, over `base`
 * (the stored metadata on edit, so that the other keys stay). Empty and disabled fields are left out.
 */
export function userFieldValues(fields: FormUserField[], form: FormData, base: Omit<UserFieldValues, "profile"> = { user_metadata: {}, app_metadata: {} }) {
  const values: UserFieldValues = { user_metadata: structuredClone(base.user_metadata), app_metadata: structuredClone(base.app_metadata), profile: {} };
  for (const field of fields) {
    if (field.disabled) continue;
    const value = String(form.get(`field:${field.property}`) ?? "");
    if (PROFILE_PROPERTIES.has(field.property)) {
      if (value !== "") values.profile[field.property] = value;
      continue;
    }
    const [root, ...path] = field.property.split(".");
    let node = values[root as "user_metadata" | "app_metadata"];
    for (const key of path.slice(0, -1)) {
      if (!node[key] || typeof node[key] !== "object" || Array.isArray(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (value !== "") node[last] = value;
    else delete node[last];
  }
  return values;
}

/** The inputs of the Settings Query Hook's user fields (`create` or `edit`): text, password, select; hidden ones are left out. */
export function UserFieldInputs({
  fields,
  defaults = {},
  fieldError,
}: {
  fields: FormUserField[];
  /** The stored values on edit, by property. */
  defaults?: Record<string, string>;
  fieldError: (name: string) => string | undefined;
}) {
  return fields.map((field) =>
    field.type === "select" ? (
      <SelectField
        key={field.property}
        id={`field-${field.property}`}
        name={`field:${field.property}`}
        label={field.label}
        required={field.required}
        disabled={field.disabled}
        defaultValue={defaults[field.property] ?? ""}
        options={[{ value: "", label: field.required ? "Choose…" : "—" }, ...field.options]}
        error={fieldError(field.property)}
      />
    ) : field.type === "hidden" ? null : (
      <TextField
        key={field.property}
        id={`field-${field.property}`}
        name={`field:${field.property}`}
        label={field.label}
        type={field.type === "password" ? "password" : "text"}
        required={field.required}
        disabled={field.disabled}
        defaultValue={defaults[field.property] ?? ""}
        placeholder={field.placeholder}
        autoComplete="off"
        error={fieldError(field.property)}
      />
    ),
  );
}
