import type { PrismaClient } from "@/lib/generated/prisma/client";
import { PRUNED_TABLES, pruneExpiredRows, type PruneCounts } from "./prune";
import type { RetentionSettings } from "./settings";

export interface PrunerOptions {
  prisma: PrismaClient;
  settings: RetentionSettings;
  /** Between the end of one pruning and the start of the next. */
  intervalMs: number;
  /** Before the first pruning: a process that starts does its own work first. */
  firstAfterMs: number;
  logger: Pick<Console, "info" | "error">;
}

export interface Pruner {
  /** Stops the schedule and waits for a pruning under way to stop after its current batch. */
  stop(): Promise<void>;
}

/** Prunes past the retention now and then, for as long as the delivery worker runs (lib/delivery/worker.ts). */
export function startPruner(options: PrunerOptions): Pruner {
  let stopping = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = prune().finally(() => {
        running = undefined;
        if (!stopping) schedule(options.intervalMs);
      });
    }, delayMs);
    timer.unref();
  };

  async function prune(): Promise<void> {
    try {
      const counts = await pruneExpiredRows(options.prisma, options.settings, { shouldStop: () => stopping });
      const summary = describe(counts);
      if (summary) options.logger.info(`[retention] Deleted past their retention: ${summary}.`);
    } catch (error) {
      options.logger.error("[retention] Pruning failed; it is tried again at the next interval:", error);
    }
  }

  schedule(options.firstAfterMs);
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function describe(counts: PruneCounts): string {
  return PRUNED_TABLES.filter((table) => counts[table] > 0)
    .map((table) => `${counts[table]} ${table.replaceAll("_", " ")}`)
    .join(", ");
}
