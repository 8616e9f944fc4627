/**
 * Issue 14, "Export of 1,000,000 users: ≥ 50,000 rows/s with RSS growth ≤ 100 MB". Seeds up to
 * BENCH_EXPORT_USERS users (default 1,000,000; seeding stops after BENCH_EXPORT_SEED_SECONDS, default 180,
 * with the users seeded so far) with generate_series, then exports them with `exportUsers` (keyset batches,
 * CSV and NDJSON, the whole list and a membership filter), sampling the process's RSS after every chunk,
 * against hand-written baselines in the same run: `COPY (SELECT …) TO STDOUT` through psql (the server's own
 * speed) and one keyset SELECT loop over the same columns without any formatting. On the PostgreSQL server of
 * BENCH_DATABASE_URL (database BENCH_EXPORT_DATABASE, default delegate_bench_export).
 */
import { execFileSync } from "node:child_process";
import { loadActor } from "@/lib/auth/actor";
import { exportUsersSchema } from "@/lib/schemas/user-export";
import { DEMO_CONNECTION, seedDemoData } from "@/lib/seed/demo-data";
import { listUsersSchema } from "@/lib/schemas/user";
import { exportUsers } from "@/lib/users/export-users";
import { COUNT_BOUND, listUsers } from "@/lib/users/list-users";
import { encodeCursor } from "@/lib/users/list-sort";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, perSecond, ratio, table, verdict } from "./lib/format";
import { summarize } from "./lib/stats";
import { timeAlternating, timeMs } from "./lib/timing";

const TARGET = Number(process.env.BENCH_EXPORT_USERS || 1_000_000);
const SEED_SECONDS = Number(process.env.BENCH_EXPORT_SEED_SECONDS || 180);
const SEED_BATCH = 50_000;
const MB = 1024 * 1024;

