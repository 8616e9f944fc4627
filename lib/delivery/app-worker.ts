import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db/client";
import { startDeliveryWorker, type DeliveryWorker } from "./worker";

const store = globalThis as unknown as { delegateAppWorker?: DeliveryWorker };

/**
 * The worker inside the web process. Embedded (PGlite) databases always run it here, since only one
 * process can open them; with a PostgreSQL server it runs here unless DELEGATE_RUN_WORKER=false (then
 * run `npm run worker`, as many as wanted).
 */
export async function startAppWorker(): Promise<DeliveryWorker | null> {
  if (store.delegateAppWorker) return store.delegateAppWorker;
  const config = getConfig();
  const db = await getDatabase();
  if (db.kind === "server" && config.DELEGATE_RUN_WORKER === "false") {
    console.log("Delivery worker: not started in the web process (DELEGATE_RUN_WORKER=false); run `npm run worker`.");
    return null;
  }
  if (db.kind !== "server" && config.DELEGATE_RUN_WORKER === "false") {
    console.warn("DELEGATE_RUN_WORKER=false is ignored with the embedded database: only this process can deliver.");
  }
  store.delegateAppWorker = startDeliveryWorker({
    prisma: db.prisma,
    databaseUrl: db.kind === "server" ? config.DATABASE_URL : undefined,
  });
  return store.delegateAppWorker;
}
