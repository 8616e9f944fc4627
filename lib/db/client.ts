import { getConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { openDatabase, type Database, type DatabaseTarget } from "./database";

const globalForDb = globalThis as unknown as { delegateDb?: Promise<Database> };

export function configuredTarget(): DatabaseTarget {
  const config = getConfig();
  return config.DATABASE_URL
    ? { kind: "server", url: config.DATABASE_URL }
    : { kind: "embedded", dataDir: config.dataDir };
}

/** The process-wide database, opened on first use (tests install their own with `installDatabase`). */
export function getDatabase(): Promise<Database> {
  globalForDb.delegateDb ??= openDatabase(configuredTarget()).catch((error: unknown) => {
    globalForDb.delegateDb = undefined;
    throw error;
  });
  return globalForDb.delegateDb;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}

export function installDatabase(db: Database): void {
  globalForDb.delegateDb = Promise.resolve(db);
}

export async function closeDatabase(): Promise<void> {
  const pending = globalForDb.delegateDb;
  globalForDb.delegateDb = undefined;
  if (pending) await (await pending).close();
}
