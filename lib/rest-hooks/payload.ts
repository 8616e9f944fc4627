import type { RegistrationEvent } from "@/lib/events/types";

/**
 * The User Registered REST hook body (seed 002), built from the registration event's user:
 *
 * | field                   | from the Delegate user                                              |
 * | ----------------------- | ------------------------------------------------------------------- |
 * | name                    | name, else "given_name family_name"                                 |
 * | first_name              | given_name                                                          |
 * | last_name               | family_name                                                         |
 * | email                   | email                                                               |
 * | title                   | user_metadata.title                                                 |
 * | professional_reg_number | user_metadata.professional_reg_number                               |
 * | company                 | user_metadata.company                                               |
 * | country                 | user_metadata.country                                               |
 * | type                    | always "Person"                                                     |
 * | created_at              | created_at, "YYYY-MM-DD HH:mm" in UTC                               |
 * | updated_at              | updated_at, same format                                             |
 * | confirmed               | email_verified, as the string "true" or "false"                     |
 * | confirmed_at            | created_at when the email was verified at registration, else null   |
 *
 * Absent values are null (every key is always present).
 */
export interface UserRegisteredPayload {
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string;
  title: string | null;
  professional_reg_number: string | null;
  company: string | null;
  country: string | null;
  type: "Person";
  created_at: string;
  updated_at: string;
  confirmed: "true" | "false";
  confirmed_at: string | null;
}

/** "YYYY-MM-DD HH:mm" in UTC, as the seed writes "2019-08-10 12:30". */
export function formatRestHookTime(instant: number): string {
  return new Date(instant).toISOString().slice(0, 16).replace("T", " ");
}

function metadataText(data: Record<string, unknown>, key: string): string | null {
  const value = data[key];
  if (typeof value === "string") return value.trim() || null;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

export function userRegisteredPayload(event: RegistrationEvent): UserRegisteredPayload {
  const { user } = event;
  return {
    name: user.fullName ?? null,
    first_name: user.firstName ?? null,
    last_name: user.lastName ?? null,
    email: user.email,
    title: metadataText(user.data, "title"),
    professional_reg_number: metadataText(user.data, "professional_reg_number"),
    company: metadataText(user.data, "company"),
    country: metadataText(user.data, "country"),
    type: "Person",
    created_at: formatRestHookTime(user.insertInstant),
    updated_at: formatRestHookTime(user.lastUpdateInstant),
    confirmed: user.verified ? "true" : "false",
    confirmed_at: user.verified ? formatRestHookTime(user.insertInstant) : null,
  };
}
