import crypto from "node:crypto";
import { inspect } from "node:util";
import { Prisma } from "@/lib/generated/prisma/client";
import { REGISTRATION_EVENT, type EventEnvelope, type EventType, type StoredEvent } from "@/lib/events/types";
import { MAIL_EVENT } from "@/lib/mail/outbox";
import { formatDuration } from "./duration";
import type { NextStep } from "./outcome";
import type { AttemptOutcome, Destination, RestHookTarget, WebhookTarget } from "./registry";
import { fromEpochMs, query, type EngineDb } from "./sql";

/**
 * The delivery engine's SQL. Each function is one statement, so each is atomic on its own; the
 * timestamps are the database's clock in UTC, the way Prisma stores DateTime columns.
 */
const NOW = Prisma.raw(`(now() AT TIME ZONE 'UTC')`);
const epochMs = (column: string) => Prisma.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const ms = (value: number) => Prisma.sql`(${value}::float8 * interval '1 millisecond')`;

/**
 * The engine's own writes (fan-out, claims, outcomes) commit without waiting for the WAL flush
 * (`synchronous_commit = off` for that one transaction). Only a crash of PostgreSQL itself can lose
 * the last few hundred milliseconds of them, and every such loss errs towards sending again: an
 * undone fan-out is redone, an undone claim or outcome lets the delivery be claimed again. Delivery
 * stays at least once; the user changes and their events keep their durable commits.
 */
const ASYNC_COMMIT = Prisma.sql`async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS mode)`;
const USE_ASYNC_COMMIT = Prisma.sql`(SELECT mode FROM async_commit)`;

/** REST hook subscribers and post-registration hooks have no timeouts of their own: this bounds their lease. */
export const DEFAULT_LEASE_MS = 20_000;

export interface DispatchResult {
  events: number;
  deliveries: number;
}

export interface ClaimedDelivery {
  id: string;
  destination: Destination;
  leaseToken: string;
  /** attempts made before this one */
  attemptCount: number;
  scheduleStart: number;
  event: StoredEvent;
  endpoint: WebhookTarget | null;
  subscription: RestHookTarget | null;
}

/**
 * Fan-out: takes undispatched events (SKIP LOCKED, so racing workers take different ones), creates a
 * delivery per enabled endpoint subscribed to the type, per active REST hook subscription (registration
 * events only), per active post-registration handler and per mail (`mail.queued` events), and marks the events dispatched, all in one
 * statement. The unique (event, destination) indexes make a repeated fan-out a no-op.
 */
export async function dispatchEvents(
  db: EngineDb,
  options: { limit: number; postRegistrationWhen: Prisma.Sql | null },
): Promise<DispatchResult> {
  const { events, deliveries } = await dispatchAndClaim(db, { ...options, claimLimit: 0, leaseMarginMs: 0 });
  return { events, deliveries };
}

/**
 * Fan-out that also claims: the first `claimLimit` deliveries it creates are inserted already in
 * flight, leased to the caller (as `claimDueDeliveries` would lease them), and returned ready to send;
 * the others are inserted pending for any worker to claim. A fresh delivery thus costs one row write
 * and no round trip before its request, instead of an insert and then a claim.
 */
