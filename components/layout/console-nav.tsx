"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { removeHookDrafts } from "@/components/hooks/use-hook-draft";
import { StyleToggle } from "./style-toggle";

/**
 * The console's navigation: a sidebar from 900 px wide, below that a bar whose Menu button shows
 * and hides the links (closed again when one is followed).
 */
export function ConsoleNav({
  title,
  links,
  email,
  roles,
  signOutText,
  logoutUrl,
  styleToggle,
}: {
  title: string;
  links: { href: string; label: string }[];
  email: string;
  roles: string[];
  signOutText: string;
  /** The Settings Query Hook's `dict.logoutUrl`: where signing out leads instead of the sign-in page. */
  logoutUrl?: string;
  /** With both `css` and `altcss`: the button switching between them. */
  styleToggle?: { alternative: boolean; label: string };
}) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  return (
    <nav className="sidebar" aria-label="Main" data-open={open || undefined}>
      <div className="brand-row">
        <div className="brand">{title}</div>
        <button type="button" className="menu-toggle secondary" aria-expanded={open} aria-controls="nav-links" onClick={() => setOpen(!open)}>
          Menu
        </button>
      </div>
      <div id="nav-links" className="nav-links">
        {links.map((link) => (
          <Link
            key={link.href}
            href={link.href}
            aria-current={pathname.startsWith(link.href) ? "page" : undefined}
            onClick={() => setOpen(false)}
          >
            {link.label}
          </Link>
        ))}
        <div className="who">
          <div className="email">{email}</div>
          <div>{roles.map((r) => r.replace("Delegated Admin - ", "")).join(", ")}</div>
          {styleToggle && <StyleToggle {...styleToggle} />}
          <button
            type="button"
            className="secondary"
            onClick={async () => {
              removeHookDrafts();
              // next-auth's client (14 KB compressed with its Babel helpers) loads only when someone signs out.
              const { signOut } = await import("next-auth/react");
              if (logoutUrl) await signOut({ redirect: false }).then(() => window.location.assign(logoutUrl));
              else await signOut({ callbackUrl: "/signin" });
            }}
          >
            {signOutText}
          </button>
        </div>
      </div>
    </nav>
  );
}
