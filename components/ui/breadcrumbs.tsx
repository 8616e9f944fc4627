import Link from "next/link";

/** Where a detail page sits: its parents as links, the page itself last (aria-current). */
export function Breadcrumbs({ parents, current }: { parents: { href: string; label: string }[]; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {parents.map((parent) => (
          <li key={parent.href}>
            <Link href={parent.href}>{parent.label}</Link>
          </li>
        ))}
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}
