"use client";

import { useRouter } from "next/navigation";
import { ALTERNATIVE_STYLE, STYLE_COOKIE } from "./style-cookie";

/** DAE's "Use Alternative Style" / "Use Default Style": switches between `css` and `altcss`, remembered for a year. */
export function StyleToggle({ alternative, label }: { alternative: boolean; label: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        const value = alternative ? "default" : ALTERNATIVE_STYLE;
        document.cookie = `${STYLE_COOKIE}=${value}; path=/; max-age=31536000; SameSite=Lax`;
        router.refresh();
      }}
    >
      {label}
    </button>
  );
}
