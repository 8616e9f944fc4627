import crypto from "node:crypto";
import type { KoaContextWithOIDC } from "oidc-provider";
import { auditInsert, type AuditActor } from "@/lib/audit/record";
import { getDatabase, getPrisma } from "@/lib/db/client";
import { eventInfo, eventUser, type EventSource } from "@/lib/events/envelope";
import { notifyOutbox, outboxInsert } from "@/lib/events/enqueue";
import { signalOutboxWrite } from "@/lib/events/outbox-signal";
import type { EventEnvelope, LoginFailureReason } from "@/lib/events/types";
import { Prisma } from "@/lib/generated/prisma/client";
import { getTenant, type TenantSettings } from "@/lib/tenant/tenant";
import { toUserProfile, userSelect, type UserProfile } from "@/lib/users/profile";

/*
 * Sign-ins, refused sign-ins and sign-outs of the people Delegate manages: an audit entry each
 * (channel `oidc`, actions `user.login` / `user.logout`, `details.client_id`) and a FusionAuth-style
 * event (`user.login.success`, `user.login.failed`, `user.logout`) that webhook endpoints subscribe to.
 */

export type LoginEventType = "user.login.success" | "user.login.failed" | "user.logout";

export interface LoginEventInput {
  type: LoginEventType;
  user: UserProfile;
  clientId: string;
  source: EventSource;
  reason?: LoginFailureReason;
}

export function loginEvent(input: LoginEventInput, tenant: Pick<TenantSettings, "id">): EventEnvelope {
  const base = {
    id: crypto.randomUUID(),
    createInstant: Date.now(),
    tenantId: tenant.id,
    applicationId: input.clientId,
    info: eventInfo(input.source),
    user: eventUser(input.user, tenant.id),
  };
  if (input.type === "user.login.success") {
    return { event: { ...base, type: input.type, authenticationType: "PASSWORD", connectorId: input.user.connection_id, ipAddress: input.source.ipAddress } };
  }
  if (input.type === "user.login.failed") {
    return {
      event: { ...base, type: input.type, authenticationType: "PASSWORD", ipAddress: input.source.ipAddress, reason: { code: input.reason ?? "credentials" } },
    };
  }
  return { event: { ...base, type: input.type } };
}

const AUDIT_ACTIONS: Record<LoginEventType, string> = {
  "user.login.success": "user.login",
  "user.login.failed": "user.login",
  "user.logout": "user.logout",
};

/**
 * Writes the audit entry, and the event when the user is known, in one statement. A successful
 * sign-in also sets last_login and increments logins_count in that statement.
 */
export async function recordLoginActivity(
  input: Omit<LoginEventInput, "user"> & { user: UserProfile | null; login: string; message?: string },
): Promise<void> {
  const db = await getDatabase();
  const tenant = await getTenant();
  const actor: AuditActor = {
    id: input.user?.user_id ?? null,
    email: input.user?.email ?? input.login,
    channel: "oidc",
    ipAddress: input.source.ipAddress,
    userAgent: input.source.userAgent,
  };
  const audit = auditInsert(
    actor,
    {
      action: AUDIT_ACTIONS[input.type],
      targetUserId: input.user?.user_id,
      targetEmail: input.user?.email ?? input.login,
      details: { client_id: input.clientId, ...(input.reason ? { reason: input.reason } : {}) },
    },
    input.type === "user.login.failed" ? { message: input.message ?? "Sign-in refused." } : undefined,
  );
  const parts: Prisma.Sql[] = [Prisma.sql`audit AS (${audit} RETURNING 1)`];
  if (input.user) {
    parts.push(Prisma.sql`outbox AS (${outboxInsert([loginEvent({ ...input, user: input.user }, tenant)])})`);
  }
  if (input.user && input.type === "user.login.success") {
    parts.push(Prisma.sql`counted AS (UPDATE users SET last_login = now(), logins_count = logins_count + 1
      WHERE id = ${input.user.user_id}::uuid RETURNING 1)`);
  }
  const tail = input.user ? notifyOutbox : Prisma.sql`SELECT 1 FROM audit`;
  await db.query(Prisma.sql`WITH ${Prisma.join(parts, ", ")} ${tail}`);
  if (input.user) signalOutboxWrite();
}

/** RP-initiated logout finished (oidc-provider's `end_session.success`). Never throws. */
export async function recordUserLogout(ctx: KoaContextWithOIDC): Promise<void> {
  try {
    const accountId = ctx.oidc.session?.accountId;
    if (!accountId) return;
    const prisma = await getPrisma();
    const row = await prisma.user.findUnique({ where: { id: accountId }, select: userSelect });
    if (!row) return;
    await recordLoginActivity({
      type: "user.logout",
      user: toUserProfile(row),
      login: row.email,
      clientId: ctx.oidc.client?.clientId ?? "",
      source: { channel: "oidc", ipAddress: ctx.ip, userAgent: ctx.get("user-agent") || undefined },
    });
  } catch (error) {
    console.error("Could not record a sign-out:", (error as Error).message);
  }
}
