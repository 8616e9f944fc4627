/**
 * Issue 13's "Impact preview of a Filter Hook change for 50 admins over 100,000 users: ≤ 10 s, and ≤ 2×
 * the time of running the 50 admins' list counts by hand in SQL in the same run". The demo Filter Hook
 * (an admin sees their department's users) changed so that every department admin also sees IT. 50
 * departments of 2,000 users each and 50 admins (the 4 demo admins and 46 department admins): every admin
 * has a condition of their own, so the preview shares no count between admins (its worst case).
 * The baseline counts each admin's list with the deployed and with the draft rule, by hand (`count(*)`
 * over the same GIN index), one query at a time: 100 counts.
 *
 * `flock /tmp/bench.lock npm run bench -- impact`
 */
import type pg from "pg";
import { previewImpact } from "@/lib/access/impact-preview";
import { loadActor } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/roles";
import { DEMO_FILTER_HOOK } from "@/lib/hooks/demo-hooks";
import { DEMO_ADMINS, DEMO_DEPARTMENTS, seedDemoData } from "@/lib/seed/demo-data";
import { openFreshBenchDatabase } from "./lib/db";
import { ms, ratio, table, verdict } from "./lib/format";
import { loadLine } from "./lib/machine";
import { timeMs } from "./lib/timing";

const USERS = 100_000;
const DEPARTMENTS = [...DEMO_DEPARTMENTS, ...Array.from({ length: 45 }, (_, i) => `Dept ${String(i + 6).padStart(2, "0")}`)];
const ROUNDS = Number(process.env.BENCH_IMPACT_ROUNDS ?? 3);
const AIM_SECONDS = 10;
const AIM_RATIO = 2;

const DRAFT = DEMO_FILTER_HOOK.replace(
  "return callback(null, { field: 'memberships', equals: department });",
  "return callback(null, { field: 'memberships', in: [department, 'IT'] });",
);

async function seed(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ id: string }>("SELECT id FROM connections WHERE name = 'Username-Password-Authentication'");
  await pool.query(
    `INSERT INTO users (id, connection_id, email, email_verified, name, app_metadata, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'user' || g || '@bench.example', true, 'User ' || g,
            jsonb_build_object('department', ($2::text[])[1 + g % 50], 'memberships', jsonb_build_array(($2::text[])[1 + g % 50])),
            now(), now()
       FROM generate_series(1, $3::int) AS g`,
    [rows[0].id, DEPARTMENTS, USERS],
  );
  // The 46 department admins beside the demo's four: one for each department that has no demo admin.
  const demoDepartments = new Set<string | null>(DEMO_ADMINS.map((admin) => admin.department));
  const others = DEPARTMENTS.filter((department) => !demoDepartments.has(department)).slice(0, 46);
  await pool.query(
    `INSERT INTO users (id, connection_id, email, email_verified, name, app_metadata, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'admin' || i || '@bench.example', true, 'Admin ' || d,
            jsonb_build_object('roles', jsonb_build_array($3::text), 'department', d, 'memberships', jsonb_build_array(d)), now(), now()
       FROM unnest($2::text[]) WITH ORDINALITY AS t(d, i)`,
    [rows[0].id, others, ROLES.user],
  );
  await pool.query("VACUUM ANALYZE users");
}

/** What an engineer would run to compare the lists: each admin's count with the deployed rule and with the draft. */
async function countsByHand(pool: pg.Pool, admins: { department: string | null; everyone: boolean }[]): Promise<number[]> {
  const totals: number[] = [];
  for (const admin of admins) {
    if (admin.everyone) {
      for (let i = 0; i < 2; i++) totals.push(Number((await pool.query("SELECT count(*) AS n FROM users")).rows[0].n));
      continue;
    }
    const before = await pool.query("SELECT count(*) AS n FROM users WHERE user_memberships_json(app_metadata) @> $1::jsonb", [
      JSON.stringify([admin.department]),
    ]);
    const after = await pool.query("SELECT count(*) AS n FROM users WHERE user_memberships_json(app_metadata) ?| $1::text[]", [
      [admin.department, "IT"],
    ]);
    totals.push(Number(before.rows[0].n), Number(after.rows[0].n));
  }
  return totals;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchImpactPreview(): Promise<{ name: string; lines: string[] }> {
  const bench = await openFreshBenchDatabase({ database: "delegate_bench_impact" });
  try {
    const prisma = bench.db.prisma;
    await seedDemoData(prisma, { users: 0, hooks: true });
    await seed(bench.pool);
    const ian = await loadActor((await prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } })).id, "system");
    const adminRows = await bench.pool.query<{ department: string | null; roles: string[] }>(
      "SELECT app_metadata->>'department' AS department, ARRAY(SELECT jsonb_array_elements_text(app_metadata->'roles')) AS roles FROM users WHERE app_metadata ? 'roles'",
    );
    const admins = adminRows.rows.map((row) => ({ department: row.department, everyone: row.department === "IT" || row.roles.includes(ROLES.auditor) }));

    const load = loadLine("before");
    // Warm-up: the hook threads and the plans.
    await previewImpact(ian, { kind: "filter", code: DRAFT, admins: [ian.id] });
    await countsByHand(bench.pool, admins.slice(0, 2));
    const byHand: number[] = [];
    const preview: number[] = [];
    let last: Awaited<ReturnType<typeof previewImpact>> | null = null;
    for (let round = 0; round < ROUNDS; round++) {
      byHand.push((await timeMs(() => countsByHand(bench.pool, admins))).ms);
      const timed = await timeMs(() => previewImpact(ian, { kind: "filter", code: DRAFT, time_limit_ms: 60_000 }));
      preview.push(timed.ms);
      last = timed.value;
    }
    const kelly = last!.admins.find((row) => row.admin.email === "kelly@example.com")!;
    const seconds = median(preview) / 1000;
    const relative = median(preview) / median(byHand);
    return {
      name: `Impact preview of a Filter Hook change: ${last!.admins_done} admins over ${USERS.toLocaleString("en")} users (PostgreSQL server)`,
      lines: [
        load,
        ...table(
          ["contender", "rounds", "median", "each round"],
          [
            ["list counts by hand (100 counts)", String(ROUNDS), ms(median(byHand)), byHand.map((v) => v.toFixed(0)).join(", ")],
            ["previewImpact (all admins)", String(ROUNDS), ms(median(preview)), preview.map((v) => v.toFixed(0)).join(", ")],
          ],
        ),
        "",
        `Kelly: ${kelly.summary}; partial: ${last!.partial}`,
        `preview ${seconds.toFixed(2)} s ${verdict(seconds <= AIM_SECONDS, `≤ ${AIM_SECONDS} s`)}`,
        `preview / by hand ${ratio(relative)} ${verdict(relative <= AIM_RATIO, `≤ ${AIM_RATIO}×`)}`,
        loadLine("after"),
      ],
    };
  } finally {
    await bench.close();
  }
}
