import { performance } from "node:perf_hooks";
import pg from "pg";
import { onOutboxWrite, OUTBOX_CHANNEL } from "@/lib/events/outbox-signal";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { startPruner } from "@/lib/retention/pruner";
import { retentionSettings, type RetentionSettings } from "@/lib/retention/settings";
import { parseDuration } from "./duration";
import { registerBuiltInHandlers } from "./handlers";
import { nextStep, notAttempted } from "./outcome";
import { getDeliveryHandler, type AttemptOutcome, type DeliveryJob, type DestinationJobs } from "./registry";
import { loadDeliverySettings, type DeliverySettings } from "./settings";
import type { EngineDb } from "./sql";
import { claimDueDeliveries, completeAttempts, dispatchAndClaim, releaseClaim, type ClaimedDelivery, type Completion } from "./store";

export interface DeliveryWorkerOptions {
  prisma: PrismaClient;
  /**
   * The PostgreSQL server's URL, when there is one: the worker LISTENs there (commits in any process
   * wake it at once) and runs its own statements on a small pg pool of its own.
   */
  databaseUrl?: string;
  /** Deliveries sent at the same time (DELEGATE_DELIVERY_CONCURRENCY, default 128). */
  concurrency?: number;
  /** How often the worker looks for due work when nothing wakes it (DELEGATE_DELIVERY_POLL_INTERVAL, default 1s). */
  pollIntervalMs?: number;
  /** Added to an endpoint's timeouts to form the lease (DELEGATE_DELIVERY_LEASE_MARGIN, default 10s). */
  leaseMarginMs?: number;
  /** Fixed settings (tests); otherwise they are read from the Setting row and the environment, every 5 s. */
  settings?: Partial<DeliverySettings>;
  /**
   * Deleting what is past its retention (lib/retention), every DELEGATE_RETENTION_INTERVAL, the first
   * time 5 minutes after the start (or the interval, if shorter). `false`: this worker never prunes.
   */
  pruning?: false | { intervalMs?: number; firstAfterMs?: number; settings?: Partial<RetentionSettings> };
  logger?: Pick<Console, "info" | "warn" | "error">;
}

export interface DeliveryWorkerStats {
  inFlight: number;
  attempts: number;
  succeeded: number;
  failed: number;
}

export interface DeliveryWorker {
  /** Look for work now (new events, freed capacity). */
  wake(): void;
  /** Stops claiming, waits for the deliveries in flight, and closes the LISTEN connection. */
  stop(): Promise<void>;
  stats(): DeliveryWorkerStats;
}

/**
 * Requests in flight per worker. It also sizes the batches (claims and fan-outs take up to twice as
 * many, outcomes are written half as many at a time): each statement costs the worker and
 * PostgreSQL about as much as a few dozen of its rows, so larger batches cost less per delivery.
 */
export const DEFAULT_DELIVERY_CONCURRENCY = 128;
const DISPATCH_BATCH = 200;
const SETTINGS_REFRESH_MS = 5000;
const ERROR_BACKOFF_MS = 1000;
/** How long a small batch of outcomes waits for more before it is written. */
const FLUSH_LINGER_MS = 3;
/** A delivery whose destination has no handler in this process waits this long before another worker may try it. */
const NO_HANDLER_RETRY_MS = 60_000;

