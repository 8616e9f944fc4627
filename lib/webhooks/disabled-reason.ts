import type { WebhookEndpointView } from "./view";

/** The worker's reason for disabling an endpoint starts so (lib/delivery/store.ts); an admin's names the admin. */
const AUTOMATIC_REASON_PREFIX = "Disabled automatically";

export const isDisabledAutomatically = (endpoint: Pick<WebhookEndpointView, "enabled" | "disabledReason">): boolean =>
  !endpoint.enabled && Boolean(endpoint.disabledReason?.startsWith(AUTOMATIC_REASON_PREFIX));
