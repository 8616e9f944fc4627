/**
 * The OpenID Connect provider's signing keys (lib/oidc/keys.ts). Rotation in two steps, each
 * followed by a restart of every instance (keys are read when the provider starts):
 *
 *   npm run oidc:keys -- list
 *   npm run oidc:keys -- add        # new RS256 + ES256 keys published in the JWKS, not signing yet
 *   (restart every instance: relying parties can now fetch the new keys)
 *   npm run oidc:keys -- activate   # the new keys sign; the old ones stay published for 31 days
 *   (restart every instance)
 */
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { activatePendingKeys, addPendingKeys, listSigningKeys, loadSigningJwks } from "@/lib/oidc/keys";

const command = process.argv[2] ?? "list";
await migrate(await getDatabase());
if (command === "add") {
  await loadSigningJwks();
  const kids = await addPendingKeys();
  console.log(`Published keys ${kids.join(", ")} (not signing yet). Restart every instance, then run: npm run oidc:keys -- activate`);
} else if (command === "activate") {
  const { activated, retired } = await activatePendingKeys();
  console.log(`Keys ${activated.join(", ")} sign from now on; ${retired.join(", ") || "no key"} retired (published 31 more days). Restart every instance.`);
} else if (command === "list") {
  for (const key of await listSigningKeys()) {
    const state = key.retiredAt ? `retired, published until ${key.expiresAt?.toISOString()}` : key.signsFrom ? "signing" : "published, not signing yet";
    console.log(`${key.kid}  ${key.alg}  created ${key.createdAt.toISOString()}  ${state}`);
  }
} else {
  console.error("Usage: npm run oidc:keys -- list | add | activate");
  process.exitCode = 1;
}
await closeDatabase();
