import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { lockDataDir } from "./data-dir-lock";
import { preparedStatementName } from "./prepared";

export type DatabaseTarget =
  | { kind: "server"; url: string; poolSize?: number }
  | { kind: "embedded"; dataDir: string }
  | { kind: "memory" };

/** Raw SQL on one connection: statements without parameters, and the rows of a single query. */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T>(sql: string): Promise<T[]>;
}

/** A Prisma client plus raw multi-statement SQL on the same database (for migrations). */
export interface Database {
  kind: DatabaseTarget["kind"];
  prisma: PrismaClient;
  /**
   * Runs one parameterised statement (a `Prisma.sql` template) without Prisma's query engine, which
   * costs several times the CPU of the statement itself on the hot paths. On a server it is prepared
   * once per connection; on PGlite it waits for any open Prisma transaction, like every query there.
   * Errors are PostgreSQL's own (`code`, `constraint`): map them with `mapPrismaError`.
   */
  query<T>(statement: Prisma.Sql): Promise<T[]>;
  /** Runs one or more SQL statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs `work` on one dedicated connection (session-level locks and transactions hold across calls). */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "server") {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      kind: "server",
      prisma,
      query: async <T>(statement: Prisma.Sql) => {
        const result = await pool.query({ name: preparedStatementName(statement.text), text: statement.text, values: statement.values });
        return result.rows as T[];
      },
      exec: async (sql) => {
        await pool.query(sql);
      },
      withSession: async (work) => {
        const client = await pool.connect();
        try {
          return await work({
            exec: async (sql) => {
              await client.query(sql);
            },
            query: async <T>(sql: string) => (await client.query(sql)).rows as T[],
          });
        } finally {
          client.release();
        }
      },
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const release = target.kind === "embedded" ? lockDataDir(target.dataDir) : () => {};
  try {
    const dataDir = target.kind === "embedded" ? path.join(target.dataDir, "pglite") : undefined;
    const pglite = await PGlite.create({ dataDir, extensions: { pg_trgm } });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      kind: target.kind,
      prisma,
      query: async <T>(statement: Prisma.Sql) => (await pglite.query<T>(statement.text, statement.values)).rows,
      exec: async (sql) => {
        await pglite.exec(sql);
      },
      withSession: (work) =>
        work({
          exec: async (sql) => {
            await pglite.exec(sql);
          },
          query: async <T>(sql: string) => (await pglite.query<T>(sql)).rows,
        }),
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
