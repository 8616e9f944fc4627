/**
 * Short-lived, process-local caches for configuration read on every request (hooks, connections,
 * departments, the tenant). A change made in this process clears its cache at once; another
 * process sees it within the cache's TTL.
 */
interface Memo<T> {
  get(): Promise<T>;
  clear(): void;
}

const registry = (globalThis as unknown as { delegateMemos?: Set<Memo<unknown>> }).delegateMemos ??= new Set();

export function memoize<T>(ttlMs: number, load: () => Promise<T>): Memo<T> {
  let entry: { value: Promise<T>; expires: number } | undefined;
  const memo: Memo<T> = {
    get() {
      const now = Date.now();
      if (!entry || entry.expires <= now) {
        const value = load();
        entry = { value, expires: now + ttlMs };
        value.catch(() => {
          if (entry?.value === value) entry = undefined;
        });
      }
      return entry.value;
    },
    clear() {
      entry = undefined;
    },
  };
  registry.add(memo as Memo<unknown>);
  return memo;
}

/** Forgets every cached value (tests that write configuration behind the domain's back, a new database). */
export function clearAllMemos(): void {
  for (const memo of registry) memo.clear();
}
