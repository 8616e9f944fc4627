"use server";

import { z } from "zod";
import { parseDuration } from "@/lib/delivery/duration";
import { allowlistSchema, retryScheduleSchema } from "@/lib/delivery/settings";
import { deleteRestHookSubscription } from "@/lib/rest-hooks/delete-subscription";
import { rotateRestHookSigningSecret } from "@/lib/rest-hooks/signing-secret";
import {
  createWebhookEndpointSchema,
  customHeadersSchema,
  sendTestEventSchema,
  updateDeliverySettingsSchema,
  updateWebhookEndpointSchema,
} from "@/lib/schemas/webhook";
import { createWebhookEndpoint } from "@/lib/webhooks/create-endpoint";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-endpoint";
import { updateDeliverySettings } from "@/lib/webhooks/delivery-settings";
import { redeliverDelivery, redeliverFailedSince } from "@/lib/webhooks/redeliver";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-secret";
import { sendTestEvent } from "@/lib/webhooks/send-test-event";
import { updateWebhookEndpoint } from "@/lib/webhooks/update-endpoint";
import { adminAction } from "./safe-action";

/*
 * The console's webhook forms send what their controls hold (header rows, texts of lists and JSON);
 * these schemas turn it into the domain's inputs, so every problem comes back as a field error.
 */

const idSchema = z.string({ error: "Say which endpoint." }).min(1, "Say which endpoint.");

/** Custom header rows → the headers record; blank rows are ignored, a name given twice is an error on that name. */
const headerRowsSchema = z
  .array(z.object({ name: z.string().trim(), value: z.string() }))
  .max(100, "An endpoint can have at most 20 custom headers.")
  .transform((rows) => rows.filter((row) => row.name || row.value))
  .superRefine((rows, context) => {
    const seen = new Set<string>();
    for (const { name } of rows) {
      if (seen.has(name.toLowerCase())) {
        context.addIssue({ code: "custom", message: `The header "${name}" is given twice: keep one row for it.`, path: [name] });
      }
      seen.add(name.toLowerCase());
    }
  })
  .transform((rows) => Object.fromEntries(rows.map((row) => [row.name, row.value])))
  .pipe(customHeadersSchema);

const endpointFormSchema = createWebhookEndpointSchema.extend({ headers: headerRowsSchema });

const endpointChangesSchema = z
  .object({ ...updateWebhookEndpointSchema.shape, headers: headerRowsSchema.optional() })
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "Nothing to update: change at least one field." });

export const createWebhookEndpointAction = adminAction(endpointFormSchema, async (actor, input) => {
  const endpoint = await createWebhookEndpoint(actor, input);
  return { id: endpoint.id };
});

export const updateWebhookEndpointAction = adminAction(
  z.object({ id: idSchema, changes: endpointChangesSchema }),
  async (actor, { id, changes }) => {
    await updateWebhookEndpoint(actor, id, changes);
    return null;
  },
);

export const setWebhookEndpointEnabledAction = adminAction(
  z.object({ id: idSchema, enabled: z.boolean() }),
  async (actor, { id, enabled }) => {
    await updateWebhookEndpoint(actor, id, { enabled });
    return null;
  },
);

export const deleteWebhookEndpointAction = adminAction(z.object({ id: idSchema }), async (actor, { id }) => {
  await deleteWebhookEndpoint(actor, id);
  return null;
});

export const rotateWebhookSecretAction = adminAction(z.object({ id: idSchema }), async (actor, { id }) => {
  const endpoint = await rotateWebhookSecret(actor, id);
  return { secret: endpoint.secret, previousSecretExpiresAt: endpoint.previousSecretExpiresAt };
});

/** The test event as the admin edited it: JSON text that must hold an object. */
const testPayloadSchema = z
  .string({ error: "Enter the test event as JSON." })
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      context.addIssue({ code: "custom", message: `The test event is not valid JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(sendTestEventSchema.shape.payload.unwrap());

export const sendTestEventAction = adminAction(
  z.object({ id: idSchema, eventType: sendTestEventSchema.shape.eventType, payload: testPayloadSchema }),
  (actor, { id, eventType, payload }) => sendTestEvent(actor, id, { eventType, payload }),
);

export const redeliverDeliveryAction = adminAction(
  z.object({ deliveryId: z.string().min(1, "Say which delivery.") }),
  async (actor, { deliveryId }) => {
    await redeliverDelivery(actor, deliveryId);
    return null;
  },
);

/** A date and time as `<input type="datetime-local">` gives it, read as UTC (the console shows times in UTC). */
const utcDateTimeSchema = z
  .string()
  .trim()
  .min(1, "Enter a date and time.")
  .transform((text) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text))
  .pipe(z.coerce.date({ error: "Enter a date and time, like 2026-01-31T12:00." }));

export const redeliverFailedSinceAction = adminAction(
  z.object({ id: idSchema, since: utcDateTimeSchema }),
  (actor, { id, since }) => redeliverFailedSince(actor, id, { since }),
);

const listItems = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

/** "0, 5s, 5m" → a retry schedule; empty → back to the default. */
const retryScheduleTextSchema = z
  .string()
  .transform((text, context) => {
    const items = listItems(text);
    const wrong = items.find((item) => parseDuration(item) === null);
    if (wrong) {
      context.addIssue({ code: "custom", message: `"${wrong}" is not a duration: write delays like 0, 5s, 5m, 2h, separated by commas.` });
      return z.NEVER;
    }
    return items.length ? items : null;
  })
  .pipe(retryScheduleSchema.nullable());

/** Hosts, IP addresses or CIDR ranges, one per line or comma-separated; the environment's entries apply anyway. */
const allowlistTextSchema = z
  .string()
  .transform((text, context) => {
    const items = listItems(text);
    for (const item of items) {
      const parsed = allowlistSchema.element.safeParse(item);
      if (!parsed.success) {
        context.addIssue({ code: "custom", message: `"${item}": ${parsed.error.issues[0]?.message ?? "not a host, IP address or CIDR range."}` });
        return z.NEVER;
      }
    }
    return items;
  })
  .pipe(allowlistSchema);

export const updateDeliverySettingsAction = adminAction(
  z.object({
    retrySchedule: retryScheduleTextSchema,
    disableAfter: z
      .string()
      .trim()
      .transform((text) => text || null)
      .pipe(updateDeliverySettingsSchema.shape.disableAfter.unwrap()),
    outboundAllowlist: allowlistTextSchema,
  }),
  async (actor, input) => {
    await updateDeliverySettings(actor, input);
    return null;
  },
);

export const deleteRestHookSubscriptionAction = adminAction(
  z.object({ id: z.string().min(1, "Say which subscription.") }),
  async (actor, { id }) => {
    await deleteRestHookSubscription(actor, id);
    return null;
  },
);

export const rotateRestHookSecretAction = adminAction(z.object({}), (actor) => rotateRestHookSigningSecret(actor));
