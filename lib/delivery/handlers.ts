import { mailDeliveryHandler } from "@/lib/mail/deliver";
import { postRegistrationHandler } from "@/lib/hooks/post-registration";
import { restHookDeliveryHandler } from "@/lib/rest-hooks/deliver";
import { webhookDeliveryHandler } from "@/lib/webhooks/deliver";
import { getDeliveryHandler, registerDeliveryHandler } from "./registry";

/** The destinations of the engine: webhooks, REST hooks, the post-registration hook (lib/hooks) and mail (lib/mail). */
export function registerBuiltInHandlers(): void {
  if (!getDeliveryHandler("webhook")) registerDeliveryHandler("webhook", webhookDeliveryHandler);
  if (!getDeliveryHandler("rest_hook")) registerDeliveryHandler("rest_hook", restHookDeliveryHandler);
  if (!getDeliveryHandler("mail")) registerDeliveryHandler("mail", mailDeliveryHandler);
  if (!getDeliveryHandler("post_registration")) registerDeliveryHandler("post_registration", postRegistrationHandler);
}
