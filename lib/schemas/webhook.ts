import { z } from "zod";
import { textSchema } from "./common";
import { EVENT_TYPES } from "@/lib/events/types";
import { allowlistSchema, retryScheduleSchema } from "@/lib/delivery/settings";
import { parseDuration } from "@/lib/delivery/duration";

/** An http(s) URL a delivery can be sent to (the address itself is checked when sending). */
export const outboundUrlSchema = textSchema({ error: "Enter the URL to send to." })
  .trim()
  .min(1, "Enter the URL to send to.")
  .max(2048, "The URL must be at most 2048 characters.")
  .superRefine((text, context) => {
    const url = URL.canParse(text) ? new URL(text) : null;
    const problem = !url
      ? "Enter a full URL, like https://example.com/hooks."
      : !["http:", "https:"].includes(url.protocol)
        ? "The URL must start with https:// or http://."
        : url.username || url.password
          ? "Do not put credentials in the URL: use the endpoint's basic auth fields."
          : url.hash
            ? "The URL must not contain a #fragment."
            : null;
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

/** Headers Delegate sets itself; an endpoint's custom headers cannot replace them. */
export const RESERVED_HEADERS = [
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "content-type",
  "content-length",
  "transfer-encoding",
  "host",
  "connection",
  "keep-alive",
  "user-agent",
  "expect",
  "upgrade",
  "te",
  "trailer",
];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const customHeadersSchema = z
  .record(textSchema(), textSchema({ error: "A header value must be text." }))
  .superRefine((headers, context) => {
    const names = Object.keys(headers);
    if (names.length > 20) context.addIssue({ code: "custom", message: "An endpoint can have at most 20 custom headers." });
    for (const name of names) {
      const problem = !HEADER_NAME.test(name)
        ? `"${name}" is not a valid header name: use letters, digits and - only.`
        : name.length > 100
          ? "A header name must be at most 100 characters."
          : RESERVED_HEADERS.includes(name.toLowerCase())
            ? `"${name}" is set by Delegate; these headers cannot be replaced: ${RESERVED_HEADERS.join(", ")}.`
            : headers[name].length > 2000
              ? `The value of "${name}" must be at most 2000 characters.`
              : /[\r\n\0]/.test(headers[name])
                ? `The value of "${name}" must be on one line.`
                : null;
      if (problem) context.addIssue({ code: "custom", message: problem, path: [name] });
    }
  })
  .transform((headers) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])));

const eventTypesSchema = z
  .array(z.enum(EVENT_TYPES, { error: `Choose among: ${EVENT_TYPES.join(", ")}.` }))
  .min(1, "Choose at least one event.")
  .transform((list) => [...new Set(list)]);

const timeoutSchema = (label: string, max: number) =>
  z.coerce
    .number({ error: `The ${label} must be a number of milliseconds.` })
    .int(`The ${label} must be a whole number of milliseconds.`)
    .min(100, `The ${label} must be at least 100 ms.`)
    .max(max, `The ${label} must be at most ${max / 1000} s.`);

const basicAuthUsernameSchema = textSchema()
  .trim()
  .max(200, "The basic auth username must be at most 200 characters.")
  .regex(/^[^:\r\n]*$/, "The basic auth username cannot contain a colon or a line break.")
  .transform((value) => value || null)
  .nullable();

/** Write-only: absent keeps the saved password, null or "" removes it. */
const basicAuthPasswordSchema = textSchema()
  .max(200, "The basic auth password must be at most 200 characters.")
  .regex(/^[^\r\n]*$/, "The basic auth password cannot contain a line break.")
  .transform((value) => value || null)
  .nullable();

const endpointFields = {
  url: outboundUrlSchema,
  description: textSchema().trim().max(500, "The description must be at most 500 characters.").default(""),
  eventTypes: eventTypesSchema,
  headers: customHeadersSchema.default({}),
  basicAuthUsername: basicAuthUsernameSchema.default(null),
  basicAuthPassword: basicAuthPasswordSchema.default(null),
  connectTimeoutMs: timeoutSchema("connect timeout", 30_000).default(5000),
  readTimeoutMs: timeoutSchema("read timeout", 60_000).default(15_000),
  enabled: z.boolean().default(true),
};

export const createWebhookEndpointSchema = z.object(endpointFields).strict();
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointSchema>;

export const updateWebhookEndpointSchema = z
  .object({
    url: endpointFields.url,
    description: textSchema().trim().max(500, "The description must be at most 500 characters."),
    eventTypes: eventTypesSchema,
    headers: customHeadersSchema,
    basicAuthUsername: basicAuthUsernameSchema,
    basicAuthPassword: basicAuthPasswordSchema,
    connectTimeoutMs: timeoutSchema("connect timeout", 30_000),
    readTimeoutMs: timeoutSchema("read timeout", 60_000),
    enabled: z.boolean(),
  })
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "Nothing to update: send at least one field." });
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointSchema>;

/** "Send test event": the example event of a type, or the admin's edit of it (any JSON object). */
export const sendTestEventSchema = z.object({
  eventType: z.enum(EVENT_TYPES).default("user.registration.create.complete"),
  payload: z
    .record(textSchema(), z.unknown(), { error: "The test event must be a JSON object." })
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= 64 * 1024, { message: "The test event must be at most 64 KB of JSON." })
    .optional(),
});
export type SendTestEventInput = z.infer<typeof sendTestEventSchema>;

export const DELIVERY_STATUSES = ["pending", "in_flight", "succeeded", "failed"] as const;

const sinceSchema = z.coerce.date({ error: "Enter a date and time, like 2026-01-31T12:00." });

export const listDeliveriesSchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional().or(z.literal("").transform(() => undefined)),
  eventType: z.enum(EVENT_TYPES).optional().or(z.literal("").transform(() => undefined)),
  since: sinceSchema.optional().or(z.literal("").transform(() => undefined)),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(25),
});
export type ListDeliveriesInput = z.infer<typeof listDeliveriesSchema>;

export const redeliverFailedSchema = z.object({ since: sinceSchema });
export type RedeliverFailedInput = z.infer<typeof redeliverFailedSchema>;

/** POST /api/v1/rest_hooks/user_registered/subscriptions (seed 002). */
export const createRestHookSubscriptionSchema = z.object(
  {
    url: outboundUrlSchema,
    authorization_token: textSchema({ error: "authorization_token must be a string." })
      .trim()
      .max(500, "authorization_token must be at most 500 characters.")
      .regex(/^[\x21-\x7e]*$/, "authorization_token may contain printable characters without spaces only.")
      .transform((value) => value || null)
      .nullish(),
  },
  { error: 'Send a JSON object like {"url": "https://example.com/hook"}: the URL to notify is invalid.' },
);
export type CreateRestHookSubscriptionInput = z.infer<typeof createRestHookSubscriptionSchema>;

/** The delivery settings an Administrator edits; each field left out keeps its environment default. */
export const updateDeliverySettingsSchema = z.object({
  outboundAllowlist: allowlistSchema.optional(),
  retrySchedule: retryScheduleSchema.nullable().optional(),
  disableAfter: textSchema()
    .refine((text) => parseDuration(text) !== null, { message: 'Write a duration like "12h" or "5d".' })
    .refine((text) => (parseDuration(text) ?? 0) >= 60_000, { message: "Disable endpoints after at least 1 minute." })
    .nullable()
    .optional(),
});
export type UpdateDeliverySettingsInput = z.infer<typeof updateDeliverySettingsSchema>;