function envNumber(name: string, fallback: number, parse: (text: string) => number | null = parseDuration): number {
  const text = process.env[name];
  if (!text) return fallback;
  const value = parse(text);
  if (value === null || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a duration like "250ms", "5s" or a number; got "${text}".`);
  }
  return value;
}

/** Starts the delivery loop: fan-out of the outbox, claims, sends, retries. */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  registerBuiltInHandlers();
  const prisma = options.prisma;
  const pool = options.databaseUrl ? new pg.Pool({ connectionString: options.databaseUrl, max: 4 }) : null;
  pool?.on("error", () => {});
  const engineDb: EngineDb = pool ? { pool } : prisma;
  const logger = options.logger ?? console;
  const concurrency = options.concurrency ?? envNumber("DELEGATE_DELIVERY_CONCURRENCY", DEFAULT_DELIVERY_CONCURRENCY, (t) => (/^\d+$/.test(t) ? Number(t) : null));
  const pollIntervalMs = options.pollIntervalMs ?? envNumber("DELEGATE_DELIVERY_POLL_INTERVAL", 1000);
  const leaseMarginMs = options.leaseMarginMs ?? envNumber("DELEGATE_DELIVERY_LEASE_MARGIN", 10_000);

  const pruner = options.pruning === false ? null : startWorkerPruner(prisma, logger, options.pruning);

  const inFlight = new Set<Promise<void>>();
  const stats = { attempts: 0, succeeded: 0, failed: 0 };
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let wakeRequested = false;
  let wakeResolve: (() => void) | null = null;
  /** The outbox may hold undispatched events (a signal, a notification or the poll said so). */
  let outboxDirty = true;
  /**
   * Deliveries may be due that no fan-out of this worker claimed: at the start, after a signal, a
   * retry's timer or the poll, and while a claim or a fan-out left some behind.
   */
  let mayBeDue = true;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryAt = Infinity;
  let settingsCache: { value: DeliverySettings; at: number } | null = null;
  let listenClient: pg.Client | null = null;
  let listenRetry: NodeJS.Timeout | undefined;

  const wake = () => {
    wakeRequested = true;
    wakeResolve?.();
  };
  /** A commit wrote events (the LISTEN notification). */
  const eventsWritten = () => {
    outboxDirty = true;
    wake();
  };
  /** Events, or a redelivery (the in-process signal and `wake()` say either). */
  const outboxWritten = () => {
    mayBeDue = true;
    eventsWritten();
  };

  /** Wakes the loop when the earliest retry this worker scheduled is due. */
  const wakeAt = (delayMs: number) => {
    const at = Date.now() + delayMs;
    if (at >= retryAt) return;
    clearTimeout(retryTimer);
    retryAt = at;
    retryTimer = setTimeout(() => {
      retryAt = Infinity;
      mayBeDue = true;
      wake();
    }, delayMs);
  };

  async function currentSettings() {
    if (settingsCache && Date.now() - settingsCache.at < SETTINGS_REFRESH_MS) return settingsCache;
    const loaded = await loadDeliverySettings(prisma);
    settingsCache = { value: { ...loaded, ...options.settings }, at: Date.now() };
    return settingsCache;
  }

  // Outcomes are written in batches: whatever finished while the previous write was running goes in
  // the next one, and a small batch waits a few milliseconds for more (a write costs about the same for
  // 1 outcome or 30). A slot is free again as soon as its request is done, so that claiming the next
  // deliveries overlaps with recording the last ones (until recorded they keep their lease).
  let queue: { completion: Completion; settings: DeliverySettings }[] = [];
  let flushing = false;
  let flushTimer: NodeJS.Timeout | undefined;
  /** Outcomes queued or being written. */
  let unrecorded = 0;
  let allRecorded: (() => void)[] = [];
  const flushBatch = Math.max(1, Math.floor(concurrency / 2));

  function scheduleFlush(): void {
    if (flushing || queue.length === 0) return;
    if (queue.length >= flushBatch || stopping) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      void flush();
    } else {
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        void flush();
      }, FLUSH_LINGER_MS);
    }
  }

  async function flush(): Promise<void> {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue;
    queue = [];
    try {
      const result = await completeAttempts(
        engineDb,
        batch.map((item) => item.completion),
        { disableAfterMs: batch[0].settings.disableAfterMs },
      );
      for (const { completion } of batch) {
        const { claim, outcome, step } = completion;
        if (outcome.attempted) stats.attempts += 1;
        if (step.status === "succeeded") stats.succeeded += 1;
        if (step.status === "failed") stats.failed += 1;
        if (step.status === "pending") wakeAt(step.delayMs);
        if (!result.recorded.has(claim.id)) {
          logger.warn(`[delivery] Delivery ${claim.id} was taken over by another worker (lease expired) or deleted; its outcome here is dropped.`);
        }
      }
      for (const endpointId of result.disabledEndpoints) {
        logger.warn(`[delivery] Webhook endpoint ${endpointId} was disabled: every attempt failed for too long.`);
      }
    } catch (error) {
      // The database is unreachable: the leases expire and the deliveries are claimed again.
      logger.error(`[delivery] Could not record the outcome of ${batch.length} deliveries:`, error);
    } finally {
      flushing = false;
      unrecorded -= batch.length;
      scheduleFlush();
      if (unrecorded === 0) {
        for (const resolve of allRecorded) resolve();
        allRecorded = [];
        wake();
      }
    }
  }

  function record(completion: Completion, settings: DeliverySettings): void {
    queue.push({ completion, settings });
    unrecorded += 1;
    scheduleFlush();
  }

  async function attempt(claim: ClaimedDelivery, settings: DeliverySettings): Promise<AttemptOutcome | null> {
    const job: DeliveryJob = {
      deliveryId: claim.id,
      attemptNumber: claim.attemptCount + 1,
      event: claim.event,
      settings,
      db: prisma,
    };
    if (claim.destination === "webhook") {
      const handler = getDeliveryHandler("webhook");
      if (!handler) return null;
      return claim.endpoint ? handler.deliver({ ...job, endpoint: claim.endpoint }) : notAttempted("The webhook endpoint was deleted.");
    }
    if (claim.destination === "rest_hook") {
      const handler = getDeliveryHandler("rest_hook");
      if (!handler) return null;
      return claim.subscription
        ? handler.deliver({ ...(job as DestinationJobs["rest_hook"]), subscription: claim.subscription })
        : notAttempted("The REST hook subscription was deleted.");
    }
    if (claim.destination === "mail") {
      const handler = getDeliveryHandler("mail");
      return handler ? handler.deliver({ ...job, event: claim.event }) : null;
    }
    const handler = getDeliveryHandler("post_registration");
    if (!handler) logger.warn(`[delivery] No post_registration handler is registered in this process; delivery ${claim.id} waits.`);
    return handler ? handler.deliver(job as DestinationJobs["post_registration"]) : null;
  }

  async function deliver(claim: ClaimedDelivery, settings: DeliverySettings): Promise<void> {
    const startedAt = new Date();
    const started = performance.now();
    let outcome: AttemptOutcome | null;
    try {
      outcome = await attempt(claim, settings);
    } catch (error) {
      outcome = {
        attempted: true,
        succeeded: false,
        retryable: true,
        statusCode: null,
        responseBody: null,
        error: `The delivery failed unexpectedly: ${(error as Error).message}`,
        durationMs: performance.now() - started,
      };
    }
    if (!outcome) return releaseClaim(engineDb, claim, NO_HANDLER_RETRY_MS);
    const step = nextStep(outcome, claim.attemptCount + (outcome.attempted ? 1 : 0) - claim.scheduleStart, settings);
    record({ claim, outcome, step, startedAt }, settings);
  }

  // Claimed deliveries wait here for a free slot, so that a slot never waits for a claim's round trip.
  // They hold their lease meanwhile; there are at most `concurrency` of them, and they wait milliseconds.
  let ready: { claim: ClaimedDelivery; settings: DeliverySettings }[] = [];

  function startReady() {
    while (inFlight.size < concurrency && ready.length > 0 && !stopping) {
      const { claim, settings } = ready.shift()!;
      start(claim, settings);
    }
  }

  function start(claim: ClaimedDelivery, settings: DeliverySettings) {
    const task = deliver(claim, settings)
      .catch((error: unknown) => {
        logger.error(`[delivery] Delivery ${claim.id} failed in the worker; its lease will expire and it will be retried:`, error);
      })
      .finally(() => {
        inFlight.delete(task);
        startReady();
        // While there is more to do, claim again once half the reserve is used: a claim costs about the
        // same for 1 row or 30.
        if ((mayBeDue || outboxDirty) && ready.length <= concurrency / 2) wake();
      });
    inFlight.add(task);
  }

  /**
   * Deliveries per event in the last fan-out: sizes the next one to what this worker can take. The
   * first fan-out assumes many, so that it does not insert more than it can claim.
   */
  let deliveriesPerEvent = 16;

  async function runOnce(): Promise<void> {
    const { value: settings } = await currentSettings();
    // Room for the slots plus a reserve as large; outcomes not yet written count against it, so that
    // a slow database slows the claims.
    let capacity = 2 * concurrency - inFlight.size - ready.length - Math.max(0, unrecorded - concurrency);
    const take = (claims: ClaimedDelivery[]) => {
      for (const claim of claims) ready.push({ claim, settings });
      capacity -= claims.length;
      startReady();
    };
    // Deliveries already due (the rest of a large fan-out, retries, leases that ran out) go first.
    if (mayBeDue && capacity > 0 && !stopping) {
      mayBeDue = false;
      const claims = await claimDueDeliveries(engineDb, { limit: capacity, leaseMarginMs });
      if (claims.length === capacity) mayBeDue = true;
      take(claims);
    }
    // New events wait in the outbox until this worker (or another) has room for their deliveries: the
    // fan-out takes about as many events as fill the room, and claims the deliveries it creates.
    while (outboxDirty && capacity > 0 && !stopping) {
      // While other deliveries are under way, wait for room for a whole event (or a full set of slots):
      // the deliveries a fan-out cannot claim are inserted pending, and each then costs a claim of its own.
      if (capacity < Math.min(deliveriesPerEvent, concurrency) && inFlight.size + ready.length > 0) break;
      outboxDirty = false;
      const limit = Math.min(DISPATCH_BATCH, Math.max(1, Math.floor(capacity / deliveriesPerEvent)));
      const dispatched = await dispatchAndClaim(engineDb, {
        limit,
        postRegistrationWhen: getDeliveryHandler("post_registration")?.activeWhen ?? null,
        claimLimit: capacity,
        leaseMarginMs,
      });
      if (dispatched.events > 0) deliveriesPerEvent = Math.max(dispatched.deliveries / dispatched.events, 1 / DISPATCH_BATCH);
      if (dispatched.events === limit) outboxDirty = true;
      if (dispatched.deliveries > dispatched.claimed.length) mayBeDue = true;
      take(dispatched.claimed);
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      wakeRequested = false;
      let delay = pollIntervalMs;
      try {
        await runOnce();
      } catch (error) {
        if (stopping) break;
        outboxDirty = true;
        mayBeDue = true;
        logger.error("[delivery] The delivery loop failed; retrying:", error);
        delay = Math.max(pollIntervalMs, ERROR_BACKOFF_MS);
      }
      if (stopping || wakeRequested) continue;
      const timedOut = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), delay);
        wakeResolve = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      wakeResolve = null;
      // Another process may have written events or redelivered without this one hearing of it: look now and then.
      if (timedOut) {
        outboxDirty = true;
        mayBeDue = true;
      }
    }
  }

  function listen(url: string) {
    const client = new pg.Client({ connectionString: url });
    listenClient = client;
    const retry = (error: unknown) => {
      if (stopping || listenClient !== client) return;
      logger.warn(`[delivery] LISTEN connection lost (${(error as Error).message}); reconnecting in 1 s.`);
      listenClient = null;
      client.end().catch(() => {});
      listenRetry = setTimeout(() => listen(url), 1000);
    };
    client.on("notification", eventsWritten);
    client.on("error", retry);
    client
      .connect()
      .then(() => client.query(`LISTEN ${OUTBOX_CHANNEL}`))
      .then(outboxWritten, retry);
  }

  // With LISTEN, a commit in this process wakes the worker through its notification; the in-process
  // signal would only make it look before the commit.
  const unsubscribe = options.databaseUrl ? () => {} : onOutboxWrite(outboxWritten);
  if (options.databaseUrl) listen(options.databaseUrl);
  const running = loop();

  return {
    wake: outboxWritten,
    stats: () => ({ inFlight: inFlight.size, ...stats }),
    stop() {
      stopped ??= shutdown();
      return stopped;
    },
  };

  async function shutdown(): Promise<void> {
    stopping = true;
    const prunerStopped = pruner?.stop();
    unsubscribe();
    clearTimeout(retryTimer);
    clearTimeout(listenRetry);
    wake();
    await running;
    // Claimed but not started: hand them back at once rather than let their lease run out.
    const unstarted = ready;
    ready = [];
    await Promise.allSettled(unstarted.map(({ claim }) => releaseClaim(engineDb, claim, 0)));
    await Promise.allSettled([...inFlight]);
    clearTimeout(flushTimer);
    scheduleFlush();
    if (unrecorded > 0) await new Promise<void>((resolve) => allRecorded.push(resolve));
    const client = listenClient;
    listenClient = null;
    await client?.end().catch(() => {});
    await prunerStopped;
    await pool?.end().catch(() => {});
  }
}

const FIRST_PRUNE_AFTER_MS = 5 * 60_000;

function startWorkerPruner(prisma: PrismaClient, logger: Pick<Console, "info" | "error">, options: Exclude<DeliveryWorkerOptions["pruning"], false> = {}) {
  const intervalMs = options.intervalMs ?? getConfig().DELEGATE_RETENTION_INTERVAL;
  return startPruner({
    prisma,
    logger,
    settings: { ...retentionSettings(), ...options.settings },
    intervalMs,
    firstAfterMs: options.firstAfterMs ?? Math.min(FIRST_PRUNE_AFTER_MS, intervalMs),
  });
}
