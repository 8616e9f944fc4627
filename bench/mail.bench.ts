/**
 * Issue 11, "Speed": an invitation batch of 1,000 users through the API route (concurrency 8) against
 * creating the same users with a password minus the hash, and the drain of the queued mails to a
 * local SMTP server (smtp-server on 127.0.0.1) by the delivery worker. On the PostgreSQL server of
 * BENCH_DATABASE_URL (database BENCH_MAIL_DATABASE, default delegate_bench_mail).
 */
import * as usersRoute from "@/app/api/v2/users/route";
import { loadActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { resetConfigForTests } from "@/lib/config";
import { startDeliveryWorker } from "@/lib/delivery/worker";
import { closeMailTransport } from "@/lib/mail/transport";
import { DEMO_CONNECTION, seedDemoData } from "@/lib/seed/demo-data";
import { createApiToken } from "@/lib/tokens/api-tokens";
import { startSmtpReceiver } from "../tests/mail/support/smtp-receiver";
import { openFreshBenchDatabase } from "./lib/db";
import { perSecond, ratio, table, verdict } from "./lib/format";
import { runConcurrently } from "./lib/timing";

const BATCH = 1_000;
const CONCURRENCY = 8;

async function post(token: string, body: unknown): Promise<void> {
  const response = await usersRoute.POST(
    new Request("http://127.0.0.1/api/v2/users", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-forwarded-for": "127.0.0.1" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
  if (response.status !== 201) throw new Error(`POST /api/v2/users answered ${response.status}: ${await response.text()}`);
}

export async function benchMail() {
  delete process.env.SMTP_URL;
  const bench = await openFreshBenchDatabase({ database: process.env.BENCH_MAIL_DATABASE || "delegate_bench_mail", poolSize: 12 });
  const lines: string[] = [];
  try {
    await seedDemoData(bench.db.prisma, { users: 0, hooks: false });
    const ian = await bench.db.prisma.user.findFirstOrThrow({ where: { email: "ian@example.com" } });
    const { token } = await createApiToken(await loadActor(ian.id, "console"), { name: "bench" });
    const user = (label: string, i: number) => ({ email: `${label}-${i}@bench.example`, connection: DEMO_CONNECTION, memberships: ["Finance"] });

    // Warm-up (JIT, connections, caches), not measured.
    await runConcurrently(40, CONCURRENCY, (i) => post(token, { ...user("warm-pw", i), password: "Bench-password-1!" }));
    await runConcurrently(40, CONCURRENCY, (i) => post(token, { ...user("warm-inv", i), send_invitation: true }));

    const rows: string[][] = [];
    for (let round = 1; round <= 2; round++) {
      const withPassword = await runConcurrently(BATCH, CONCURRENCY, (i) => post(token, { ...user(`pw${round}`, i), password: "Bench-password-1!" }));
      const hashes = await runConcurrently(BATCH, CONCURRENCY, () => hashPassword("Bench-password-1!"));
      const invitations = await runConcurrently(BATCH, CONCURRENCY, (i) => post(token, { ...user(`inv${round}`, i), send_invitation: true }));
      const baselineRate = BATCH / ((withPassword - hashes) / 1000);
      const inviteRate = BATCH / (invitations / 1000);
      rows.push([
        String(round),
        perSecond(BATCH / (withPassword / 1000), "users"),
        `${(hashes / 1000).toFixed(2)} s`,
        perSecond(baselineRate, "users"),
        perSecond(inviteRate, "invitations"),
        `${ratio(inviteRate / baselineRate)} ${verdict(inviteRate / baselineRate >= 0.8, "≥ 0.8×")}`,
      ]);
    }
    lines.push(`Invitation batch of ${BATCH} (POST /api/v2/users route handler in-process, concurrency ${CONCURRENCY}, no hooks):`);
    lines.push(...table(["round", "with password", "1,000 hashes (c=8)", "with password minus hash", "invitations", "ratio"], rows));

    // Drain: every invitation mail queued above (2 × 1,000 + warm-up), sent by one worker to a local SMTP server.
    const queued = await bench.db.prisma.mailMessage.count();
    const smtp = await startSmtpReceiver();
    process.env.SMTP_URL = smtp.url;
    resetConfigForTests();
    const started = performance.now();
    const worker = startDeliveryWorker({ prisma: bench.db.prisma, databaseUrl: bench.url, logger: { info: () => {}, warn: console.warn, error: console.error } });
    await smtp.waitFor(() => smtp.mails.length >= queued, 300_000);
    const drainMs = performance.now() - started;
    await worker.stop();
    closeMailTransport();
    await smtp.close();
    const drainRate = queued / (drainMs / 1000);
    lines.push(
      `Drain of ${queued} queued mails to smtp-server on 127.0.0.1 (one worker, pooled SMTP, 5 connections): ${(drainMs / 1000).toFixed(2)} s, ` +
        `${perSecond(drainRate, "mails")} ${verdict(drainRate >= 200, "≥ 200 mails/s")}`,
    );
  } finally {
    delete process.env.SMTP_URL;
    await bench.close();
  }
  return { name: "Invitations and mail drain (issue 11)", lines };
}
