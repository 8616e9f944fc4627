import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";

const applied = await migrate(await getDatabase());
console.log(applied.length ? `Applied migrations: ${applied.join(", ")}` : "The database is up to date.");
await closeDatabase();
