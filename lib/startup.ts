import { getConfig } from "@/lib/config";
import { getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { seedDemoData } from "@/lib/seed/demo-data";
import { getTenant } from "@/lib/tenant/tenant";

/**
 * What the server does before serving: apply pending migrations, and give a brand-new embedded
 * database the demo data so that the first `npm start` has someone to sign in as.
 */
export async function prepareDatabase(): Promise<void> {
  const db = await getDatabase();
  const applied = await migrate(db);
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
  if (db.kind === "embedded" && (await db.prisma.user.count()) === 0) {
    console.log(`Empty embedded database in ${getConfig().dataDir}: loading the demo data (npm run db:seed).`);
    await seedDemoData(db.prisma, { adminPassword: process.env.SEED_ADMIN_PASSWORD });
  }
  await getTenant();
}