export async function benchExportUsers() {
  const bench = await openFreshBenchDatabase({ database: process.env.BENCH_EXPORT_DATABASE || "delegate_bench_export", poolSize: 4 });
  const lines: string[] = [];
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 0, hooks: false });
    const connection = await prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    const seedStart = performance.now();
    let seeded = 0;
    while (seeded < TARGET && performance.now() - seedStart < SEED_SECONDS * 1000) {
      const last = Math.min(TARGET, seeded + SEED_BATCH);
      await bench.pool.query(
        `INSERT INTO users (id, connection_id, email, name, given_name, family_name, password_hash, app_metadata, user_metadata, created_at, updated_at, last_login, logins_count)
         SELECT gen_random_uuid(), $1, 'user' || lpad(i::text, 7, '0') || '@bench.example', 'Given' || (i % 97) || ' Family' || (i % 89),
           'Given' || (i % 97), 'Family' || (i % 89), '$argon2id$v=19$m=65536,t=3,p=4$YmVuY2g$benchhashbenchhash',
           jsonb_build_object('memberships', jsonb_build_array((ARRAY['Finance','IT','Sales','HR','Marketing'])[1 + i % 5])),
           jsonb_build_object('country', 'NZ'), now() - i * interval '1 second', now(),
           CASE WHEN i % 3 = 0 THEN NULL ELSE now() - i * interval '1 minute' END, i % 50
         FROM generate_series($2::int, $3::int) i`,
        [connection.id, seeded + 1, last],
      );
      seeded = last;
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    await bench.pool.query("VACUUM ANALYZE users");
    const { rows: counted } = await bench.pool.query<{ n: string }>("SELECT count(*) AS n FROM users");
    const users = Number(counted[0].n);
    lines.push(`Seeded ${seeded.toLocaleString("en")} users in ${seedSeconds.toFixed(1)} s (generate_series, ${SEED_BATCH.toLocaleString("en")} a statement); ${users.toLocaleString("en")} users in the table with the demo admins.`);

    const ian = await prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } });
    const admin = await loadActor(ian.id, "console");

    const exportRun = async (query: Record<string, unknown>) => {
      if (global.gc) global.gc();
      const rssStart = process.memoryUsage().rss;
      let peak = rssStart;
      let bytes = 0;
      let newlines = 0;
      const timed = await timeMs(async () => {
        const { chunks } = await exportUsers(admin, exportUsersSchema.parse(query));
        for await (const chunk of chunks) {
          bytes += Buffer.byteLength(chunk);
          for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) newlines += 1;
          const rss = process.memoryUsage().rss;
          if (rss > peak) peak = rss;
        }
      });
      const rows = query.format === "csv" ? newlines - 1 : newlines;
      return { rows, bytes, ms: timed.ms, growthMb: (peak - rssStart) / MB };
    };

    const columns = `u.id, u.email, u.email_verified, u.username, u.name, u.given_name, u.family_name, u.phone_number, u.phone_verified,
      u.blocked, c.name, u.created_at, u.updated_at, u.last_login, u.logins_count`;
    const copy = (where: string) =>
      timeMs(async () => {
        const sql = `\\copy (SELECT ${columns.replace(/\s+/g, " ")} FROM users u JOIN connections c ON c.id = u.connection_id ${where} ORDER BY u.email, u.id) TO '/dev/null' WITH (FORMAT csv, HEADER)`;
        execFileSync("psql", [bench.url, "-q", "-c", sql]);
      });
    const selectLoop = () =>
      timeMs(async () => {
        let after: { email: string; id: string } | null = null;
        let total = 0;
        for (;;) {
          const result: { rows: { email: string; id: string }[] } = await bench.pool.query(
            `SELECT ${columns} FROM users u JOIN connections c ON c.id = u.connection_id
             ${after ? "WHERE u.email >= $1 AND (u.email > $1 OR u.id > $2::uuid)" : ""} ORDER BY u.email, u.id LIMIT 1000`,
            after ? [after.email, after.id] : [],
          );
          total += result.rows.length;
          if (result.rows.length < 1000) return total;
          after = result.rows[result.rows.length - 1];
        }
      });

    // Warm-up: caches and the prepared statements, not measured.
    await exportRun({ format: "csv", limit: 20_000 });
    const rows: string[][] = [];
    const aims: boolean[] = [];
    const copyAll = await copy("");
    const loop = await selectLoop();
    for (const [label, query] of [
      ["CSV, whole list", { format: "csv" }],
      ["NDJSON, whole list", { format: "json" }],
      ["CSV, membership Finance", { format: "csv", membership: "Finance" }],
    ] as const) {
      const run = await exportRun(query);
      const rate = run.rows / (run.ms / 1000);
      if (!("membership" in query)) aims.push(rate >= 50_000 && run.growthMb <= 100);
      rows.push([label, run.rows.toLocaleString("en"), `${(run.ms / 1000).toFixed(2)} s`, perSecond(rate, "rows"), `${(run.bytes / MB).toFixed(0)} MB`, `${run.growthMb.toFixed(1)} MB`]);
    }
    lines.push(`Export as an Administrator, no hooks, sorted by email (exportUsers, keyset batches of 2,000):`);
    lines.push(...table(["export", "rows", "time", "rate", "size", "RSS growth (peak)"], rows));
    lines.push(
      `Baselines in the same run: COPY (SELECT … ORDER BY email, id) TO STDOUT via psql ${(copyAll.ms / 1000).toFixed(2)} s ` +
        `(${perSecond(users / (copyAll.ms / 1000), "rows")}); keyset SELECT loop without formatting (pg, 1,000 a batch) ` +
        `${(loop.ms / 1000).toFixed(2)} s (${perSecond(loop.value / (loop.ms / 1000), "rows")}).`,
    );
    const csvMs = Number(rows[0][2].replace(" s", "")) * 1000;
    lines.push(`CSV export time / COPY time: ${ratio(csvMs / copyAll.ms)}; / SELECT loop: ${ratio(csvMs / loop.ms)}.`);
    lines.push(`Aim (≥ 50,000 rows/s and RSS growth ≤ 100 MB, whole list): ${verdict(aims.every(Boolean), "≥ 50,000 rows/s, ≤ 100 MB")}`);

    // The users list at this size: listUsers (bounded count) against the same page in hand-written SQL.
    // The position after row 9,975 by name: what the pager's Next link carries past page 10 (keyset).
    const { rows: [atRow] } = await bench.pool.query<{ name: string | null; id: string }>(
      "SELECT u.name, u.id FROM users u ORDER BY u.name NULLS LAST, u.id OFFSET 9974 LIMIT 1",
    );
    const after = encodeCursor({ key: atRow.name, id: atRow.id });
    const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
    const keysetWhere =
      atRow.name === null
        ? `WHERE u.name IS NULL AND u.id > ${literal(atRow.id)}::uuid`
        : `WHERE (u.name > ${literal(atRow.name)} OR (u.name = ${literal(atRow.name)} AND u.id > ${literal(atRow.id)}::uuid) OR u.name IS NULL)`;
    const cases: [string, Record<string, unknown>, string, string, number][] = [
      ["page 1, by email", {}, "", "u.email, u.id", 0],
      ["membership Finance, page 1", { membership: "Finance" }, `WHERE user_memberships_json(u.app_metadata) @> '["Finance"]'::jsonb`, "u.email, u.id", 0],
      ["search user00042", { search: "user00042" }, "WHERE user_search_text(u.email, u.name, u.username) LIKE '%user00042%'", "u.email, u.id", 0],
      ["by name, page 40 (the last counted page)", { sort: "name", page: 40 }, "", "u.name NULLS LAST, u.id", 39 * 25],
      ["by name, page 400 (OFFSET 9,975)", { sort: "name", page: 400 }, "", "u.name NULLS LAST, u.id", 399 * 25],
      ["by name, page 400 by keyset (after)", { sort: "name", page: 400, after }, keysetWhere, "u.name NULLS LAST, u.id", 0],
      ["by created_at desc, page 1", { sort: "created_at", order: "desc" }, "", "u.created_at DESC, u.id", 0],
    ];
    const listRows: string[][] = [];
    for (const [label, query, where, order, offset] of cases) {
      const input = listUsersSchema.parse(query);
      // The count is the whole list's, also for a keyset page.
      const countWhere = query.after ? "" : where;
      const samples = await timeAlternating(
        {
          listUsers: () => listUsers(admin, input),
          sql: () =>
            Promise.all([
              bench.pool.query(`SELECT u.*, c.name AS connection FROM users u JOIN connections c ON c.id = u.connection_id ${where} ORDER BY ${order} LIMIT 25 OFFSET ${offset}`),
              bench.pool.query(`SELECT count(*) FROM (SELECT 1 FROM users u JOIN connections c ON c.id = u.connection_id ${countWhere} LIMIT ${COUNT_BOUND + 1}) t`),
            ]),
        },
        { warmup: 3, iterations: 20 },
      );
      const domain = summarize(samples.listUsers.wall);
      const sql = summarize(samples.sql.wall);
      listRows.push([label, ms(domain.p50), ms(domain.p95), ms(sql.p95), ratio(domain.p95 / sql.p95)]);
    }
    lines.push(`Users list at ${users.toLocaleString("en")} users (20 calls each, alternating; hand-written SQL: the page's rows and the bounded count, in parallel):`);
    lines.push(...table(["page", "listUsers p50", "listUsers p95", "SQL p95", "p95 ratio"], listRows));
  } finally {
    await bench.close();
  }
  return { name: "Users export (issue 14)", lines };
}
