import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * The Prisma CLI is only used to generate the client and to diff schemas into new migrations
 * (scripts/new-migration.ts); both work on a throw-away in-memory PGlite. Migrations are applied
 * by lib/db/migrate.ts, which works for the embedded database and a PostgreSQL server alike.
 */
export async function createCliAdapter() {
  const pglite = await PGlite.create({ extensions: { pg_trgm } });
  return new PrismaPGlite(pglite);
}
