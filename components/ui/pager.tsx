import Link from "next/link";
import { hrefWith, type QueryValues } from "./query";

/** Previous/next links over a paginated list; `query` holds the list's other parameters. */
export function Pager({
  path,
  query,
  page,
  perPage,
  total,
  totalExact = true,
  label,
  nextQuery = {},
  previousQuery = {},
}: {
  path: string;
  query: QueryValues;
  page: number;
  perPage: number;
  total: number;
  /** false: more than `total` items (a bounded count); the pager then offers Next past the counted pages. */
  totalExact?: boolean;
  label: string;
  /** Added to the Next link's query (a keyset cursor: `after`). */
  nextQuery?: QueryValues;
  /** Added to the Previous link's query (`before`). */
  previousQuery?: QueryValues;
}) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? (
        <Link href={hrefWith(path, { ...query, page: page - 1, ...previousQuery })} rel="prev">
          Previous
        </Link>
      ) : (
        <span className="muted" aria-disabled="true">
          Previous
        </span>
      )}
      <span>
        Page {page} of {totalExact ? pages : `more than ${pages.toLocaleString("en-US")}`}
      </span>
      {page < pages || !totalExact ? (
        <Link href={hrefWith(path, { ...query, page: page + 1, ...nextQuery })} rel="next">
          Next
        </Link>
      ) : (
        <span className="muted" aria-disabled="true">
          Next
        </span>
      )}
    </nav>
  );
}
