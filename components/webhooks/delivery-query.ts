import { listDeliveriesSchema, type ListDeliveriesInput } from "@/lib/schemas/webhook";
import type { DeliveryView } from "@/lib/webhooks/list-deliveries";

type SearchParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** `datetime-local` values carry no zone: the console means UTC, as it shows every time. */
export const asUtc = (text: string | undefined) =>
  text && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;

/** `2026-01-31T12:00` (UTC) for a datetime-local input. */
export const toDateTimeLocal = (date: Date) => date.toISOString().slice(0, 16);

/** The "Redeliver failed since" form starts one day back. */
export const oneDayAgo = () => toDateTimeLocal(new Date(Date.now() - 24 * 60 * 60 * 1000));

export interface DeliveryQuery {
  input: ListDeliveriesInput;
  /** The filters as the URL holds them (for the filter form and the pager). */
  values: { status?: string; event_type?: string; since?: string };
  /** The URL's filters could not be read; the whole log is shown. */
  invalid: boolean;
}

/** The delivery log's filters from the URL (`status`, `event_type`, `since`, `page`); bad values fall back to the defaults. */
export function parseDeliveryQuery(params: SearchParams): DeliveryQuery {
  const values = { status: first(params.status), event_type: first(params.event_type), since: first(params.since) };
  const parsed = listDeliveriesSchema.safeParse({
    status: values.status,
    eventType: values.event_type,
    since: asUtc(values.since),
    page: first(params.page),
  });
  if (parsed.success) return { input: parsed.data, values, invalid: false };
  return { input: listDeliveriesSchema.parse({}), values: {}, invalid: true };
}

const SOON_MS = 30_000;

/** Whether an outcome is expected within seconds (being sent, or due soon): the page then refreshes itself. */
export const awaitingOutcome = (deliveries: Pick<DeliveryView, "status" | "nextAttemptAt">[]) =>
  deliveries.some(
    (delivery) =>
      delivery.status === "in_flight" ||
      (delivery.status === "pending" && (!delivery.nextAttemptAt || delivery.nextAttemptAt.getTime() - Date.now() < SOON_MS)),
  );
