import type { Database } from "@/lib/db/database";
import type { DeliverySettings } from "@/lib/delivery/settings";
import { startDeliveryWorker, type DeliveryWorker } from "@/lib/delivery/worker";

/** Retries in milliseconds, so that a test sees several attempts in well under a second. */
export const FAST_SETTINGS: DeliverySettings = {
  retryScheduleMs: [0, 50, 100, 100, 100],
  disableAfterMs: 5 * 24 * 3_600_000,
  outboundAllowlist: ["127.0.0.1"],
};

export function startTestWorker(db: Database, settings: Partial<DeliverySettings> = {}): DeliveryWorker {
  return startDeliveryWorker({
    prisma: db.prisma,
    databaseUrl: db.kind === "server" ? process.env.TEST_DATABASE_URL : undefined,
    pollIntervalMs: 50,
    leaseMarginMs: 1000,
    settings: { ...FAST_SETTINGS, ...settings },
    logger: { info: () => {}, warn: () => {}, error: console.error },
  });
}
