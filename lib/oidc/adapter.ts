import type { Adapter, AdapterPayload } from "oidc-provider";
import { getDatabase } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { clientMetadataFor } from "./clients";

/*
 * oidc-provider's storage adapter (its interface: example/my_adapter.js of panva/node-oidc-provider):
 * every model (Session, Grant, Interaction, AuthorizationCode, RefreshToken, AccessToken, …) is one row
 * of `oidc_payloads`, so that any app instance on the same PostgreSQL continues a flow another began.
 * Clients are not stored here: they are the registered applications (`applications`).
 */

interface PayloadRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

function found(row: PayloadRow | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  return row.consumed_at ? { ...row.payload, consumed: epoch(row.consumed_at) } : row.payload;
}

export class PostgresOidcAdapter implements Adapter {
  constructor(private readonly kind: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const db = await getDatabase();
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    await db.query(Prisma.sql`
      INSERT INTO oidc_payloads (kind, id, payload, grant_id, uid, user_code, account_id, expires_at, consumed_at)
      VALUES (${this.kind}, ${id}, ${JSON.stringify(payload)}::jsonb, ${payload.grantId ?? null}, ${payload.uid ?? null},
        ${payload.userCode ?? null}, ${payload.accountId ?? null}, ${expiresAt}::timestamptz, NULL)
      ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
        user_code = EXCLUDED.user_code, account_id = EXCLUDED.account_id, expires_at = EXCLUDED.expires_at, consumed_at = NULL`);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.kind === "Client") return clientMetadataFor(id);
    return this.findWhere(Prisma.sql`id = ${id}`);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(Prisma.sql`uid = ${uid}`);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(Prisma.sql`user_code = ${userCode}`);
  }

  /** The unexpired payload of this kind matching `condition`. */
  private async findWhere(condition: Prisma.Sql): Promise<AdapterPayload | undefined> {
    const db = await getDatabase();
    const [row] = await db.query<PayloadRow>(Prisma.sql`
      SELECT payload, consumed_at FROM oidc_payloads
      WHERE kind = ${this.kind} AND ${condition} AND (expires_at IS NULL OR expires_at > now())`);
    return found(row);
  }

  async consume(id: string): Promise<void> {
    const db = await getDatabase();
    await db.query(Prisma.sql`UPDATE oidc_payloads SET consumed_at = now() WHERE kind = ${this.kind} AND id = ${id}`);
  }

  async destroy(id: string): Promise<void> {
    const db = await getDatabase();
    await db.query(Prisma.sql`DELETE FROM oidc_payloads WHERE kind = ${this.kind} AND id = ${id}`);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const db = await getDatabase();
    await db.query(Prisma.sql`DELETE FROM oidc_payloads WHERE kind = ${this.kind} AND grant_id = ${grantId}`);
  }
}

/** Drops expired provider state (run periodically by the provider's host process). */
export async function purgeExpiredOidcPayloads(): Promise<number> {
  const db = await getDatabase();
  const rows = await db.query<{ kind: string }>(
    Prisma.sql`DELETE FROM oidc_payloads WHERE expires_at < now() - interval '1 minute' RETURNING kind`,
  );
  return rows.length;
}
