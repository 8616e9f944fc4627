/**
 * Issue 2, "Speed": listing/searching 100,000 users, and creating users at concurrency 8, each
 * measured against a hand-written baseline in the same run on the PostgreSQL server at BENCH_DATABASE_URL.
 */
import crypto from "node:crypto";
import type pg from "pg";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { DEMO_CONNECTION, DEMO_DEPARTMENTS, seedDemoData } from "@/lib/seed/demo-data";
import { createUserSchema, listUsersSchema, type ListUsersInput } from "@/lib/schemas/user";
import { createUser } from "@/lib/users/create-user";
import { listUsers } from "@/lib/users/list-users";
import { openFreshBenchDatabase, serverVersion, type BenchDatabase } from "./lib/db";
import { ms, perSecond, ratio, table, verdict } from "./lib/format";
import { rate, summarize } from "./lib/stats";
import { processCpuMs, runConcurrently, timeAlternating, timeMs } from "./lib/timing";

const USERS = 100_000;
const LIST_WARMUP = 20;
const CREATE_CONCURRENCY = 8;
const CREATE_PER_ROUND = 40;
const PASSWORD = "Bench-password-1!";

// About a third of the family names (and a few given names) contain "son", the search term below.
const GIVEN_NAMES = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Mara", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Alison", "Jason", "Mason", "Madison", "Yuki", "Zoe", "Omar", "Lena", "Marco", "Priya"];
const FAMILY_NAMES = ["Adams", "Baker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen", "Johnson", "Anderson", "Wilson", "Thompson", "Jackson", "Nelson", "Robinson", "Kowalski", "Nguyen", "Okafor", "Silva", "Rossi", "Novak", "Müller", "Larsen", "Petrov", "Tanaka", "Moreau", "Carlsson", "Murphy"];
const DOMAINS = ["example.com", "example.org", "example.net", "corp.example", "mail.example"];

const LIST_INPUT: ListUsersInput = listUsersSchema.parse({
  search: "son",
  membership: "Finance",
  sort: "name",
  order: "asc",
  per_page: 25,
  page: 3,
});

const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;

/**
 * 100,000 users in one INSERT … SELECT over generate_series: realistic names and emails, a username for
 * half of them, one department each (every tenth user a second one) in app_metadata.memberships, one
 * shared precomputed argon2id hash.
 */
async function seedUsers(pool: pg.Pool, connectionId: string): Promise<void> {
  const passwordHash = await hashPassword(crypto.randomBytes(18).toString("base64url"));
  await pool.query(
    `WITH names AS (
       SELECT g,
              (${sqlArray(GIVEN_NAMES)})[1 + g % ${GIVEN_NAMES.length}] AS given,
              (${sqlArray(FAMILY_NAMES)})[1 + (g / ${GIVEN_NAMES.length}) % ${FAMILY_NAMES.length}] AS family,
              (${sqlArray(DEMO_DEPARTMENTS)})[1 + g % ${DEMO_DEPARTMENTS.length}] AS dept,
              (${sqlArray(DEMO_DEPARTMENTS)})[1 + (g / 10 + 2) % ${DEMO_DEPARTMENTS.length}] AS second_dept,
              timestamp '2024-01-01' + g * interval '7 minutes' AS created
         FROM generate_series(1, $1::int) AS g
     )
     INSERT INTO users (id, connection_id, email, email_verified, username, password_hash, name, given_name,
                        family_name, user_metadata, app_metadata, created_at, updated_at, last_login, logins_count)
     SELECT gen_random_uuid(), $2,
            lower(given || '.' || family || g || '@' || (${sqlArray(DOMAINS)})[1 + g % ${DOMAINS.length}]),
            g % 3 <> 0,
            CASE WHEN g % 2 = 0 THEN lower(left(given, 1) || family || g) END,
            $3, given || ' ' || family, given, family,
            jsonb_build_object('title', (ARRAY['Analyst','Engineer','Manager','Director'])[1 + g % 4]),
            jsonb_build_object('memberships',
              CASE WHEN g % 10 = 0 AND second_dept <> dept THEN jsonb_build_array(dept, second_dept)
                   ELSE jsonb_build_array(dept) END),
            created, created,
            CASE WHEN g % 4 <> 0 THEN created + (g % 90) * interval '1 day' END,
            CASE WHEN g % 4 <> 0 THEN 1 + g % 50 ELSE 0 END
       FROM names`,
    [USERS, connectionId, passwordHash],
  );
  // VACUUM too: a table this size in production has been vacuumed, which empties the GIN indexes'
  // pending lists that a bulk insert fills (scanning them would slow every search).
  await pool.query("VACUUM ANALYZE users");
}