export async function dispatchAndClaim(
  db: EngineDb,
  options: { limit: number; postRegistrationWhen: Prisma.Sql | null; claimLimit: number; leaseMarginMs: number },
): Promise<DispatchResult & { claimed: ClaimedDelivery[] }> {
  const token = crypto.randomUUID();
  const postRegistration = options.postRegistrationWhen
    ? Prisma.sql`UNION ALL
        SELECT ev.id, ev.created_at, 'post_registration'::text, NULL::uuid, NULL::int, ${DEFAULT_LEASE_MS}::int FROM ev
        WHERE ev.type = ${REGISTRATION_EVENT} AND (${options.postRegistrationWhen})`
    : Prisma.empty;
  const rows = await query<ClaimRow & { events: number; deliveries: number }>(db, Prisma.sql`
    WITH ${ASYNC_COMMIT}, ev AS (
      SELECT id, type, created_at FROM events
      WHERE dispatched_at IS NULL
      ORDER BY created_at, id
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    ), targets (event_id, event_created_at, destination, endpoint_id, subscription_id, lease_ms) AS (
      SELECT ev.id, ev.created_at, 'webhook'::text, w.id, NULL::int, w.connect_timeout_ms + w.read_timeout_ms
        FROM ev JOIN webhook_endpoints w ON w.enabled AND ev.type = ANY (w.event_types)
      UNION ALL
      SELECT ev.id, ev.created_at, 'rest_hook'::text, NULL::uuid, s.id, ${DEFAULT_LEASE_MS}::int
        FROM ev JOIN rest_hook_subscriptions s ON s.deleted_at IS NULL
        WHERE ev.type = ${REGISTRATION_EVENT}
      UNION ALL
      SELECT ev.id, ev.created_at, 'mail'::text, NULL::uuid, NULL::int, ${DEFAULT_LEASE_MS}::int FROM ev
        WHERE ev.type = ${MAIL_EVENT}
      ${postRegistration}
    ), numbered AS (
      SELECT targets.*, row_number() OVER (ORDER BY event_created_at, event_id) <= ${options.claimLimit}::int AS claim FROM targets
    ), inserted AS (
      INSERT INTO deliveries (id, event_id, destination, endpoint_id, subscription_id, status, next_attempt_at,
        locked_until, lease_token, created_at, updated_at)
      SELECT gen_random_uuid(), event_id, destination, endpoint_id, subscription_id,
        CASE WHEN claim THEN 'in_flight' ELSE 'pending' END, ${NOW},
        CASE WHEN claim THEN ${NOW} + ((lease_ms + ${options.leaseMarginMs}::int)::float8 * interval '1 millisecond') END,
        CASE WHEN claim THEN ${token}::uuid END, ${NOW}, ${NOW}
      FROM numbered
      ON CONFLICT DO NOTHING
      RETURNING id, event_id, destination, endpoint_id, subscription_id, attempt_count, schedule_start, status
    ), done AS (
      UPDATE events SET dispatched_at = ${NOW} FROM ev WHERE events.id = ev.id RETURNING 1
    ), claimed AS (
      SELECT * FROM inserted WHERE status = 'in_flight'
    ), summary AS (
      SELECT (SELECT count(*)::int FROM done) AS events, (SELECT count(*)::int FROM inserted) AS deliveries,
        ${USE_ASYNC_COMMIT} AS commit_mode
    )
    SELECT summary.events, summary.deliveries, claimed_rows.*
    FROM summary LEFT JOIN (${claimedRows}) claimed_rows ON true`);
  return {
    events: rows[0]?.events ?? 0,
    deliveries: rows[0]?.deliveries ?? 0,
    claimed: toClaims(
      rows.filter((row) => row.id !== null),
      token,
    ),
  };
}

/** The payload is parsed only for the destinations that read it (webhooks send the stored text as is). */
function storedEvent(id: string, type: EventType, body: string, createdAt: Date): StoredEvent {
  let payload: EventEnvelope | undefined;
  return {
    id,
    type,
    body,
    createdAt,
    get payload() {
      payload ??= JSON.parse(body) as EventEnvelope;
      return payload;
    },
  };
}

interface ClaimRow {
  id: string;
  destination: Destination;
  attempt_count: number;
  schedule_start: number;
  event_id: string;
  event_type: EventType;
  /** This and the endpoint's settings only on the first row of each event and endpoint (`claimedRows`). */
  event_body: string | null;
  event_created_at: number;
  endpoint_id: string | null;
  endpoint_url: string | null;
  endpoint_enabled: boolean | null;
  endpoint_headers: Record<string, string> | null;
  basic_auth_username: string | null;
  basic_auth_password: string | null;
  connect_timeout_ms: number | null;
  read_timeout_ms: number | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  subscription_id: number | null;
  subscription_url: string | null;
  authorization_token: string | null;
  subscription_deleted_at: number | null;
}

/**
 * What a claim returns for the deliveries of a CTE named `claimed` (its id, event_id, destination,
 * endpoint_id, subscription_id, attempt_count, schedule_start): the event and the destination. The
 * event body and the endpoint's settings come once per event and per endpoint, on the first of their
 * rows, however many of their deliveries were claimed; the other rows share them.
 */
