import { requirePermission, type Actor } from "@/lib/auth/actor";
import { objectChanges } from "@/lib/audit/changes";
import { auditFailures, recordAudit } from "@/lib/audit/record";
import { getPrisma } from "@/lib/db/client";
import { formatDuration } from "@/lib/delivery/duration";
import {
  DELIVERY_SETTING_KEY,
  readStoredDeliverySettings,
  resolveDeliverySettings,
  type StoredDeliverySettings,
} from "@/lib/delivery/settings";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { UpdateDeliverySettingsInput } from "@/lib/schemas/webhook";

export interface DeliverySettingsView {
  /** What an Administrator saved (absent: the environment's value applies). */
  saved: StoredDeliverySettings;
  /** What the workers use: the saved values over the environment's. */
  effective: { retrySchedule: string[]; disableAfter: string; outboundAllowlist: string[] };
}

function view(saved: StoredDeliverySettings): DeliverySettingsView {
  const effective = resolveDeliverySettings(saved);
  return {
    saved,
    effective: {
      retrySchedule: effective.retryScheduleMs.map(formatDuration),
      disableAfter: formatDuration(effective.disableAfterMs),
      outboundAllowlist: effective.outboundAllowlist,
    },
  };
}

export async function getDeliverySettings(actor: Actor): Promise<DeliverySettingsView> {
  requirePermission(actor, "config:manage");
  return view(await readStoredDeliverySettings(await getPrisma()));
}

/** Saves the outbound allowlist, retry schedule and disable period (null returns a field to its default). Workers pick it up within 5 s. */
export async function updateDeliverySettings(actor: Actor, input: UpdateDeliverySettingsInput): Promise<DeliverySettingsView> {
  const fields = Object.keys(input);
  return auditFailures(actor, { action: "delivery.settings", details: { fields } }, async () => {
    requirePermission(actor, "config:manage");
    const prisma = await getPrisma();
    const saved = await prisma.$transaction(async (tx) => {
      const previous = await readStoredDeliverySettings(tx);
      const next: StoredDeliverySettings = { ...previous };
      for (const key of ["outboundAllowlist", "retrySchedule", "disableAfter"] as const) {
        if (input[key] === null) delete next[key];
        else if (input[key] !== undefined) Object.assign(next, { [key]: input[key] });
      }
      const value = next as Prisma.InputJsonObject;
      await tx.setting.upsert({ where: { key: DELIVERY_SETTING_KEY }, create: { key: DELIVERY_SETTING_KEY, value }, update: { value } });
      const changes = objectChanges(previous, next, ["outboundAllowlist", "retrySchedule", "disableAfter"]);
      await recordAudit(tx, actor, { action: "delivery.settings", details: { ...value, changes } });
      return next;
    });
    return view(saved);
  });
}
