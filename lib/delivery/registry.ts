import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { EventType, RegistrationEventType, StoredEvent } from "@/lib/events/types";
import type { DeliverySettings } from "./settings";

/**
 * The typed registry of delivery handlers: every Delivery row names a destination, and the worker
 * runs the handler registered under that name with a payload typed for it. `webhook` and `rest_hook`
 * are built in (lib/delivery/handlers.ts); `post_registration` is registered by the hooks module;
 * `mail` sends the mails of lib/mail (one outbox event of type `mail.queued` per mail).
 */
export const DESTINATIONS = ["webhook", "rest_hook", "post_registration", "mail"] as const;
export type Destination = (typeof DESTINATIONS)[number];

/** What one try at a delivery came to. The worker logs it and decides on a retry from it. */
export interface AttemptOutcome {
  /** False when nothing was sent (the destination was removed or disabled meanwhile): no attempt is logged. */
  attempted: boolean;
  succeeded: boolean;
  /** A failure worth retrying: network error, timeout, 5xx, 408, 429. */
  retryable: boolean;
  statusCode: number | null;
  /** The first 4 KB of the answer. */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** The receiver's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

export interface WebhookTarget {
  id: string;
  url: string;
  enabled: boolean;
  headers: Record<string, string>;
  basicAuthUsername: string | null;
  basicAuthPassword: string | null;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface RestHookTarget {
  id: number;
  url: string;
  authorizationToken: string | null;
  deletedAt: Date | null;
}

/** What every handler receives. The event is the outbox row: the same id on every attempt. */
export interface DeliveryJob<T extends EventType = EventType> {
  deliveryId: string;
  /** 1 for the first attempt of the delivery, counting across redeliveries. */
  attemptNumber: number;
  event: StoredEvent<T>;
  settings: DeliverySettings;
  db: PrismaClient;
}

export interface DestinationJobs {
  webhook: DeliveryJob & { endpoint: WebhookTarget };
  rest_hook: DeliveryJob<RegistrationEventType> & { subscription: RestHookTarget };
  post_registration: DeliveryJob<RegistrationEventType>;
  /** The event is the mail's outbox row (`mail.queued`, body `{"mail_id": …}`), not a user event. */
  mail: Omit<DeliveryJob, "event"> & { event: Pick<StoredEvent, "id" | "body"> };
}

export interface DeliveryHandler<D extends Destination> {
  /** Must settle within the lease (DEFAULT_LEASE_MS plus the margin for destinations without their own timeouts). */
  deliver(job: DestinationJobs[D]): Promise<AttemptOutcome>;
}

/**
 * The post-registration hook: fan-out creates one `post_registration` delivery per
 * `user.registration.create.complete` event while `activeWhen` holds (e.g. the hook is saved and
 * enabled). Without a registered handler no such delivery is ever created.
 */
export interface PostRegistrationHandler extends DeliveryHandler<"post_registration"> {
  /** A SQL condition, checked inside each fan-out statement: a registration right after the hook is saved runs it. */
  activeWhen: Prisma.Sql;
}

export interface DeliveryHandlers {
  webhook: DeliveryHandler<"webhook">;
  rest_hook: DeliveryHandler<"rest_hook">;
  post_registration: PostRegistrationHandler;
  mail: DeliveryHandler<"mail">;
}

const store = globalThis as unknown as { delegateDeliveryHandlers?: Partial<DeliveryHandlers> };
const handlers = (store.delegateDeliveryHandlers ??= {});

export function registerDeliveryHandler<D extends Destination>(destination: D, handler: DeliveryHandlers[D]): void {
  handlers[destination] = handler;
}

export function getDeliveryHandler<D extends Destination>(destination: D): DeliveryHandlers[D] | undefined {
  return handlers[destination] as DeliveryHandlers[D] | undefined;
}

/** Tests remove what they registered. */
export function unregisterDeliveryHandler(destination: Destination): void {
  delete handlers[destination];
}

export const isDestination = (value: string): value is Destination => (DESTINATIONS as readonly string[]).includes(value);
