export type QueryValues = Record<string, string | number | undefined | null>;

/** `path?query` from the values that are set. */
export function hrefWith(path: string, values: QueryValues): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
