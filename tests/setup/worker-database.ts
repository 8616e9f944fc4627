import { inject } from "vitest";
import pg from "pg";
import { withDatabaseName } from "./private-databases";

/**
 * Runs in each worker before each test file: points TEST_DATABASE_URL at this worker's private database
 * (created on first use, dropped by the global teardown in tests/setup/private-databases.ts). The server's
 * own database named in the original URL is only used to create it.
 */
const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? process.env.TEST_DATABASE_URL;
if (serverUrl) {
  const prefix = inject("testDatabasePrefix");
  if (!prefix) throw new Error("TEST_DATABASE_URL is set but the global setup gave no private database name.");
  const name = `${prefix}_w${process.env.VITEST_POOL_ID ?? "0"}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  process.env.TEST_DATABASE_SERVER_URL = serverUrl;
  process.env.TEST_DATABASE_URL = withDatabaseName(serverUrl, name);
}
