import { z } from "zod";
import type { ApiUser } from "@/lib/account/account-state";
import type { UserPage } from "@/lib/users/list-users";
import type { UserProfile } from "@/lib/users/profile";

const timestamp = z.iso.datetime({ offset: true });
const jsonObject = z.record(z.string(), z.unknown());

/** The domain's UserProfile (checked below), never the password. */
const userProfileSchema = z
  .object({
    user_id: z.uuid(),
    email: z.email(),
    email_verified: z.boolean(),
    username: z.string().nullable(),
    name: z.string().nullable(),
    given_name: z.string().nullable(),
    family_name: z.string().nullable(),
    phone_number: z.string().nullable(),
    phone_verified: z.boolean(),
    user_metadata: jsonObject,
    app_metadata: jsonObject.describe("Holds `memberships` (the user's departments) and, for admins, `roles`."),
    blocked: z.boolean(),
    connection: z.string(),
    connection_id: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
    last_login: timestamp.nullable(),
    logins_count: z.number().int().min(0),
  })
  .strict();

/** What the API returns for a user: the profile and its account state. */
export const apiUserSchema = userProfileSchema
  .extend({
    invited: z
      .boolean()
      .describe(
        "True while the user's invitation is open: created with send_invitation and no password chosen yet (the console shows Invited). False once they accept, or when the invitation is revoked.",
      ),
  })
  .strict();

export const userPageSchema = z
  .object({
    users: z.array(apiUserSchema),
    total: z
      .number()
      .int()
      .min(0)
      .describe("How many users match the filters, over all pages (before the Access Hook): exact up to 1,000; beyond, 1,000 with total_exact false."),
    total_exact: z.boolean().describe("false when more users than `total` match: counting stops at 1,000."),
    hidden: z
      .number()
      .int()
      .min(0)
      .describe("Users of this page that the Access Hook does not let you read (action read:user): left out of users."),
    page: z.number().int().min(1),
    per_page: z.number().int(),
    next: z
      .string()
      .nullable()
      .describe("Send as `after` for the next page (null on a page that is not full): keyset pagination, as fast on page 400 as on page 1."),
    previous: z.string().nullable().describe("Send as `before` for the previous page (null on the first)."),
  })
  .strict();

export const apiErrorSchema = z.object({
  statusCode: z.number().int().describe("The HTTP status code, repeated."),
  error: z.string().describe('The status text, e.g. "Conflict".'),
  message: z.string().describe("What went wrong and what to do, written for a person."),
  fields: z
    .record(z.string(), z.string())
    .optional()
    .describe("For invalid input: the message for each field that is wrong, keyed by field name."),
  position: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("For a search query (q or search) that cannot be used: the character, from 1, where the problem is."),
});

// The schemas above document the domain's types; these fail to compile when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const profileMatches: Same<z.infer<typeof userProfileSchema>, UserProfile> = true;
const apiUserMatches: Same<z.infer<typeof apiUserSchema>, ApiUser> = true;
const pageMatches: Same<z.infer<typeof userPageSchema>, Omit<UserPage, "users"> & { users: ApiUser[] }> = true;
void profileMatches;
void pageMatches;
void apiUserMatches;
