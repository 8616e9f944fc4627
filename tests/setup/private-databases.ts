import crypto from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";

/**
 * Vitest global setup: when TEST_DATABASE_URL is set, this run gets its own name prefix on that server
 * (`<database>_t<random>`), each worker creates `<prefix>_w<pool id>` from it (tests/setup/worker-database.ts),
 * and the teardown drops every database with this run's prefix. A second run on the same server, or a
 * mutation-testing run beside `npm test`, never sees or drops this run's data.
 */
declare module "vitest" {
  export interface ProvidedContext {
    testDatabasePrefix: string;
  }
}

/** The server's URL with another database name. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || "postgres";
}

/** Drops every database whose name starts with `prefix` (connections to them are ended first). */
export async function dropDatabasesWithPrefix(serverUrl: string, prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

export default function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  // PostgreSQL names are at most 63 bytes: the base name is cut so that the suffixes always fit.
  const prefix = `${databaseNameOf(url).slice(0, 40)}_t${crypto.randomBytes(5).toString("hex")}`;
  project.provide("testDatabasePrefix", prefix);
  return async () => {
    await dropDatabasesWithPrefix(url, prefix);
  };
}
