import { getDatabase } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

/** Failures one client address may have over any emails (known or not) per window. */
export const MAX_FAILURES_PER_IP = 30;
export const IP_WINDOW_S = 15 * 60;
/** Failures for one email from one address before each further attempt must wait. */
export const FREE_FAILURES_PER_EMAIL_IP = 5;
/** The first wait; each further failure doubles it, up to the longest. */
export const FIRST_DELAY_S = 60;
export const LONGEST_DELAY_S = 15 * 60;
/** An email+address counter starts again after this long without an attempt. */
export const FAILURE_MEMORY_S = 60 * 60;

export const ipKey = (ipAddress: string) => `ip:${ipAddress}`;
export const emailIpKey = (email: string, ipAddress: string) => `email-ip:${email} ${ipAddress}`;

/**
 * Counts the attempt against the address's window, in one statement. The row lock of the upsert
 * orders concurrent attempts: once the window is full, none of them is counted (no row comes back).
 */
function countForAddress(key: string): Prisma.Sql {
  const expired = Prisma.sql`t.window_start <= now() - make_interval(secs => ${IP_WINDOW_S})`;
  return Prisma.sql`
    INSERT INTO sign_in_throttles AS t (key, failures, window_start, not_before, updated_at)
    VALUES (${key}, 1, now(), NULL, now())
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN ${expired} THEN 1 ELSE t.failures + 1 END,
      window_start = CASE WHEN ${expired} THEN now() ELSE t.window_start END,
      updated_at = now()
    WHERE ${expired} OR t.failures < ${MAX_FAILURES_PER_IP}
    RETURNING failures`;
}

/**
 * Counts the attempt for one email from one address, in one statement: refused (no row) while the
 * previous failure's wait runs; from the FREE_FAILURES_PER_EMAIL_IP-th attempt on, each sets a wait
 * that doubles, so parallel guesses beyond the free ones are never evaluated.
 */
function countForEmailAndAddress(key: string): Prisma.Sql {
  const count = Prisma.sql`(CASE WHEN t.updated_at <= now() - make_interval(secs => ${FAILURE_MEMORY_S}) THEN 1 ELSE t.failures + 1 END)`;
  const waitAfter = (failures: Prisma.Sql) => Prisma.sql`
    CASE WHEN ${failures} >= ${FREE_FAILURES_PER_EMAIL_IP}
      THEN now() + make_interval(secs => LEAST(${FIRST_DELAY_S} * power(2, ${failures} - ${FREE_FAILURES_PER_EMAIL_IP}), ${LONGEST_DELAY_S}))
    END`;
  return Prisma.sql`
    INSERT INTO sign_in_throttles AS t (key, failures, window_start, not_before, updated_at)
    VALUES (${key}, 1, now(), ${waitAfter(Prisma.sql`1`)}, now())
    ON CONFLICT (key) DO UPDATE SET
      failures = ${count},
      not_before = ${waitAfter(count)},
      updated_at = now()
    WHERE t.not_before IS NULL OR t.not_before <= now()
    RETURNING failures`;
}

async function refusal(key: string, fromNetwork: boolean): Promise<DomainError> {
  const db = await getDatabase();
  const [row] = await db.query<{ retry_in_s: number }>(Prisma.sql`
    SELECT GREATEST(0, EXTRACT(EPOCH FROM COALESCE(not_before, window_start + make_interval(secs => ${IP_WINDOW_S})) - now()))::float8
      AS retry_in_s
    FROM sign_in_throttles WHERE key = ${key}`);
  const minutes = Math.max(1, Math.ceil((row?.retry_in_s ?? 60) / 60));
  const from = fromNetwork ? " from your network" : "";
  return new DomainError(
    "rate_limited",
    `Too many failed sign-in attempts${from}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  );
}

export interface SignInAttempt {
  /** The credentials were right: the attempt is not a failure, and this email+address starts afresh. */
  succeeded(): Promise<void>;
}

/**
 * Counts a sign-in attempt as a failure BEFORE the password is verified (a success gives it back), so
 * that guesses sent at once cannot all be evaluated. Throws 429 when the address has failed too often
 * over any emails, or this email from this address must still wait. One address never delays another.
 */
export async function reserveSignInAttempt(email: string, ipAddress: string): Promise<SignInAttempt> {
  const db = await getDatabase();
  const addressKey = ipKey(ipAddress);
  if ((await db.query(countForAddress(addressKey))).length === 0) throw await refusal(addressKey, true);
  const key = emailIpKey(email, ipAddress);
  if ((await db.query(countForEmailAndAddress(key))).length === 0) {
    await giveBack(addressKey);
    throw await refusal(key, false);
  }
  return {
    async succeeded() {
      await giveBack(addressKey);
      await db.query(Prisma.sql`DELETE FROM sign_in_throttles WHERE key = ${key}`);
    },
  };
}

async function giveBack(key: string): Promise<void> {
  const db = await getDatabase();
  await db.query(Prisma.sql`UPDATE sign_in_throttles SET failures = GREATEST(failures - 1, 0) WHERE key = ${key}`);
}
