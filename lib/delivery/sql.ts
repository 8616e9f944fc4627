import type pg from "pg";
import { preparedStatementName } from "@/lib/db/prepared";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Where the engine's statements run: Prisma (PGlite, or anywhere), or a plain `pg` pool on a
 * PostgreSQL server, which costs a fifth of the CPU per statement on the worker's hot path.
 * The statements are the same `Prisma.sql` templates either way.
 */
export type EngineDb = PrismaClient | { pool: pg.Pool };

export async function query<T>(db: EngineDb, statement: Prisma.Sql): Promise<T[]> {
  if ("pool" in db) {
    const result = await db.pool.query({ name: preparedStatementName(statement.text), text: statement.text, values: statement.values as unknown[] });
    return result.rows as T[];
  }
  return db.$queryRaw<T[]>(statement);
}

/** Timestamps leave the engine's SQL as epoch milliseconds: pg and Prisma read those alike, whatever the server's time zone. */
export const fromEpochMs = (value: number | null): Date | null => (value === null ? null : new Date(value));
