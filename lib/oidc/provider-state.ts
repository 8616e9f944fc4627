import type Provider from "oidc-provider";

/**
 * The process's provider (lib/oidc/provider.ts builds it). Kept on globalThis, apart from the
 * provider's module, so that the console's code (bundled by Next.js) can ask for a rebuild without
 * loading oidc-provider.
 */
export const providerState = globalThis as unknown as {
  delegateOidc?: { provider: Promise<Provider>; claims: string; checkedAt: number };
};

/** Makes the next request rebuild the provider (an application's claim names changed in this process). */
export function forgetOidcProvider(): void {
  providerState.delegateOidc = undefined;
}
