/**
 * Issue 14, "Import of 10,000 rows with plain passwords and the demo hooks: ≥ 0.8× the rate of argon2id hashing
 * alone in the same run; with imported bcrypt hashes (no hashing): ≥ 2,000 rows/s". Imports BENCH_IMPORT_ROWS
 * rows (default 10,000) as Ian (IT: the seed's Write Hook lets him create in every department) through the job
 * (`createUsersImportJob`, then the runner's `runNextJob`: every row a console create with the demo Settings,
 * Write and Memberships Query Hooks, audit, events and its job_rows record), once with plain passwords and once
 * with an Auth0 bcrypt `custom_password_hash`; the baseline is `hashPassword` (argon2id) alone over as many
 * passwords as the plain import, with the import's concurrency, half just before the import and half just after
 * it (the machine is shared: bracketing the import keeps a change of load from favouring either side). On the
 * PostgreSQL server of BENCH_DATABASE_URL (database BENCH_IMPORT_DATABASE, default delegate_bench_import).
 */
import { loadActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { getJob } from "@/lib/jobs/jobs";
import { runNextJob } from "@/lib/jobs/runner";
import { IMPORT_ROW_CONCURRENCY, createUsersImportJob } from "@/lib/jobs/users-import-job";
import { usersImportJobSchema } from "@/lib/schemas/user-import";
import { DEMO_CONNECTION, seedDemoData } from "@/lib/seed/demo-data";
import { openFreshBenchDatabase } from "./lib/db";
import { perSecond, ratio, table, verdict } from "./lib/format";
import { timeMs } from "./lib/timing";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS || 10_000);
const DEPARTMENTS = ["Finance", "HR", "IT", "Marketing", "Sales"];
// bcrypt (cost 10) of "Old-Auth0-pass-1", made with htpasswd -B.
const BCRYPT = "$2b$10$2LKET6BpMwjHS05mk/jJJuxfYVdkoGgtcBisUaR6s9zM1ac.NZzsO";

export async function benchImportUsers() {
  const bench = await openFreshBenchDatabase({ database: process.env.BENCH_IMPORT_DATABASE || "delegate_bench_import", poolSize: 8 });
  const lines: string[] = [];
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 0, hooks: true });
    const connection = await prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    const ian = await loadActor((await prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } })).id, "api");

    const runImport = async (label: string, file: string, name: string) => {
      const job = await createUsersImportJob(ian, usersImportJobSchema.parse({ connection_id: connection.id }), new File([file], name));
      const timed = await timeMs(async () => {
        while (await runNextJob()) {
          // the one job queued
        }
      });
      const done = (await getJob(ian, job.id)) as unknown as { status: string; summary: { inserted: number; failed: number } };
      if (done.status !== "completed" || done.summary.inserted !== ROWS) throw new Error(`${label}: ${JSON.stringify(done)}`);
      return ROWS / (timed.ms / 1000);
    };

    // Warm-up: the hook threads, the prepared statements, the first argon2 allocation.
    await runImport("warm-up", `email,password,memberships\r\n${["a", "b", "c"].map((x) => `warm-${x}@bench.example,Bench-pass-1!,IT`).join("\r\n")}\r\n`, "warm.csv").catch(() => 0);

    const passwords = Array.from({ length: ROWS }, (_, i) => `Bench-pass-${i}!`);
    const hashAlone = async (list: string[]) => {
      let next = 0;
      const timed = await timeMs(() =>
        Promise.all(
          Array.from({ length: IMPORT_ROW_CONCURRENCY }, async () => {
            while (next < list.length) await hashPassword(list[next++]);
          }),
        ),
      );
      return timed.ms;
    };
    const half = Math.floor(ROWS / 2);
    const hashBefore = await hashAlone(passwords.slice(0, half));
    const csv = `email,password,memberships\r\n${passwords.map((password, i) => `plain${i}@bench.example,${password},${DEPARTMENTS[i % 5]}`).join("\r\n")}\r\n`;
    const plainRate = await runImport("plain passwords", csv, "plain.csv");
    const hashAfter = await hashAlone(passwords.slice(half));
    const hashRate = ROWS / ((hashBefore + hashAfter) / 1000);

    const ndjson = Array.from({ length: ROWS }, (_, i) =>
      JSON.stringify({
        user_id: `auth0|bench${i}`,
        email: `hashed${i}@bench.example`,
        email_verified: true,
        app_metadata: { memberships: [DEPARTMENTS[i % 5]] },
        custom_password_hash: { algorithm: "bcrypt", hash: { value: BCRYPT, encoding: "utf8" } },
      }),
    ).join("\n");
    const bcryptRate = await runImport("bcrypt hashes", ndjson, "auth0-export.json");

    lines.push(
      `${ROWS.toLocaleString("en")} rows each, ${IMPORT_ROW_CONCURRENCY} rows (and hashes) at a time, demo hooks (Settings Query, Write, Memberships Query), PostgreSQL.`,
      ...table(
        ["run", "rate", "aim"],
        [
          [
            "argon2id hashing alone",
            perSecond(hashRate, "hashes"),
            `baseline (before: ${perSecond(half / (hashBefore / 1000), "hashes")}, after: ${perSecond((ROWS - half) / (hashAfter / 1000), "hashes")})`,
          ],
          ["import, plain passwords", perSecond(plainRate, "rows"), `${ratio(plainRate / hashRate)} of hashing: ${verdict(plainRate >= 0.8 * hashRate, "≥ 0.80×")}`],
          ["import, bcrypt hashes", perSecond(bcryptRate, "rows"), verdict(bcryptRate >= 2_000, "≥ 2,000 rows/s")],
        ],
      ),
    );
  } finally {
    await bench.close();
  }
  return { name: "Users import (issue 14)", lines };
}
