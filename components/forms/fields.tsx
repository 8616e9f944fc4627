import type { ReactNode } from "react";
import type { ActionError } from "@/lib/actions/safe-action";

/** The form-level message: the error itself, or a pointer to the fields when several are wrong. */
function alertText(error: ActionError): string {
  const fieldMessages = Object.values(error.fieldErrors ?? {});
  if (fieldMessages.length > 1) return `Correct the ${fieldMessages.length} fields marked below.`;
  return fieldMessages[0] ?? error.message;
}

/** The one `role="alert"` of a form. */
export function FormAlert({ error }: { error: ActionError | null }) {
  if (!error) return null;
  return (
    <div role="alert" className="alert">
      {alertText(error)}
    </div>
  );
}

interface FieldShell {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** Label, hint and error around one control; the control gets the matching aria attributes. */
function Field({ id, label, error, hint, control }: FieldShell & { control: (aria: AriaProps) => ReactNode }) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

interface AriaProps {
  id: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

type InputProps = Omit<React.ComponentProps<"input">, "id"> & FieldShell;

export function TextField({ id, label, error, hint, ...input }: InputProps) {
  return <Field id={id} label={label} error={error} hint={hint} control={(aria) => <input {...input} {...aria} />} />;
}

type TextAreaProps = Omit<React.ComponentProps<"textarea">, "id"> & FieldShell;

export function TextAreaField({ id, label, error, hint, ...textarea }: TextAreaProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint} control={(aria) => <textarea {...textarea} {...aria} />} />
  );
}

type SelectProps = Omit<React.ComponentProps<"select">, "id"> &
  FieldShell & { options: readonly (string | { value: string; label: string })[] };

export function SelectField({ id, label, error, hint, options, ...select }: SelectProps) {
  return (
    <Field
      id={id}
      label={label}
      error={error}
      hint={hint}
      control={(aria) => (
        <select {...select} {...aria}>
          {options.map((option) => {
            const { value, label: text } = typeof option === "string" ? { value: option, label: option } : option;
            return (
              <option key={value} value={value}>
                {text}
              </option>
            );
          })}
        </select>
      )}
    />
  );
}
