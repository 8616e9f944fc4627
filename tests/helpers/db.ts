import { afterAll, beforeAll } from "vitest";
import { clearAllMemos } from "@/lib/cache/memo";
import { resetConfigForTests } from "@/lib/config";
import { closeDatabase, installDatabase } from "@/lib/db/client";
import { openDatabase, type Database } from "@/lib/db/database";
import { migrate } from "@/lib/db/migrate";
import { forgetTenantForTests } from "@/lib/tenant/tenant";

/**
 * The database a test file runs against: the PostgreSQL server at TEST_DATABASE_URL when set
 * (its public schema is emptied first), otherwise an in-memory PGlite. Migrated, empty, and
 * installed as the process-wide database that every domain function uses.
 */
export async function openTestDatabase(): Promise<Database> {
  resetConfigForTests();
  forgetTenantForTests();
  clearAllMemos();
  const url = process.env.TEST_DATABASE_URL;
  const db = await openDatabase(url ? { kind: "server", url, poolSize: 10 } : { kind: "memory" });
  if (url) await db.exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
  await migrate(db);
  installDatabase(db);
  return db;
}

/** Registers beforeAll/afterAll that open and close the test database; returns a getter. */
export function useTestDatabase(): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await closeDatabase();
  });
  return () => {
    if (!db) throw new Error("The test database is not open yet.");
    return db;
  };
}
