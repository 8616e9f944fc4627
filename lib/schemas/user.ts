import { z } from "zod";
import {
  emailSchema,
  familyNameSchema,
  givenNameSchema,
  membershipsSchema,
  metadataSchema,
  nameSchema,
  passwordSchema,
  phoneNumberSchema,
  textSchema,
  usernameSchema,
} from "./common";

/** POST /api/v2/users and the core of the console's create form. */
export const createUserSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  connection: textSchema({ error: "Choose a connection." }).trim().min(1, "Choose a connection."),
  username: usernameSchema.optional().or(z.literal("").transform(() => undefined)),
  memberships: membershipsSchema.default([]),
  name: nameSchema,
  given_name: givenNameSchema,
  family_name: familyNameSchema,
  phone_number: phoneNumberSchema,
  email_verified: z.boolean().default(false),
  user_metadata: metadataSchema.default({}),
  app_metadata: metadataSchema.default({}),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

/** The console form adds the repeated password; the API does not need it. */
export const createUserFormSchema = createUserSchema
  .extend({ repeatPassword: textSchema() })
  .refine((input) => input.password === input.repeatPassword, {
    path: ["repeatPassword"],
    message: "The passwords do not match.",
  });
export type CreateUserFormInput = z.input<typeof createUserFormSchema>;

/** PATCH /api/v2/users/:id and every console action on one user. */
export const updateUserSchema = z
  .object({
    email: emailSchema,
    username: usernameSchema.nullable(),
    password: passwordSchema,
    name: nameSchema,
    given_name: givenNameSchema,
    family_name: familyNameSchema,
    phone_number: phoneNumberSchema,
    email_verified: z.boolean(),
    phone_verified: z.boolean(),
    blocked: z.boolean(),
    memberships: membershipsSchema,
    user_metadata: metadataSchema,
    app_metadata: metadataSchema,
  })
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "Nothing to update: send at least one field." });
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const USER_SORT_FIELDS = ["email", "name", "created_at", "last_login"] as const;
export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** A search: a plain word (substring) or a query in Auth0's user-search syntax (lib/users/query). */
const searchSchema = textSchema().trim().max(1000).optional().transform((s) => s || undefined);

export const listUsersSchema = z.object({
  search: searchSchema,
  /** The Management API's name for the search, same syntax; `search` is the console's. */
  q: searchSchema,
  connection: textSchema().trim().max(200).optional().transform((s) => s || undefined),
  membership: textSchema().trim().max(100).optional().transform((s) => s || undefined),
  sort: z.enum(USER_SORT_FIELDS).default("email"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), { message: "per_page must be 10, 25, 50 or 100." })
    .default(25),
}).refine((input) => input.q === undefined || input.search === undefined, {
  path: ["q"],
  message: "Send the search as q or as search, not both.",
});
export type ListUsersInput = z.infer<typeof listUsersSchema>;
