import type { Actor } from "@/lib/auth/actor";
import { getDatabase, getPrisma } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { assertUserAccess } from "@/lib/users/access";
import type { UserProfile } from "@/lib/users/profile";

export interface SignInEntry {
  at: string;
  clientId: string;
  application: string;
  ipAddress: string | null;
  result: "success" | "failure";
  reason: string | null;
}

export interface GrantedApplication {
  clientId: string;
  name: string;
  scope: string;
  grantedAt: string;
}

const RECENT_SIGN_INS = 20;

/**
 * The user's recent sign-ins to applications (time, application, address, result), for admins who
 * may `read:logs` this user (role and Access Hook); null for the others.
 */
export async function listRecentSignIns(actor: Actor, user: UserProfile): Promise<SignInEntry[] | null> {
  try {
    await assertUserAccess(actor, user, "read:logs");
  } catch (error) {
    if (error instanceof DomainError && error.code === "forbidden") return null;
    throw error;
  }
  const prisma = await getPrisma();
  const entries = await prisma.auditLog.findMany({
    where: { targetUserId: user.user_id, channel: "oidc", action: "user.login" },
    orderBy: { createdAt: "desc" },
    take: RECENT_SIGN_INS,
    select: { createdAt: true, ipAddress: true, result: true, details: true },
  });
  const clientIds = [...new Set(entries.map((entry) => String((entry.details as { client_id?: unknown }).client_id ?? "")))];
  const names = new Map(
    (await prisma.application.findMany({ where: { clientId: { in: clientIds } }, select: { clientId: true, name: true } })).map((app) => [app.clientId, app.name]),
  );
  return entries.map((entry) => {
    const details = entry.details as { client_id?: string; reason?: string };
    const clientId = details.client_id ?? "";
    return {
      at: entry.createdAt.toISOString(),
      clientId,
      application: names.get(clientId) ?? `${clientId} (deleted)`,
      ipAddress: entry.ipAddress,
      result: entry.result === "success" ? "success" : "failure",
      reason: details.reason ?? null,
    };
  });
}

/**
 * The applications the user has an unexpired grant for (signed in to and not signed out everywhere since), or
 * why they are not shown: the Access Hook is asked again (`read:user`) and fails closed when it errs or times out.
 */
export async function listGrantedApplications(actor: Actor, user: UserProfile): Promise<GrantedApplication[] | { refused: string }> {
  try {
    await assertUserAccess(actor, user, "read:user");
  } catch (error) {
    if (error instanceof DomainError && error.code === "forbidden") return { refused: `Not shown: ${error.message}` };
    throw error;
  }
  const db = await getDatabase();
  return db.query<GrantedApplication>(Prisma.sql`
    SELECT DISTINCT ON (a.client_id) a.client_id AS "clientId", a.name, COALESCE(g.payload #>> '{openid,scope}', '') AS scope,
      to_char(to_timestamp((g.payload->>'iat')::bigint) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "grantedAt"
    FROM oidc_payloads g JOIN applications a ON a.client_id = g.payload->>'clientId'
    WHERE g.kind = 'Grant' AND g.account_id = ${user.user_id} AND (g.expires_at IS NULL OR g.expires_at > now())
    ORDER BY a.client_id, (g.payload->>'iat')::bigint DESC`);
}
