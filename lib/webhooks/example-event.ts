import { requirePermission, type Actor } from "@/lib/auth/actor";
import { userEvents } from "@/lib/events/envelope";
import type { EventEnvelope, EventType } from "@/lib/events/types";
import { getTenant } from "@/lib/tenant/tenant";
import type { UserProfile } from "@/lib/users/profile";

const EXAMPLE_USER: UserProfile = {
  user_id: "00000000-0000-4000-8000-000000000001",
  email: "joe.smith@example.com",
  email_verified: true,
  username: null,
  name: "Joe Smith",
  given_name: "Joe",
  family_name: "Smith",
  phone_number: null,
  phone_verified: false,
  user_metadata: { title: "Tree Surgeon", professional_reg_number: "ABC1234", company: "Palm Trees Inc.", country: "US" },
  app_metadata: { memberships: ["Sales"] },
  blocked: false,
  connection: "Username-Password-Authentication",
  connection_id: "con_example",
  created_at: "2026-01-31T12:30:00.000Z",
  updated_at: "2026-01-31T12:30:00.000Z",
  last_login: null,
  logins_count: 0,
};

/** An example of the event, with this deployment's tenant and application ids (the "Send test event" editor starts from it). */
export async function getExampleEvent(actor: Actor, type: EventType): Promise<EventEnvelope> {
  requirePermission(actor, "config:manage");
  const tenant = await getTenant();
  const source = { channel: "console", ipAddress: "203.0.113.10", userAgent: "Mozilla/5.0 (example)" };
  const change =
    type === "user.update.complete"
      ? ({ kind: "update", user: { ...EXAMPLE_USER, name: "Joe B. Smith" }, original: EXAMPLE_USER } as const)
      : ({ kind: type === "user.delete.complete" ? "delete" : type === "user.restore.complete" ? "restore" : "create", user: EXAMPLE_USER } as const);
  const events = userEvents(change, tenant, source);
  return events.find(({ event }) => event.type === type) ?? events[0];
}
