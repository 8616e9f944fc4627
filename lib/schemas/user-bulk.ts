import { z } from "zod";
import { textSchema, uuidSchema } from "./common";
import { oneSearchParameter, userListFieldsSchema } from "./user";

export const BULK_ACTIONS = ["block", "unblock", "delete", "add_membership", "remove_membership", "send_password_reset"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
const MEMBERSHIP_ACTIONS: readonly BulkAction[] = ["add_membership", "remove_membership"];

/** Chosen users in one job; "all matching" (`query`) has no bound. */
export const BULK_JOB_IDS_MAX = 10_000;

/** The users list's search and filters: "all users matching" is exactly the admin's list with them. */
export const bulkQuerySchema = userListFieldsSchema.pick({ search: true, q: true, connection: true, membership: true }).strict().refine(...oneSearchParameter);

/** `POST /api/v2/jobs/users-bulk` and the console's bulk bar: one action over chosen users or over every user of the list. */
export const usersBulkJobSchema = z
  .object({
    action: z.enum(BULK_ACTIONS, { error: `action must be one of ${BULK_ACTIONS.join(", ")}.` }),
    /** The membership added or removed (add_membership, remove_membership only). */
    membership: textSchema({ error: "membership must be a name." }).trim().min(1, "Choose a membership.").max(100).optional(),
    user_ids: z
      .array(uuidSchema.transform((id) => id.toLowerCase()), { error: "user_ids must be a list of user ids." })
      .min(1, "Choose at least one user.")
      .max(BULK_JOB_IDS_MAX, `Choose at most ${BULK_JOB_IDS_MAX.toLocaleString("en-US")} users by id, or send query for every user of the list.`)
      .transform((ids) => [...new Set(ids)].sort())
      .optional(),
    query: bulkQuerySchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if ((input.user_ids === undefined) === (input.query === undefined)) {
      ctx.addIssue({ code: "custom", path: ["user_ids"], message: "Send either user_ids (chosen users) or query (every user of the list), not both." });
    }
    const needsMembership = MEMBERSHIP_ACTIONS.includes(input.action);
    if (needsMembership && input.membership === undefined) {
      ctx.addIssue({ code: "custom", path: ["membership"], message: `Choose the membership to ${input.action === "add_membership" ? "add" : "remove"}.` });
    } else if (!needsMembership && input.membership !== undefined) {
      ctx.addIssue({ code: "custom", path: ["membership"], message: "Only add_membership and remove_membership take a membership." });
    }
  });
export type UsersBulkJobInput = z.infer<typeof usersBulkJobSchema>;

/** `GET /api/v2/jobs/{id}/results`: a bulk job's per-user results, in the order they were done. */
export const jobResultsQuerySchema = z
  .object({
    /** Only refused users (`failed`) or only those done (`done`). */
    status: z.enum(["done", "failed"], { error: "status must be done or failed." }).optional(),
    /** The `next` of the previous page. */
    from: z.coerce.number({ error: "from must be a number." }).int().min(0).default(0),
    take: z.coerce.number({ error: "take must be a number." }).int().min(1).max(1000, "take must be at most 1000.").default(100),
  })
  .strict();
export type JobResultsQuery = z.infer<typeof jobResultsQuerySchema>;
