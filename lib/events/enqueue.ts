import { Prisma } from "@/lib/generated/prisma/client";
import type { TenantSettings } from "@/lib/tenant/tenant";
import { toUserProfile, type UserProfile, type UserRow } from "@/lib/users/profile";
import { userEvents, type EventSource, type UserChange } from "./envelope";
import { OUTBOX_CHANNEL, signalOutboxWrite } from "./outbox-signal";
import type { EventEnvelope } from "./types";

type UserLike = UserRow | UserProfile;

const profileOf = (user: UserLike): UserProfile => ("user_id" in user ? user : toUserProfile(user));

export type UserChangeInput =
  | { kind: "create"; user: UserLike }
  | { kind: "update"; user: UserLike; original: UserLike }
  | { kind: "delete"; user: UserLike }
  | { kind: "restore"; user: UserLike };

/** The envelopes of a user change, ready for `outboxInsert`. */
export function userChangeEvents(
  source: EventSource,
  input: UserChangeInput,
  tenant: Pick<TenantSettings, "id" | "applicationId">,
): EventEnvelope[] {
  const change: UserChange =
    input.kind === "update"
      ? { kind: "update", user: profileOf(input.user), original: profileOf(input.original) }
      : { kind: input.kind, user: profileOf(input.user) };
  return userEvents(change, tenant, source);
}

/** `INSERT INTO events … RETURNING 1` for the envelopes, to embed as a CTE in the statement of the change. */
export function outboxInsert(envelopes: readonly EventEnvelope[]): Prisma.Sql {
  const rows = envelopes.map(({ event }) => ({
    id: event.id,
    type: event.type,
    payload: { event },
    created_at: new Date(event.createInstant).toISOString(),
  }));
  return Prisma.sql`
    INSERT INTO events (id, type, payload, created_at)
    SELECT id, type, payload, created_at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, type text, payload jsonb, created_at timestamp)
    RETURNING 1`;
}

/** Selects the NOTIFY that PostgreSQL delivers to listening workers at commit, given a CTE named `outbox` from `outboxInsert`. */
export const notifyOutbox = Prisma.sql`SELECT pg_notify(${OUTBOX_CHANNEL}, count(*)::text) FROM outbox`;

/**
 * Writes the events of a user change into the outbox. Call it inside the transaction that makes the
 * change: the events commit with it, or not at all, and nothing is sent before the commit. Read the
 * tenant (getTenant, cached) before the transaction: on PGlite a query outside it would wait for it.
 * Returns the envelopes written (their `event.id` is the `webhook-id` every destination receives).
 */
export async function enqueueUserEvents(
  tx: Prisma.TransactionClient,
  source: EventSource,
  input: UserChangeInput,
  tenant: Pick<TenantSettings, "id" | "applicationId">,
): Promise<EventEnvelope[]> {
  const envelopes = userChangeEvents(source, input, tenant);
  await tx.$executeRaw`WITH outbox AS (${outboxInsert(envelopes)}) ${notifyOutbox}`;
  signalOutboxWrite();
  return envelopes;
}
