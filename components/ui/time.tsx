const DATE = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const TIME = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", timeZone: "UTC" });

/** A timestamp in UTC, the same on the server and in every browser; breaks only between date and time. */
export function Time({ value, empty = "Never" }: { value: string | Date | null; empty?: string }) {
  if (!value) return <span className="muted">{empty}</span>;
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()}>
      <span className="nowrap">{DATE.format(date)},</span> <span className="nowrap">{TIME.format(date)} UTC</span>
    </time>
  );
}
