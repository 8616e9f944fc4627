import type { EventType } from "@/lib/events/types";

export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  "user.registration.create.complete": "A user registered (the FusionAuth-style event of seed 004).",
  "user.create.complete": "A user was created.",
  "user.update.complete": "A user was changed; the event carries the user before the change too.",
  "user.delete.complete": "A user was deleted (restorable for 30 days unless configured otherwise).",
  "user.restore.complete": "A deleted user was restored, with the properties and memberships it had.",
  "user.login.success": "A user signed in to an application through Delegate's OpenID Connect provider.",
  "user.login.failed": "A sign-in to an application was refused (wrong password, blocked user, or not admitted).",
  "user.logout": "A user signed out of an application (RP-initiated logout).",
};
