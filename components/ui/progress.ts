/**
 * What is pending in the console (navigations and actions), for the progress bar. A module-level
 * store: any component can mark work as pending without a provider.
 */
let pendingCount = 0;
const listeners = new Set<() => void>();

const notify = () => listeners.forEach((listener) => listener());

export function subscribeProgress(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const isPending = () => pendingCount > 0;

/** Marks work as pending; call the returned function (once) when it is done. */
export function startProgress(): () => void {
  pendingCount += 1;
  notify();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    pendingCount -= 1;
    notify();
  };
}

/** A navigation that never lands (an error page, a download) stops counting after this. */
const NAVIGATION_GIVE_UP_MS = 15_000;

/**
 * Counts a click on a link to another address of this origin as pending until the next
 * "delegate:navigated" event (the address changed) or NAVIGATION_GIVE_UP_MS.
 */
export function trackNavigation(): () => void {
  let finish: (() => void) | null = null;
  const stop = () => {
    finish?.();
    finish = null;
  };
  const onClick = (event: MouseEvent) => {
    // Not `defaultPrevented`: Next.js's links cancel the browser's navigation to make their own.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.("a[href]");
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || (url.pathname === location.pathname && url.search === location.search)) return;
    stop();
    const end = startProgress();
    const timer = setTimeout(stop, NAVIGATION_GIVE_UP_MS);
    finish = () => {
      clearTimeout(timer);
      end();
    };
  };
  // Bubbling phase: a capturing handler that stops the click (the unsaved-changes guard) runs first.
  document.addEventListener("click", onClick);
  window.addEventListener("delegate:navigated", stop);
  return () => {
    stop();
    document.removeEventListener("click", onClick);
    window.removeEventListener("delegate:navigated", stop);
  };
}
