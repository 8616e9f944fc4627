"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";

export function ConsoleNav({
  title,
  links,
  email,
  roles,
}: {
  title: string;
  links: { href: string; label: string }[];
  email: string;
  roles: string[];
}) {
  const pathname = usePathname();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">{title}</div>
      {links.map((link) => (
        <Link key={link.href} href={link.href} aria-current={pathname.startsWith(link.href) ? "page" : undefined}>
          {link.label}
        </Link>
      ))}
      <div className="who">
        <div>{email}</div>
        <div>{roles.map((r) => r.replace("Delegated Admin - ", "")).join(", ")}</div>
        <button type="button" className="secondary" onClick={() => signOut({ callbackUrl: "/signin" })}>
          Sign out
        </button>
      </div>
    </nav>
  );
}
