import crypto from "node:crypto";
import type pg from "pg";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Where the engine's statements run: Prisma (PGlite, or anywhere), or a plain `pg` pool on a
 * PostgreSQL server, which costs a fifth of the CPU per statement on the worker's hot path.
 * The statements are the same `Prisma.sql` templates either way.
 */
export type EngineDb = PrismaClient | { pool: pg.Pool };

const statementNames = new Map<string, string>();

/** On a pool the statements are prepared once per connection: planning these CTEs costs as much as running them. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `delegate_${crypto.createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

export async function query<T>(db: EngineDb, statement: Prisma.Sql): Promise<T[]> {
  if ("pool" in db) {
    const result = await db.pool.query({ name: statementName(statement.text), text: statement.text, values: statement.values as unknown[] });
    return result.rows as T[];
  }
  return db.$queryRaw<T[]>(statement);
}

/** Timestamps leave the engine's SQL as epoch milliseconds: pg and Prisma read those alike, whatever the server's time zone. */
export const fromEpochMs = (value: number | null): Date | null => (value === null ? null : new Date(value));