const escapeLike = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The list query written by hand: the page rows (every column but password_hash) and the count. */
async function handWrittenList(pool: pg.Pool, input: ListUsersInput) {
  const where = `WHERE user_search_text(u.email, u.name, u.username) LIKE $1
                   AND user_memberships_json(u.app_metadata) @> $2::jsonb`;
  const params = [`%${escapeLike(input.search!.toLowerCase())}%`, JSON.stringify([input.membership])];
  const [page, count] = await Promise.all([
    pool.query(
      `SELECT u.id, u.email, u.email_verified, u.username, u.name, u.given_name, u.family_name, u.phone_number,
              u.phone_verified, u.user_metadata, u.app_metadata, u.blocked, u.created_at, u.updated_at,
              u.last_login, u.logins_count, c.id AS connection_id, c.name AS connection
         FROM users u JOIN connections c ON c.id = u.connection_id
         ${where}
        ORDER BY u.name ASC NULLS LAST, u.id
        LIMIT $3 OFFSET $4`,
      [...params, input.per_page, (input.page - 1) * input.per_page],
    ),
    pool.query<{ total: string }>(
      `SELECT count(*) AS total FROM users u JOIN connections c ON c.id = u.connection_id ${where}`,
      params,
    ),
  ]);
  return { ids: page.rows.map((row: { id: string }) => row.id), total: Number(count.rows[0].total) };
}

interface Admins {
  /** ian@example.com, Administrator in IT: the demo hooks let him see and manage everyone. */
  ian: Actor;
  /** kelly@example.com, User admin in Finance: the demo Filter Hook restricts her to Finance. */
  kelly: Actor;
}

async function loadAdmins(bench: BenchDatabase): Promise<Admins> {
  const load = async (email: string) => {
    const row = await bench.db.prisma.user.findFirstOrThrow({ where: { email } });
    return loadActor(row.id, "system", { ipAddress: "127.0.0.1", userAgent: "bench" });
  };
  return { ian: await load("ian@example.com"), kelly: await load("kelly@example.com") };
}

async function benchList(bench: BenchDatabase, actor: Actor, iterations: number): Promise<string[]> {
  const domain = await listUsers(actor, LIST_INPUT);
  const hand = await handWrittenList(bench.pool, LIST_INPUT);
  const sameRows = domain.total === hand.total && domain.users.map((u) => u.user_id).join() === hand.ids.join();
  if (!sameRows) throw new Error("listUsers and the hand-written query disagree on the page: the comparison would be meaningless.");

  const samples = await timeAlternating(
    { domain: () => listUsers(actor, LIST_INPUT), hand: () => handWrittenList(bench.pool, LIST_INPUT) },
    { warmup: LIST_WARMUP, iterations },
  );
  const d = summarize(samples.domain.wall);
  const h = summarize(samples.hand.wall);
  const dCpu = summarize(samples.domain.cpu).mean;
  const hCpu = summarize(samples.hand.cpu).mean;
  return [
    `as ${actor.email}: search "${LIST_INPUT.search}", membership "${LIST_INPUT.membership}", sort ${LIST_INPUT.sort} ${LIST_INPUT.order}, ` +
      `per_page ${LIST_INPUT.per_page}, page ${LIST_INPUT.page} → ${domain.total} matching users, ${domain.users.length} on the page`,
    `${iterations} iterations each after ${LIST_WARMUP} warm-up, alternating, one call at a time`,
    ...table(
      ["", "p50", "p95", "mean", "max", "node CPU/call"],
      [
        ["listUsers (domain)", ms(d.p50), ms(d.p95), ms(d.mean), ms(d.max), ms(dCpu)],
        ["hand-written SQL (pg)", ms(h.p50), ms(h.p95), ms(h.mean), ms(h.max), ms(hCpu)],
        ["ratio domain/hand", ratio(d.p50 / h.p50), ratio(d.p95 / h.p95), ratio(d.mean / h.mean), "", ratio(dCpu / hCpu)],
      ],
    ),
    `p95 ≤ 50 ms: ${verdict(d.p95 <= 50, "p95 ≤ 50 ms")}`,
    `p95 ≤ 2× hand-written: ${verdict(d.p95 <= 2 * h.p95, "≤ 2.00×")}`,
  ];
}

