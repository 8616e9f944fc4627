"use client";

import { useSyncExternalStore } from "react";

const UTC = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "3 hours ago", "yesterday", "now": the largest unit that fits. */
export function relativeTime(date: Date, now: number): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return RELATIVE.format(0, "second");
}

/** The reader's clock, shared by every RelativeTime and moved on every 30 s while one is shown. */
let clock = 0;
const CLOCK_TICK_MS = 30_000;

function subscribeClock(listener: () => void): () => void {
  clock = Date.now();
  const timer = setInterval(() => {
    clock = Date.now();
    listener();
  }, CLOCK_TICK_MS);
  return () => clearInterval(timer);
}

function readClock(): number {
  if (clock === 0) clock = Date.now();
  return clock;
}

/**
 * A time as people scan it in a list: relative ("2 days ago"), the exact local time on hover. The
 * server (which knows neither the reader's clock nor time zone) and hydration render the UTC time;
 * the browser then switches to the relative one.
 */
export function RelativeTime({ value, empty = "Never" }: { value: string | null; empty?: string }) {
  // null on the server and during hydration.
  const now = useSyncExternalStore(subscribeClock, readClock, () => null);
  const inBrowser = now !== null;
  if (!value) return <span className="muted">{empty}</span>;
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={inBrowser ? LOCAL.format(date) : `${UTC.format(date)} UTC`} className="nowrap">
      {inBrowser ? relativeTime(date, now) : `${UTC.format(date)} UTC`}
    </time>
  );
}
