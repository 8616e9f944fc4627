"use client";

import { useRouter } from "next/navigation";
import { hrefWith } from "./query";

/**
 * A GET form for a list's filters. Without JavaScript the browser submits it as is; with it, the
 * URL leaves out empty fields and selects apply as soon as they change. Changing a filter starts
 * again from the first page.
 */
export function FilterForm({ action, label, children }: { action: string; label: string; children: React.ReactNode }) {
  const router = useRouter();

  function apply(form: HTMLFormElement) {
    const values: Record<string, string> = {};
    for (const [key, value] of new FormData(form)) values[key] = String(value).trim();
    router.push(hrefWith(action, values));
  }

  return (
    <form
      method="get"
      action={action}
      className="toolbar"
      role="search"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        apply(event.currentTarget);
      }}
      onChange={(event) => {
        if (event.target instanceof HTMLSelectElement && event.target.form) apply(event.target.form);
      }}
    >
      {children}
    </form>
  );
}
