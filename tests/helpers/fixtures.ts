import { loadActor, type Actor } from "@/lib/auth/actor";
import type { Database } from "@/lib/db/database";
import { DEMO_ADMINS, seedDemoData } from "@/lib/seed/demo-data";

export type DemoAdmin = "kelly" | "ian" | "olga" | "aud";

/**
 * Seeds the demo tenant (few ordinary users; no hooks unless asked, so that the console's
 * built-in behaviour is what is tested) and returns its admins as actors.
 */
export async function seedAndLoadAdmins(
  db: Database,
  users = 20,
  options: { hooks?: boolean } = {},
): Promise<Record<DemoAdmin, Actor>> {
  await seedDemoData(db.prisma, { users, hooks: options.hooks ?? false });
  const actors = {} as Record<DemoAdmin, Actor>;
  for (const admin of DEMO_ADMINS) {
    const row = await db.prisma.user.findFirstOrThrow({ where: { email: admin.email } });
    actors[admin.email.split("@")[0] as DemoAdmin] = await loadActor(row.id, "console", {
      ipAddress: "127.0.0.1",
      userAgent: "vitest",
    });
  }
  return actors;
}
