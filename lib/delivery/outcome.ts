import type { OutboundResult } from "./http";
import type { AttemptOutcome } from "./registry";
import type { DeliverySettings } from "./settings";

const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Retry-After as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Math.min(Number(text.trim()) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
}

/** How an HTTP answer counts: 2xx succeeds; errors, timeouts, 5xx, 408 and 429 are retried; the rest fail at once. */
export function outcomeFromHttp(result: OutboundResult): AttemptOutcome {
  // Every outcome is built with the same fields in the same order (one object shape for V8).
  const outcome = (succeeded: boolean, retryable: boolean, error: string | null, retryAfterMs?: number): AttemptOutcome => ({
    attempted: true,
    succeeded,
    retryable,
    statusCode: result.statusCode,
    responseBody: result.body || null,
    error,
    durationMs: result.durationMs,
    retryAfterMs,
  });
  if (result.error) return outcome(false, result.errorKind !== "refused", result.error);
  const status = result.statusCode ?? 0;
  if (status >= 200 && status < 300) return outcome(true, false, null);
  if (status >= 300 && status < 400) {
    const location = result.headers.location ? ` to ${result.headers.location}` : "";
    return outcome(
      false,
      false,
      `The receiver answered ${status} (a redirect${location}); redirects are not followed: set the final URL on the endpoint.`,
    );
  }
  if (status >= 500 || status === 408 || status === 429) {
    return outcome(
      false,
      true,
      `The receiver answered ${status}; the delivery will be retried.`,
      parseRetryAfter(result.headers["retry-after"]),
    );
  }
  return outcome(false, false, `The receiver answered ${status}; answers 4xx other than 408 and 429 are not retried.`);
}

export type NextStep = { status: "succeeded" } | { status: "failed" } | { status: "pending"; delayMs: number };

/**
 * After an attempt: done, failed for good, or the next attempt's delay from the retry schedule
 * (with ±10 % jitter so that retries of many deliveries spread out), never sooner than Retry-After.
 * `attemptsInSchedule` counts this attempt.
 */
export function nextStep(
  outcome: AttemptOutcome,
  attemptsInSchedule: number,
  settings: Pick<DeliverySettings, "retryScheduleMs">,
  random = Math.random,
): NextStep {
  if (outcome.succeeded) return { status: "succeeded" };
  if (!outcome.retryable || attemptsInSchedule >= settings.retryScheduleMs.length) return { status: "failed" };
  const scheduled = settings.retryScheduleMs[attemptsInSchedule];
  const jittered = Math.round(scheduled * (0.9 + 0.2 * random()));
  return { status: "pending", delayMs: Math.max(jittered, outcome.retryAfterMs ?? 0) };
}

export function notAttempted(error: string): AttemptOutcome {
  return { attempted: false, succeeded: false, retryable: false, statusCode: null, responseBody: null, error, durationMs: 0 };
}
