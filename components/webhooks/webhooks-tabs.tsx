"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import styles from "./webhooks.module.css";

const SECTIONS = [
  { href: "/webhooks", label: "Endpoints" },
  { href: "/webhooks/rest-hooks", label: "REST hooks" },
  { href: "/webhooks/settings", label: "Delivery settings" },
];

/** The webhooks pages' sections; an endpoint's or a delivery's page belongs to Endpoints. */
export function WebhooksTabs() {
  const pathname = usePathname();
  const current = SECTIONS.slice(1).find((section) => pathname.startsWith(section.href))?.href ?? "/webhooks";
  return (
    <nav aria-label="Webhooks sections" className={styles.tabs}>
      {SECTIONS.map((section) => (
        <Link key={section.href} href={section.href} aria-current={section.href === current ? "page" : undefined}>
          {section.label}
        </Link>
      ))}
    </nav>
  );
}
