import { describe, expect, it } from "vitest";
import { relativeTime } from "@/components/ui/relative-time";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const ago = (seconds: number) => new Date(NOW - seconds * 1000);

describe("relativeTime", () => {
  it("uses the largest unit that fits, on both sides of each boundary", () => {
    expect(relativeTime(ago(0), NOW)).toBe("now");
    expect(relativeTime(ago(59), NOW)).toBe("59 seconds ago");
    expect(relativeTime(ago(60), NOW)).toBe("1 minute ago");
    expect(relativeTime(ago(3599), NOW)).toBe("59 minutes ago");
    expect(relativeTime(ago(3600), NOW)).toBe("1 hour ago");
    expect(relativeTime(ago(24 * 3600), NOW)).toBe("yesterday");
    expect(relativeTime(ago(3 * 24 * 3600), NOW)).toBe("3 days ago");
    expect(relativeTime(ago(7 * 24 * 3600), NOW)).toBe("last week");
    expect(relativeTime(ago(400 * 24 * 3600), NOW)).toBe("last year");
  });

  it("says when a time is ahead", () => {
    expect(relativeTime(new Date(NOW + 2 * 3600 * 1000), NOW)).toBe("in 2 hours");
  });
});
