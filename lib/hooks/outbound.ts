import { getPrisma } from "@/lib/db/client";
import { loadDeliverySettings } from "@/lib/delivery/settings";
import { restrictedFetch } from "./post-registration";
import type { HookLogEntry, HostFunction } from "./sandbox";

/** Hooks that never name `require` get no modules: they keep the cost and the thread of a plain hook. */
export function mayRequire(code: string): boolean {
  return /\brequire\b/.test(code);
}

/**
 * The fetch behind the modules' HTTP clients, for every hook kind: only to the hosts an Administrator
 * allows (Hooks → Post-User Registration → Allowed hosts, empty by default), through the SSRF guard,
 * within the hook's deadline (the run's signal). Each request is noted for the run's logs, as
 * method, host, status and time: never the path or query, where webhook URLs keep their secret.
 */
export async function recordedFetch(): Promise<{ fetch: HostFunction; requests: HookLogEntry[] }> {
  const prisma = await getPrisma();
  const fetch = restrictedFetch(prisma, (await loadDeliverySettings(prisma)).outboundAllowlist);
  const requests: HookLogEntry[] = [];
  return {
    requests,
    fetch: async function (this: { signal: AbortSignal; hookName: string }, url: unknown, init: unknown) {
      const startedAt = performance.now();
      const method = String((init as { method?: unknown } | undefined)?.method ?? "GET").toUpperCase();
      let host = String(url).slice(0, 200);
      try {
        host = new URL(String(url)).host;
      } catch {
        // restrictedFetch says why the URL is refused.
      }
      const elapsed = () => `${Math.round(performance.now() - startedAt)} ms`;
      try {
        const response = (await fetch.call(this, url, init)) as { status: number };
        requests.push({ level: "info", message: `[http] ${method} ${host} → ${response.status} (${elapsed()})` });
        return response;
      } catch (error) {
        requests.push({ level: "warn", message: `[http] ${method} ${host} failed: ${(error as Error).message} (${elapsed()})` });
        throw error;
      }
    },
  };
}