async function benchCreate(bench: BenchDatabase, actor: Actor, connectionId: string, rounds: number): Promise<string[]> {
  const runId = crypto.randomBytes(4).toString("hex");
  let seq = 0;
  const nextEmail = (kind: string) => `bench-${kind}-${runId}-${seq++}@example.com`;

  const domainCreate = async () => {
    const input = createUserSchema.parse({
      email: nextEmail("domain"),
      password: PASSWORD,
      connection: DEMO_CONNECTION,
      memberships: ["Finance"],
      name: "Bench Domain",
    });
    await createUser(actor, input);
  };
  const baselineCreate = async () => {
    const passwordHash = await hashPassword(PASSWORD);
    await bench.pool.query(
      `INSERT INTO users (id, connection_id, email, password_hash, name, app_metadata, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now())`,
      [connectionId, nextEmail("baseline"), passwordHash, "Bench Baseline", { memberships: ["Finance"] }],
    );
  };

  // Warm both paths (argon2 thread pool, Prisma's query compiler, pg connections).
  await runConcurrently(CREATE_CONCURRENCY, CREATE_CONCURRENCY, domainCreate);
  await runConcurrently(CREATE_CONCURRENCY, CREATE_CONCURRENCY, baselineCreate);

  const elapsed = { domain: 0, baseline: 0 };
  const cpu = { domain: 0, baseline: 0 };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["baseline", "domain"] as const) : (["domain", "baseline"] as const);
    for (const kind of order) {
      const cpuBefore = processCpuMs();
      elapsed[kind] += await runConcurrently(CREATE_PER_ROUND, CREATE_CONCURRENCY, kind === "domain" ? domainCreate : baselineCreate);
      cpu[kind] += processCpuMs() - cpuBefore;
    }
  }
  const count = rounds * CREATE_PER_ROUND;
  const domainRate = rate(count, elapsed.domain);
  const baselineRate = rate(count, elapsed.baseline);
  return [
    `as ${actor.email}: ${count} users per contender (${rounds} alternating rounds of ${CREATE_PER_ROUND}) at concurrency ${CREATE_CONCURRENCY}, after warm-up`,
    ...table(
      ["", "throughput", "mean latency", "node CPU/user"],
      [
        ["createUser (domain)", perSecond(domainRate, "users"), ms((elapsed.domain / count) * CREATE_CONCURRENCY), ms(cpu.domain / count)],
        ["baseline (hashPassword + one INSERT)", perSecond(baselineRate, "users"), ms((elapsed.baseline / count) * CREATE_CONCURRENCY), ms(cpu.baseline / count)],
        ["ratio domain/baseline", ratio(domainRate / baselineRate), "", ratio(cpu.domain / cpu.baseline)],
      ],
    ),
    `throughput ≥ 0.8× baseline: ${verdict(domainRate >= 0.8 * baselineRate, "≥ 0.80×")}`,
  ];
}

export async function benchUsers(): Promise<{ name: string; lines: string[] }> {
  const bench = await openFreshBenchDatabase({ poolSize: 10 });
  try {
    // Issue 2's figures are for the console without hooks (their built-in behaviour); the demo
    // hooks of issue 3 are measured after, as a second phase.
    await seedDemoData(bench.db.prisma, { users: 0, hooks: false });
    const connection = await bench.db.prisma.connection.findUniqueOrThrow({ where: { name: DEMO_CONNECTION } });
    const admins = await loadAdmins(bench);

    const seeded = await timeMs(() => seedUsers(bench.pool, connection.id));
    const lines = [
      `database: ${bench.url.replace(/\/\/[^@]*@/, "//")} (PostgreSQL ${await serverVersion(bench.pool)})`,
      `seeded ${USERS.toLocaleString("en")} users in ${(seeded.ms / 1000).toFixed(1)} s (plus 4 admins), then VACUUM ANALYZE`,
      "",
      "### 1. List/search: listUsers vs the same query by hand (no hooks)",
      ...(await benchList(bench, admins.ian, 200)),
      "",
      "### 2. Create user: createUser (parse, hash, insert, audit) vs hashPassword + one INSERT (no hooks)",
      ...(await benchCreate(bench, admins.ian, connection.id, 3)),
    ];

    await seedDemoData(bench.db.prisma, { users: 0, hooks: true });
    lines.push(
      "",
      "### 3. The same with the demo hooks installed (issue 3: Filter, Access, Memberships and Write Hooks)",
      ...(await benchList(bench, admins.kelly, 100)),
      "",
      ...(await benchCreate(bench, admins.kelly, connection.id, 2)),
    );
    return { name: "Users: list/search 100k users, create at concurrency 8", lines };
  } finally {
    await bench.close();
  }
}
