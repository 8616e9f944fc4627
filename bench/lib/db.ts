import pg from "pg";
import { resetConfigForTests } from "@/lib/config";
import { closeDatabase, installDatabase } from "@/lib/db/client";
import { openDatabase, type Database } from "@/lib/db/database";
import { migrate } from "@/lib/db/migrate";
import { forgetTenantForTests } from "@/lib/tenant/tenant";

export const DEFAULT_BENCH_DATABASE_URL = "postgresql://root@127.0.0.1:5432/delegate_bench";

/** BENCH_DATABASE_URL (or the default), with its database name replaced by `database` when given. */
export function benchDatabaseUrl(database?: string): string {
  const url = new URL(process.env.BENCH_DATABASE_URL || DEFAULT_BENCH_DATABASE_URL);
  if (database) url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Creates the database named in `url` when it does not exist, through the server's `postgres` database. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error(`BENCH_DATABASE_URL must name a database: ${url}`);
  target.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

export interface BenchDatabase {
  url: string;
  /** The database every domain function of this process uses. */
  db: Database;
  /** A separate pg pool for hand-written baselines. */
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * The bench database, emptied (public schema dropped), migrated with lib/db/migrate.ts and installed
 * as the process-wide database. Only ever a database on BENCH_DATABASE_URL's server, never DATABASE_URL;
 * a bench that wants its own passes `database` (a name on that server) rather than changing the environment.
 */
export async function openFreshBenchDatabase(options: { poolSize?: number; database?: string } = {}): Promise<BenchDatabase> {
  const url = benchDatabaseUrl(options.database);
  await ensureDatabase(url);
  resetConfigForTests();
  forgetTenantForTests();
  const db = await openDatabase({ kind: "server", url, poolSize: options.poolSize ?? 10 });
  await db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
  await migrate(db);
  installDatabase(db);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  return {
    url,
    db,
    pool,
    close: async () => {
      await pool.end();
      await closeDatabase();
      forgetTenantForTests();
    },
  };
}

export async function serverVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ server_version: string }>("SHOW server_version");
  return rows[0].server_version;
}
