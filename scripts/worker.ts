/**
 * The delivery worker as its own process (PostgreSQL server only): `npm run worker`. Run as many as
 * needed beside the app (started with DELEGATE_RUN_WORKER=false); they share the work through
 * `FOR UPDATE SKIP LOCKED`. SIGTERM or SIGINT stops claiming and waits for the deliveries in flight.
 */
import { getConfig } from "@/lib/config";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { startDeliveryWorker } from "@/lib/delivery/worker";

const config = getConfig();
if (!config.DATABASE_URL) {
  console.error(
    "npm run worker needs a PostgreSQL server: set DATABASE_URL. With the embedded database the app delivers by itself.",
  );
  process.exit(1);
}

const db = await getDatabase();
await migrate(db);
const worker = startDeliveryWorker({ prisma: db.prisma, databaseUrl: config.DATABASE_URL });
console.log(`Delivery worker ${process.pid} started.`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`Delivery worker ${process.pid}: ${signal} received, finishing the deliveries in flight.`);
  await worker.stop();
  await closeDatabase();
  console.log(`Delivery worker ${process.pid} stopped.`);
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
