import type { Actor } from "@/lib/auth/actor";
import { getPostRegistrationSettings } from "@/lib/hooks/post-registration-settings";
import { listHookSecretNames } from "@/lib/hooks/secrets";
import { AllowedHostsPanel } from "./allowed-hosts-panel";
import { HookSecretsPanel } from "./hook-secrets-panel";
import styles from "./hooks.module.css";

/** What only the Post-User Registration Hook has: secrets and the hosts its fetch may reach. */
export async function PostRegistrationPanels({ actor }: { actor: Actor }) {
  const [secrets, settings] = await Promise.all([listHookSecretNames(actor), getPostRegistrationSettings(actor)]);
  return (
    <div className={styles.workbench}>
      <HookSecretsPanel secrets={secrets.map((secret) => ({ name: secret.name, updatedAt: secret.updatedAt.toISOString() }))} />
      <AllowedHostsPanel allowedHosts={settings.allowedHosts} />
    </div>
  );
}
