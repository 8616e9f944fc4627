import { memoize } from "@/lib/cache/memo";
import { getPrisma } from "@/lib/db/client";
import { fieldError } from "@/lib/errors";

export const DATABASE_STRATEGY = "auth0";

export async function listConnections(options: { databaseOnly?: boolean } = {}) {
  const prisma = await getPrisma();
  return prisma.connection.findMany({
    where: options.databaseOnly ? { strategy: DATABASE_STRATEGY, enabled: true } : {},
    orderBy: { name: "asc" },
  });
}

const connectionsByName = memoize(5_000, async () => {
  const prisma = await getPrisma();
  return new Map((await prisma.connection.findMany()).map((connection) => [connection.name, connection]));
});

/** The connection a user is created in: it must exist, be enabled and be a database connection. */
export async function findDatabaseConnection(name: string) {
  const connection = (await connectionsByName.get()).get(name);
  if (!connection) throw fieldError("connection", `There is no connection named "${name}".`);
  if (connection.strategy !== DATABASE_STRATEGY) {
    throw fieldError("connection", `Users can only be created in database connections; "${name}" is not one.`);
  }
  if (!connection.enabled) throw fieldError("connection", `The connection "${name}" is disabled.`);
  return connection;
}
