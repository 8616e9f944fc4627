/**
 * In-process wake-up for the delivery worker when this process writes to the outbox. It lives on
 * globalThis because Next.js bundles the instrumentation hook (which runs the worker) and the routes
 * (which create users) separately, each with its own copy of this module.
 */
const store = globalThis as unknown as { delegateOutboxListeners?: Set<() => void> };
const listeners = (store.delegateOutboxListeners ??= new Set());

export function onOutboxWrite(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Called inside the writing transaction, so the signal must not race the commit. On PGlite the
 * worker's next query waits for the open transaction (one connection); on a PostgreSQL server the
 * NOTIFY sent in the same transaction wakes the worker at commit, and this early signal finds nothing.
 */
export function signalOutboxWrite(): void {
  if (listeners.size === 0) return;
  setImmediate(() => {
    for (const listener of listeners) listener();
  });
}

/** The PostgreSQL channel the outbox notifies on commit (LISTEN/NOTIFY, server mode). */
export const OUTBOX_CHANNEL = "delegate_outbox";
