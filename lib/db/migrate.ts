import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Database } from "./database";

const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");
// Any constant: serialises concurrent migrators on one PostgreSQL server.
const ADVISORY_LOCK_KEY = 727_001;

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Applies pending migrations in order, each in its own transaction, and records them in
 * Prisma's own `_prisma_migrations` table so that `prisma migrate status` agrees.
 * Returns the names of the migrations applied.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  return db.withSession(async (session) => {
    if (db.kind === "server") await session.exec(`SELECT pg_advisory_lock(${ADVISORY_LOCK_KEY})`);
    try {
      await session.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const applied = await session.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      const appliedByName = new Map(applied.map((row) => [row.migration_name, row.checksum]));
      const done: string[] = [];
      for (const migration of migrations) {
        const previous = appliedByName.get(migration.name);
        if (previous !== undefined) {
          if (previous !== migration.checksum) {
            console.warn(`Migration ${migration.name} was changed after it was applied; it is not applied again.`);
          }
          continue;
        }
        try {
          await session.exec(
            `BEGIN;\n${migration.sql}\n;INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) ` +
              `VALUES (${quote(crypto.randomUUID())}, ${quote(migration.checksum)}, now(), ${quote(migration.name)}, 1);\nCOMMIT;`,
          );
        } catch (error) {
          await session.exec("ROLLBACK").catch(() => {});
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
        }
        done.push(migration.name);
      }
      return done;
    } finally {
      if (db.kind === "server") await session.exec(`SELECT pg_advisory_unlock(${ADVISORY_LOCK_KEY})`);
    }
  });
}
