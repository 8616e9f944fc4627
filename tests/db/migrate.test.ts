import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "@/lib/db/database";
import { migrate } from "@/lib/db/migrate";
import { useTestDatabase } from "../helpers/db";

const db = useTestDatabase();
const MIGRATIONS = path.join(process.cwd(), "prisma", "migrations");
const names = fs
  .readdirSync(MIGRATIONS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const recorded = async (database: Database = db()) =>
  (
    await database.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`,
    )
  ).map((row) => row.migration_name);

/** A copy of the real migrations plus extra ones, to apply on top of the test database. */
const tempDirs: string[] = [];
function migrationsWith(extra: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "delegate-migrations-"));
  tempDirs.push(dir);
  fs.cpSync(MIGRATIONS, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
// The extra migrations a test applies (all named 2999…) are undone after it, so every test sees the real set.
afterEach(async () => {
  await db().exec(`
    DROP TABLE IF EXISTS migration_probe, half_done, concurrent_probe;
    DELETE FROM "_prisma_migrations" WHERE migration_name LIKE '2999%';
    DELETE FROM departments WHERE name = 'Kept';`);
});

describe("migrate", () => {
  it("has applied every migration once, in order, recorded in Prisma's table", async () => {
    expect(names.length).toBeGreaterThan(0);
    expect(await recorded()).toEqual(names);
  });

  it("does nothing when run again, and keeps the data", async () => {
    await db().prisma.department.create({ data: { name: "Kept" } });
    expect(await migrate(db())).toEqual([]);
    expect(await migrate(db())).toEqual([]);
    expect(await recorded()).toEqual(names);
    expect(await db().prisma.department.count({ where: { name: "Kept" } })).toBe(1);
  });

  it("applies only a new migration, once", async () => {
    const dir = migrationsWith({ "29990101000000_add_probe": "CREATE TABLE migration_probe (id int PRIMARY KEY);" });
    expect(await migrate(db(), dir)).toEqual(["29990101000000_add_probe"]);
    expect(await migrate(db(), dir)).toEqual([]);
    expect(await db().prisma.$queryRawUnsafe(`SELECT count(*)::int AS n FROM migration_probe`)).toEqual([{ n: 0 }]);
  });

  it("rolls back a failing migration entirely, names it, and leaves the database usable", async () => {
    const dir = migrationsWith({
      "29990102000000_half_broken": "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;",
    });
    await db().prisma.department.create({ data: { name: "Kept" } });
    await expect(migrate(db(), dir)).rejects.toThrow(/^Migration 29990102000000_half_broken failed: .*no_such_table/);
    const tables = await db().prisma.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'half_done'`,
    );
    expect(tables).toEqual([]);
    expect(await recorded()).not.toContain("29990102000000_half_broken");
    for (let i = 0; i < 12; i++) expect(await db().prisma.department.count()).toBeGreaterThanOrEqual(1);
  });

  it("does not apply a migration again when its file was edited afterwards, and warns", async () => {
    const dir = migrationsWith({});
    fs.appendFileSync(path.join(dir, names[0], "migration.sql"), "\n-- edited\n");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await migrate(db(), dir)).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`Migration ${names[0]} was changed after it was applied`));
    warn.mockRestore();
  });

  // Every migration on a new PGlite: 25 s on a loaded 2-core machine.
  it("builds an empty database from scratch", async () => {
    const fresh = await openDatabase({ kind: "memory" });
    try {
      expect(await migrate(fresh)).toEqual(names);
      expect(await migrate(fresh)).toEqual([]);
      expect(await fresh.prisma.user.count()).toBe(0);
    } finally {
      await fresh.close();
    }
  }, 180_000);

  it.runIf(process.env.TEST_DATABASE_URL)("lets two processes migrate the same server at once: each migration runs once", async () => {
    const url = process.env.TEST_DATABASE_URL as string;
    const dir = migrationsWith({ "29990103000000_concurrent": "CREATE TABLE concurrent_probe (id int);" });
    const [a, b] = await Promise.all([openDatabase({ kind: "server", url }), openDatabase({ kind: "server", url })]);
    try {
      const results = await Promise.all([migrate(a, dir), migrate(b, dir)]);
      expect(results.flat()).toEqual(["29990103000000_concurrent"]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
