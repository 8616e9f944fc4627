import { describe, expect, it } from "vitest";
import type { OutboundResult } from "@/lib/delivery/http";
import { nextStep, notAttempted, outcomeFromHttp, parseRetryAfter } from "@/lib/delivery/outcome";
import type { AttemptOutcome } from "@/lib/delivery/registry";

/** How an answer counts and when the next attempt is due (lib/delivery/outcome.ts), at each boundary. */
const answer = (statusCode: number | null, overrides: Partial<OutboundResult> = {}): OutboundResult => ({
  statusCode,
  body: "",
  headers: {},
  durationMs: 12,
  error: null,
  errorKind: null,
  ...overrides,
});
const SCHEDULE = { retryScheduleMs: [0, 10_000, 60_000] };
const failedRetryable = (retryAfterMs?: number): AttemptOutcome => ({ ...outcomeFromHttp(answer(503)), retryAfterMs });

describe("outcomeFromHttp", () => {
  it.each([
    [199, false, false],
    [200, true, false],
    [204, true, false],
    [299, true, false],
    [300, false, false],
    [399, false, false],
    [400, false, false],
    [407, false, false],
    [408, false, true],
    [409, false, false],
    [428, false, false],
    [429, false, true],
    [430, false, false],
    [499, false, false],
    [500, false, true],
    [503, false, true],
  ])("answer %i: succeeded %s, retried %s", (status, succeeded, retryable) => {
    const outcome = outcomeFromHttp(answer(status));
    expect(outcome).toMatchObject({ attempted: true, succeeded, retryable, statusCode: status, durationMs: 12 });
    expect(outcome.error === null).toBe(succeeded);
  });

  it("words each failure for the delivery log", () => {
    expect(outcomeFromHttp(answer(302, { headers: { location: "https://elsewhere.example/x" } })).error).toBe(
      "The receiver answered 302 (a redirect to https://elsewhere.example/x); redirects are not followed: set the final URL on the endpoint.",
    );
    expect(outcomeFromHttp(answer(301)).error).toBe(
      "The receiver answered 301 (a redirect); redirects are not followed: set the final URL on the endpoint.",
    );
    expect(outcomeFromHttp(answer(500)).error).toBe("The receiver answered 500; the delivery will be retried.");
    expect(outcomeFromHttp(answer(404)).error).toBe("The receiver answered 404; answers 4xx other than 408 and 429 are not retried.");
    // The edges of the redirect range: 300 and 399 are redirects, 199 and 400 are not.
    expect(outcomeFromHttp(answer(300)).error).toBe(
      "The receiver answered 300 (a redirect); redirects are not followed: set the final URL on the endpoint.",
    );
    expect(outcomeFromHttp(answer(399)).error).toMatch(/^The receiver answered 399 \(a redirect\)/);
    expect(outcomeFromHttp(answer(400)).error).toBe("The receiver answered 400; answers 4xx other than 408 and 429 are not retried.");
    expect(outcomeFromHttp(answer(199)).error).toBe("The receiver answered 199; answers 4xx other than 408 and 429 are not retried.");
  });

  it("keeps the answer's body, and none when it is empty", () => {
    expect(outcomeFromHttp(answer(500, { body: "down" })).responseBody).toBe("down");
    expect(outcomeFromHttp(answer(200, { body: "" })).responseBody).toBeNull();
  });

  it("retries network errors and timeouts, never an address the guard refused", () => {
    expect(outcomeFromHttp(answer(null, { error: "connect ECONNREFUSED", errorKind: "network" }))).toMatchObject({
      succeeded: false,
      retryable: true,
      error: "connect ECONNREFUSED",
    });
    expect(outcomeFromHttp(answer(null, { error: "Refused to connect", errorKind: "refused" }))).toMatchObject({
      succeeded: false,
      retryable: false,
      error: "Refused to connect",
    });
  });

  it("takes Retry-After from 408, 429 and 5xx answers only", () => {
    expect(outcomeFromHttp(answer(429, { headers: { "retry-after": "7" } })).retryAfterMs).toBe(7_000);
    expect(outcomeFromHttp(answer(503, { headers: { "retry-after": "2" } })).retryAfterMs).toBe(2_000);
    expect(outcomeFromHttp(answer(400, { headers: { "retry-after": "2" } })).retryAfterMs).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-07T12:00:00Z");
  it.each([
    ["0", 0],
    ["1", 1_000],
    [" 120 ", 120_000],
    ["86400", 86_400_000],
    ["86401", 86_400_000],
    ["Mon, 07 Dec 2026 12:00:30 GMT", 30_000],
    ["Mon, 07 Dec 2026 11:59:00 GMT", 0],
    ["Wed, 09 Dec 2026 12:00:00 GMT", 86_400_000],
  ])("reads %j as %i ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it("ignores what it cannot read", () => {
    for (const value of [undefined, "", "soon", "in a minute", "5x"]) expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it("takes only whole non-negative seconds as seconds (a signed number is read as a date, in the past)", () => {
    expect(parseRetryAfter("-5", now)).toBe(0);
  });

  it("reads the first of repeated headers", () => {
    expect(parseRetryAfter(["3", "9"], now)).toBe(3_000);
  });
});

describe("nextStep", () => {
  it("is done after a success, whatever the schedule", () => {
    expect(nextStep(outcomeFromHttp(answer(200)), 99, SCHEDULE)).toEqual({ status: "succeeded" });
  });

  it("fails at once when the failure is not retried", () => {
    expect(nextStep(outcomeFromHttp(answer(400)), 1, SCHEDULE)).toEqual({ status: "failed" });
    expect(nextStep(notAttempted("removed"), 1, SCHEDULE)).toEqual({ status: "failed" });
  });

  it("waits the schedule's next delay, with jitter between 90 % and 110 %", () => {
    expect(nextStep(failedRetryable(), 1, SCHEDULE, () => 0.5)).toEqual({ status: "pending", delayMs: 10_000 });
    expect(nextStep(failedRetryable(), 1, SCHEDULE, () => 0)).toEqual({ status: "pending", delayMs: 9_000 });
    expect(nextStep(failedRetryable(), 1, SCHEDULE, () => 0.999_999_9)).toEqual({ status: "pending", delayMs: 11_000 });
    expect(nextStep(failedRetryable(), 2, SCHEDULE, () => 0.5)).toEqual({ status: "pending", delayMs: 60_000 });
    expect(nextStep(failedRetryable(), 0, SCHEDULE, () => 0.5)).toEqual({ status: "pending", delayMs: 0 });
  });

  it("fails once every delay of the schedule was used: the last attempt is the schedule's length", () => {
    expect(nextStep(failedRetryable(), 2, SCHEDULE, () => 0.5).status).toBe("pending");
    expect(nextStep(failedRetryable(), 3, SCHEDULE, () => 0.5)).toEqual({ status: "failed" });
    expect(nextStep(failedRetryable(), 4, SCHEDULE, () => 0.5)).toEqual({ status: "failed" });
  });

  it("never retries sooner than Retry-After, and keeps the schedule when Retry-After is shorter", () => {
    expect(nextStep(failedRetryable(30_000), 1, SCHEDULE, () => 0.5)).toEqual({ status: "pending", delayMs: 30_000 });
    expect(nextStep(failedRetryable(1_000), 1, SCHEDULE, () => 0.5)).toEqual({ status: "pending", delayMs: 10_000 });
    expect(nextStep(failedRetryable(0), 1, SCHEDULE, () => 0.5)).toEqual({ status: "pending", delayMs: 10_000 });
  });

  it("jitters with Math.random by default, within the bounds", () => {
    for (let i = 0; i < 50; i++) {
      const step = nextStep(failedRetryable(), 1, SCHEDULE);
      expect(step.status).toBe("pending");
      const delay = (step as { delayMs: number }).delayMs;
      expect(delay).toBeGreaterThanOrEqual(9_000);
      expect(delay).toBeLessThanOrEqual(11_000);
    }
  });
});

describe("notAttempted", () => {
  it("records nothing sent: not attempted, not retried", () => {
    expect(notAttempted("The endpoint was disabled.")).toEqual({
      attempted: false,
      succeeded: false,
      retryable: false,
      statusCode: null,
      responseBody: null,
      error: "The endpoint was disabled.",
      durationMs: 0,
    });
  });
});
