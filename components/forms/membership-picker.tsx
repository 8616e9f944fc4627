"use client";

import { useId, useState } from "react";

/** Up to this many options are a plain checkbox group; more get a filter box and chips. */
const FEW_OPTIONS = 8;

/**
 * Memberships as checkboxes named `name` (read them with `FormData.getAll`), never a native
 * multi-select where one click without Ctrl drops the others. With many options, a text box
 * filters the list and the chosen ones are shown as chips, each removable with its own button.
 */
export function MembershipPicker({
  name = "memberships",
  label,
  options,
  defaultValue = [],
  hint,
  error,
}: {
  name?: string;
  label: string;
  options: string[];
  defaultValue?: string[];
  hint?: string;
  error?: string;
}) {
  const id = useId();
  const [chosen, setChosen] = useState<string[]>(defaultValue);
  const [filter, setFilter] = useState("");
  const many = options.length > FEW_OPTIONS;
  const shown = many && filter.trim() ? options.filter((option) => option.toLowerCase().includes(filter.trim().toLowerCase())) : options;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const toggle = (option: string, on: boolean) =>
    setChosen((current) => (on ? [...current.filter((item) => item !== option), option] : current.filter((item) => item !== option)));

  return (
    <fieldset className="field membership-picker" aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <legend>{label}</legend>
      {many && (
        <>
          <div className="chips" aria-label={`Chosen ${label.toLowerCase()}`} role="list">
            {chosen.map((option) => (
              <span role="listitem" className="chip" key={option}>
                {option}
                <button type="button" aria-label={`Remove ${option}`} onClick={() => toggle(option, false)}>
                  ×
                </button>
              </span>
            ))}
          </div>
          <input
            type="search"
            aria-label={`Filter ${label.toLowerCase()}`}
            placeholder={`Filter ${label.toLowerCase()}`}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") event.preventDefault();
            }}
          />
        </>
      )}
      <div className={many ? "checkbox-list scroll" : "checkbox-list"}>
        {options.length === 0 && <span className="muted">No {label.toLowerCase()} to choose from.</span>}
        {options.map((option) => (
          // Filtered-out options stay in the form (hidden), so that a filter never drops a choice.
          <label key={option} className="checkbox" hidden={!shown.includes(option)}>
            <input type="checkbox" name={name} value={option} checked={chosen.includes(option)} onChange={(event) => toggle(option, event.target.checked)} />
            {option}
          </label>
        ))}
      </div>
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
    </fieldset>
  );
}