const claimedRows = Prisma.sql`
    SELECT c.id, c.destination, c.attempt_count, c.schedule_start,
      e.id AS event_id, e.type AS event_type,
      CASE WHEN c.event_rank = 1 THEN e.payload::text END AS event_body,
      ${epochMs("e.created_at")} AS event_created_at,
      w.id AS endpoint_id,
      CASE WHEN c.endpoint_rank = 1 THEN w.url END AS endpoint_url,
      CASE WHEN c.endpoint_rank = 1 THEN w.enabled END AS endpoint_enabled,
      CASE WHEN c.endpoint_rank = 1 THEN w.headers END AS endpoint_headers,
      CASE WHEN c.endpoint_rank = 1 THEN w.basic_auth_username END AS basic_auth_username,
      CASE WHEN c.endpoint_rank = 1 THEN w.basic_auth_password END AS basic_auth_password,
      CASE WHEN c.endpoint_rank = 1 THEN w.connect_timeout_ms END AS connect_timeout_ms,
      CASE WHEN c.endpoint_rank = 1 THEN w.read_timeout_ms END AS read_timeout_ms,
      CASE WHEN c.endpoint_rank = 1 THEN w.secret END AS secret,
      CASE WHEN c.endpoint_rank = 1 THEN w.previous_secret END AS previous_secret,
      CASE WHEN c.endpoint_rank = 1 THEN ${epochMs("w.previous_secret_expires_at")} END AS previous_secret_expires_at,
      s.id AS subscription_id, s.url AS subscription_url, s.authorization_token, ${epochMs("s.deleted_at")} AS subscription_deleted_at
    FROM (
      SELECT claimed.*,
        row_number() OVER (PARTITION BY claimed.event_id ORDER BY claimed.id) AS event_rank,
        row_number() OVER (PARTITION BY claimed.endpoint_id ORDER BY claimed.id) AS endpoint_rank
      FROM claimed
    ) c
    JOIN events e ON e.id = c.event_id
    LEFT JOIN webhook_endpoints w ON w.id = c.endpoint_id
    LEFT JOIN rest_hook_subscriptions s ON s.id = c.subscription_id`;

function toClaims(rows: ClaimRow[], token: string): ClaimedDelivery[] {
  const events = new Map<string, StoredEvent>();
  const endpoints = new Map<string, WebhookTarget>();
  for (const row of rows) {
    if (row.event_body !== null && !events.has(row.event_id)) {
      events.set(row.event_id, storedEvent(row.event_id, row.event_type, row.event_body, new Date(row.event_created_at)));
    }
    if (row.endpoint_id && row.endpoint_url && row.secret && !endpoints.has(row.endpoint_id)) {
      endpoints.set(row.endpoint_id, {
        id: row.endpoint_id,
        url: row.endpoint_url,
        enabled: row.endpoint_enabled ?? false,
        headers: row.endpoint_headers ?? {},
        basicAuthUsername: row.basic_auth_username,
        basicAuthPassword: row.basic_auth_password,
        connectTimeoutMs: row.connect_timeout_ms ?? 5000,
        readTimeoutMs: row.read_timeout_ms ?? 15000,
        secret: row.secret,
        previousSecret: row.previous_secret,
        previousSecretExpiresAt: fromEpochMs(row.previous_secret_expires_at),
      });
    }
  }
  return rows.map((row) => ({
    id: row.id,
    destination: row.destination,
    leaseToken: token,
    attemptCount: row.attempt_count,
    scheduleStart: row.schedule_start,
    event: events.get(row.event_id)!,
    endpoint: (row.endpoint_id && endpoints.get(row.endpoint_id)) || null,
    subscription:
      row.subscription_id !== null && row.subscription_url
        ? {
            id: row.subscription_id,
            url: row.subscription_url,
            authorizationToken: row.authorization_token,
            deletedAt: fromEpochMs(row.subscription_deleted_at),
          }
        : null,
  }));
}

/**
 * Claims up to `limit` due deliveries: pending ones whose time has come, and in-flight ones whose
 * lease expired (their worker died). `FOR UPDATE SKIP LOCKED` lets any number of workers claim side
 * by side without taking the same row; the lease (the endpoint's connect plus read timeout, plus a
 * margin) keeps others off it while it is sent, and the lease token makes sure only this claim
 * records the outcome.
 */
