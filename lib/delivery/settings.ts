import { z } from "zod";
import { getConfig } from "@/lib/config";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { formatDuration, parseDuration } from "./duration";

/** The Setting row an Administrator edits (lib/webhooks/delivery-settings.ts); each field overrides the environment. */
export const DELIVERY_SETTING_KEY = "delivery";

export const DEFAULT_RETRY_SCHEDULE = ["0", "5s", "5m", "30m", "2h", "5h", "10h", "10h"];
export const DEFAULT_DISABLE_AFTER = "5d";

export interface DeliverySettings {
  /** Delay before each attempt: the first entry is the first attempt, the length is the number of attempts. */
  retryScheduleMs: number[];
  /** An endpoint failing every attempt for this long is disabled. */
  disableAfterMs: number;
  /** Hosts, IP addresses and CIDR ranges that deliveries may reach although they are private. */
  outboundAllowlist: string[];
}

const durationText = z.string().refine((text) => parseDuration(text) !== null, {
  message: 'Write a duration like "250ms", "5s", "5m", "2h" or "5d".',
});

export const retryScheduleSchema = z
  .array(durationText, { error: "The retry schedule must be a list of durations." })
  .min(1, "The retry schedule needs at least one attempt.")
  .max(20, "The retry schedule can have at most 20 attempts.")
  .refine((list) => list.every((text) => (parseDuration(text) ?? 0) <= 86_400_000), {
    message: "Each retry delay must be at most 1 day.",
  });

export const allowlistSchema = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9.:\-_/[\]]+$/, "An allowlist entry is a host name, an IP address or a CIDR range."),
  )
  .max(100, "The allowlist can have at most 100 entries.");

/** What the Setting row stores (all optional: absent fields fall back to the environment). */
export const storedDeliverySettingsSchema = z.object({
  retrySchedule: retryScheduleSchema.optional(),
  disableAfter: durationText.optional(),
  outboundAllowlist: allowlistSchema.optional(),
});
export type StoredDeliverySettings = z.infer<typeof storedDeliverySettingsSchema>;

const splitList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

function fromEnvironment(): Required<StoredDeliverySettings> {
  const schedule = process.env.DELEGATE_DELIVERY_RETRY_SCHEDULE;
  const disableAfter = process.env.DELEGATE_DELIVERY_DISABLE_AFTER;
  const parsed = z
    .object({ retrySchedule: retryScheduleSchema, disableAfter: durationText, outboundAllowlist: allowlistSchema })
    .safeParse({
      retrySchedule: schedule ? splitList(schedule) : DEFAULT_RETRY_SCHEDULE,
      disableAfter: disableAfter || DEFAULT_DISABLE_AFTER,
      outboundAllowlist: splitList(getConfig().DELEGATE_OUTBOUND_ALLOWLIST),
    });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(
      `Invalid delivery configuration (DELEGATE_DELIVERY_RETRY_SCHEDULE, DELEGATE_DELIVERY_DISABLE_AFTER, DELEGATE_OUTBOUND_ALLOWLIST): ${problems}`,
    );
  }
  return parsed.data;
}

export function resolveDeliverySettings(stored: StoredDeliverySettings): DeliverySettings {
  const env = fromEnvironment();
  const schedule = stored.retrySchedule ?? env.retrySchedule;
  return {
    retryScheduleMs: schedule.map((text) => parseDuration(text) ?? 0),
    disableAfterMs: parseDuration(stored.disableAfter ?? env.disableAfter) ?? 0,
    // The environment's entries always apply; the setting adds to them.
    outboundAllowlist: [...new Set([...env.outboundAllowlist, ...(stored.outboundAllowlist ?? [])])],
  };
}

export async function readStoredDeliverySettings(
  db: PrismaClient | Prisma.TransactionClient,
): Promise<StoredDeliverySettings> {
  const row = await db.setting.findUnique({ where: { key: DELIVERY_SETTING_KEY } });
  const parsed = storedDeliverySettingsSchema.safeParse(row?.value ?? {});
  if (!parsed.success) {
    console.error(`The "${DELIVERY_SETTING_KEY}" setting is invalid and is ignored: ${parsed.error.message}`);
    return {};
  }
  return parsed.data;
}

export async function loadDeliverySettings(db: PrismaClient | Prisma.TransactionClient): Promise<DeliverySettings> {
  return resolveDeliverySettings(await readStoredDeliverySettings(db));
}

export const describeSchedule = (settings: DeliverySettings) => settings.retryScheduleMs.map(formatDuration).join(", ");
