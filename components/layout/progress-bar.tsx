"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { isPending, subscribeProgress, trackNavigation } from "@/components/ui/progress";

/** Shown only for waits long enough to notice, so quick answers do not flash. */
const SHOW_AFTER_MS = 150;

/**
 * A thin bar at the top of the window while a navigation or an action is pending. Navigations are
 * followed from clicks on links to another console address until the address changes.
 */
export function ProgressBar() {
  const pending = useSyncExternalStore(subscribeProgress, isPending, () => false);
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const [delayPassed, setDelayPassed] = useState(false);

  useEffect(() => trackNavigation(), []);
  useEffect(() => {
    window.dispatchEvent(new Event("delegate:navigated"));
  }, [pathname, search]);

  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => setDelayPassed(true), SHOW_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setDelayPassed(false);
    };
  }, [pending]);

  return pending && delayPassed ? <div className="progress-bar" role="progressbar" aria-label="Loading" /> : null;
}