export async function claimDueDeliveries(
  db: EngineDb,
  options: { limit: number; leaseMarginMs: number },
): Promise<ClaimedDelivery[]> {
  const token = crypto.randomUUID();
  const rows = await query<ClaimRow>(db, Prisma.sql`
    WITH ${ASYNC_COMMIT}, expired AS (
      SELECT id FROM deliveries
      WHERE status = 'in_flight' AND locked_until < ${NOW}
      ORDER BY locked_until
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    ), due_now AS (
      SELECT id FROM deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${NOW}
      ORDER BY next_attempt_at
      LIMIT ${options.limit}
      FOR UPDATE SKIP LOCKED
    ), due AS (
      (SELECT id FROM expired UNION ALL SELECT id FROM due_now) LIMIT ${options.limit}
    ), claimed AS (
      UPDATE deliveries SET status = 'in_flight', lease_token = ${token}::uuid,
        locked_until = ${NOW} + ((COALESCE(
          (SELECT w.connect_timeout_ms + w.read_timeout_ms FROM webhook_endpoints w WHERE w.id = deliveries.endpoint_id),
          ${DEFAULT_LEASE_MS}::int) + ${options.leaseMarginMs}::int)::float8 * interval '1 millisecond'),
        updated_at = ${NOW}
      FROM due WHERE deliveries.id = due.id
      RETURNING deliveries.id, deliveries.event_id, deliveries.destination, deliveries.endpoint_id,
        deliveries.subscription_id, deliveries.attempt_count, deliveries.schedule_start
    )
    SELECT claimed_rows.*, ${USE_ASYNC_COMMIT} AS commit_mode FROM (${claimedRows}) claimed_rows`);
  return toClaims(rows, token);
}

export interface Completion {
  claim: Pick<ClaimedDelivery, "id" | "leaseToken" | "attemptCount" | "endpoint">;
  outcome: AttemptOutcome;
  step: NextStep;
  startedAt: Date;
}

export interface CompletionResult {
  /** Deliveries whose new state was written. The others had lost their lease (another worker took them over) or were deleted. */
  recorded: Set<string>;
  /** Endpoints these failures disabled. */
  disabledEndpoints: string[];
}

const isDeadlock = (error: unknown) => /40P01|deadlock detected/.test(`${(error as Error)?.message} ${inspect(error, { depth: 5 })}`);

/**
 * An outcome batch locks its deliveries and then, for failures, their endpoints; deleting an endpoint
 * locks it and then its deliveries. When the two cross, PostgreSQL aborts one of them: the batch is
 * simply written again.
 */
export async function retryOnDeadlock<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt * Math.random()));
    }
  }
}

/** Prisma reports it as P2010 with the SQLSTATE, or (PGlite) with the PostgreSQL message in the adapter error it wraps. */
const isForeignKeyViolation = (error: unknown) =>
  /23503|ForeignKeyConstraintViolation|foreign key constraint/.test(`${(error as Error)?.message} ${inspect(error, { depth: 5 })}`);

/**
 * Records attempts and their consequences, many in one statement: the attempt log rows, each
 * delivery's new state (guarded by its lease token), and each endpoint's health: a success clears
 * `failing_since`, a failure sets it, and a failure more than `disableAfterMs` after it disables the endpoint.
 * If a delivery was deleted meanwhile (its endpoint removed), the batch is retried one by one and that one is skipped.
 */
export async function completeAttempts(
  db: EngineDb,
  completions: Completion[],
  options: { disableAfterMs: number },
): Promise<CompletionResult> {
  try {
    return await retryOnDeadlock(() => completeBatch(db, completions, options));
  } catch (error) {
    if (!isForeignKeyViolation(error) || completions.length === 0) throw error;
    const result: CompletionResult = { recorded: new Set(), disabledEndpoints: [] };
    for (const completion of completions) {
      const single = await completeBatch(db, [completion], options).catch((inner: unknown) => {
        if (isForeignKeyViolation(inner)) return null;
        throw inner;
      });
      for (const id of single?.recorded ?? []) result.recorded.add(id);
      result.disabledEndpoints.push(...(single?.disabledEndpoints ?? []));
    }
    return result;
  }
}

/** PostgreSQL text cannot hold NUL characters; a receiver may send them. */
const withoutNul = (text: string) => (text.includes("\u0000") ? text.replace(/\u0000/g, "") : text);

