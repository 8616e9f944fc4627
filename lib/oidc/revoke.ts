import { getDatabase } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Ends every provider session of the user and revokes every grant, code and token issued for them
 * (applications must sign the user in again). Returns how many records were removed.
 */
export async function revokeUserOidcState(userId: string): Promise<number> {
  const db = await getDatabase();
  const rows = await db.query<{ kind: string }>(Prisma.sql`DELETE FROM oidc_payloads WHERE account_id = ${userId} RETURNING kind`);
  return rows.length;
}
