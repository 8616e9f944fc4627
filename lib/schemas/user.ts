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

const createUserFields = z.object({
  email: emailSchema,
  /** Left out with `send_invitation`: the user chooses it through the invitation link. */
  password: passwordSchema.optional(),
  /** Invite instead of setting a password (the user gets a single-use link by mail). */
  send_invitation: z.boolean().default(false),
  /** A temporary password: the users' sign-in page asks for a new one before finishing the sign-in. */
  password_change_required: z.boolean().default(false),
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

type CreateUserFields = z.output<typeof createUserFields>;

/** A password, or an invitation: exactly one of the two. */
function checkPasswordOrInvitation(input: CreateUserFields, ctx: z.RefinementCtx) {
  if (input.send_invitation && input.password !== undefined) {
    ctx.addIssue({ code: "custom", path: ["password"], message: "Leave the password out when sending an invitation: the user chooses it." });
  } else if (!input.send_invitation && input.password === undefined) {
    ctx.addIssue({ code: "custom", path: ["password"], message: "Enter a password, or send an invitation (send_invitation: true)." });
  }
  if (input.send_invitation && input.password_change_required) {
    ctx.addIssue({ code: "custom", path: ["password_change_required"], message: "An invited user chooses their own password; there is nothing to change." });
  }
}

/** POST /api/v2/users and the core of the console's create form. */
export const createUserSchema = createUserFields.superRefine(checkPasswordOrInvitation);
export type CreateUserInput = z.infer<typeof createUserSchema>;

/**
 * The console form adds the repeated password and sends empty password fields when it invites;
 * the API does not need either.
 */
export const createUserFormSchema = z
  .preprocess(
    (raw) => {
      if (!raw || typeof raw !== "object") return raw;
      const input = raw as Record<string, unknown>;
      if (input.send_invitation !== true) return input;
      const { password: _password, repeatPassword: _repeat, ...rest } = input;
      return rest;
    },
    createUserFields.extend({ repeatPassword: textSchema().optional() }),
  )
  .superRefine(checkPasswordOrInvitation)
  .refine((input) => input.send_invitation || input.password === input.repeatPassword, {
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
    /** With a password: it is temporary, the users' sign-in page asks for a new one. Alone: sets or clears the demand. */
    password_change_required: z.boolean(),
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
/** What else a column can sort by: the user fields a Settings Query Hook's list column may show with `sort: true`. */
const SORTABLE_PROPERTY = /^(?:updated_at|username|given_name|family_name|phone_number|logins_count|(?:app|user)_metadata(?:\.[A-Za-z0-9_-]{1,64}){1,5})$/;
const userSortSchema = z
  .string()
  .trim()
  .max(400)
  .refine((sort) => (USER_SORT_FIELDS as readonly string[]).includes(sort) || SORTABLE_PROPERTY.test(sort), {
    message: "sort must be email, name, created_at, last_login, updated_at, username, given_name, family_name, phone_number, logins_count, or app_metadata.<path> / user_metadata.<path>.",
  });
export type UserSort = z.infer<typeof userSortSchema>;
export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** A search: a plain word (substring) or a query in Auth0's user-search syntax (lib/users/query). */
const searchSchema = textSchema().trim().max(1000).optional().transform((s) => s || undefined);

/** The list's search, filters and order: the users list's page and the export share them. */
export const userListFieldsSchema = z.object({
  search: searchSchema,
  /** The Management API's name for the search, same syntax; `search` is the console's. */
  q: searchSchema,
  connection: textSchema().trim().max(200).optional().transform((s) => s || undefined),
  membership: textSchema().trim().max(100).optional().transform((s) => s || undefined),
  sort: userSortSchema.default("email"),
  order: z.enum(["asc", "desc"]).default("asc"),
});

export const oneSearchParameter: [(input: { q?: string; search?: string }) => boolean, { path: string[]; message: string }] = [
  (input) => input.q === undefined || input.search === undefined,
  { path: ["q"], message: "Send the search as q or as search, not both." },
];

/** A page link's position in the list (lib/users/list-sort.ts), opaque to clients. */
const cursorSchema = textSchema().trim().max(700).optional().transform((cursor) => cursor || undefined);

export const listUsersSchema = userListFieldsSchema
  .extend({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    /** The page after this position (the `next` of the page before), instead of skipping `page - 1` pages. */
    after: cursorSchema,
    /** The page before this position (the `previous` of the page after). */
    before: cursorSchema,
    per_page: z.coerce
      .number()
      .int()
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), { message: "per_page must be 10, 25, 50 or 100." })
      .default(25),
  })
  .refine(...oneSearchParameter)
  .refine((input) => !(input.after && input.before), { path: ["before"], message: "Send after or before, not both." });
export type ListUsersInput = z.infer<typeof listUsersSchema>;

/** The "Deleted users" view's page. */
export const listDeletedUsersSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(10).max(100).default(50),
});
export type ListDeletedUsersInput = z.infer<typeof listDeletedUsersSchema>;
