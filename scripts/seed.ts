import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { seedDemoData } from "@/lib/seed/demo-data";

const db = await getDatabase();
await migrate(db);
await seedDemoData(db.prisma, { adminPassword: process.env.SEED_ADMIN_PASSWORD });
console.log(`Demo data loaded: ${await db.prisma.user.count()} users.`);
await closeDatabase();