async function completeBatch(db: EngineDb, completions: Completion[], options: { disableAfterMs: number }): Promise<CompletionResult> {
  const rows = completions.map(({ claim, outcome, step, startedAt }) => ({
    id: claim.id,
    lease_token: claim.leaseToken,
    status: step.status,
    attempted: outcome.attempted,
    delay_ms: step.status === "pending" ? step.delayMs : null,
    error: outcome.error === null ? null : withoutNul(outcome.error).slice(0, 2000),
    status_code: outcome.statusCode,
    response_body: outcome.responseBody === null ? null : withoutNul(outcome.responseBody),
    duration_ms: outcome.durationMs,
    started_at_ms: startedAt.getTime(),
    succeeded: outcome.succeeded,
    attempt_number: claim.attemptCount + 1,
    endpoint_id: outcome.attempted ? (claim.endpoint?.id ?? null) : null,
  }));
  const reason =
    `Disabled automatically: every delivery attempt failed for more than ${formatDuration(options.disableAfterMs)}. ` +
    "Fix the receiver, then enable the endpoint and redeliver the failed deliveries. Last error: ";
  const disabling = Prisma.sql`NOT h.any_success AND webhook_endpoints.failing_since <= ${NOW} - ${ms(options.disableAfterMs)}`;
  const [result] = await query<{ recorded: string[]; disabled: string[] }>(db, Prisma.sql`
    WITH ${ASYNC_COMMIT}, input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        id uuid, lease_token uuid, status text, attempted boolean, delay_ms float8, error text, status_code int,
        response_body text, duration_ms float8, started_at_ms float8, succeeded boolean, attempt_number int,
        endpoint_id uuid)
    ), d AS (
      UPDATE deliveries SET
        status = input.status,
        attempt_count = deliveries.attempt_count + CASE WHEN input.attempted THEN 1 ELSE 0 END,
        next_attempt_at = CASE WHEN input.delay_ms IS NULL THEN deliveries.next_attempt_at
                               ELSE ${NOW} + input.delay_ms * interval '1 millisecond' END,
        locked_until = NULL, lease_token = NULL,
        last_error = input.error, last_status_code = input.status_code, updated_at = ${NOW}
      FROM input
      WHERE deliveries.id = input.id AND deliveries.lease_token = input.lease_token
      RETURNING deliveries.id
    ), a AS (
      INSERT INTO delivery_attempts (id, delivery_id, attempt_number, created_at, duration_ms, status_code, response_body, error, succeeded)
      SELECT gen_random_uuid(), input.id, input.attempt_number,
        to_timestamp(input.started_at_ms / 1000) AT TIME ZONE 'UTC', input.duration_ms,
        input.status_code, input.response_body, input.error, input.succeeded
      FROM input WHERE input.attempted
      RETURNING 1
    ), h AS (
      SELECT endpoint_id, bool_or(succeeded) AS any_success,
        (array_agg(error ORDER BY started_at_ms DESC) FILTER (WHERE NOT succeeded))[1] AS last_error
      FROM input WHERE endpoint_id IS NOT NULL GROUP BY endpoint_id
    ), w AS (
      UPDATE webhook_endpoints SET
        failing_since = CASE WHEN h.any_success THEN NULL ELSE COALESCE(webhook_endpoints.failing_since, ${NOW}) END,
        enabled = CASE WHEN ${disabling} THEN false ELSE webhook_endpoints.enabled END,
        disabled_at = CASE WHEN ${disabling} THEN ${NOW} ELSE webhook_endpoints.disabled_at END,
        disabled_reason = CASE WHEN ${disabling} THEN ${reason} || COALESCE(h.last_error, 'none')
                               ELSE webhook_endpoints.disabled_reason END,
        updated_at = ${NOW}
      FROM h
      WHERE webhook_endpoints.id = h.endpoint_id AND webhook_endpoints.enabled
        AND (NOT h.any_success OR webhook_endpoints.failing_since IS NOT NULL)
      RETURNING webhook_endpoints.id, webhook_endpoints.enabled
    )
    SELECT (SELECT COALESCE(json_agg(id), '[]'::json) FROM d) AS recorded,
           (SELECT COALESCE(json_agg(id), '[]'::json) FROM w WHERE NOT enabled) AS disabled,
           ${USE_ASYNC_COMMIT} AS commit_mode`);
  return { recorded: new Set(result?.recorded ?? []), disabledEndpoints: result?.disabled ?? [] };
}

/** Hands a claimed delivery back untouched (no handler for it here): it becomes due again after `delayMs`. */
export async function releaseClaim(db: EngineDb, claim: Pick<ClaimedDelivery, "id" | "leaseToken">, delayMs: number) {
  await query(db, Prisma.sql`
    UPDATE deliveries SET status = 'pending', locked_until = NULL, lease_token = NULL,
      next_attempt_at = ${NOW} + ${ms(delayMs)}, updated_at = ${NOW}
    WHERE id = ${claim.id}::uuid AND lease_token = ${claim.leaseToken}::uuid`);
}
