import { getPrisma } from "@/lib/db/client";
import { DomainError, mapPrismaError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Optimistic concurrency on users. A user's `version` is raised by a trigger on every UPDATE of its row
 * (migration user_version). A change made against the version a client read is written with
 * `WHERE id = … AND version = …` in the same statement, so of two changes made against one version
 * exactly one is written; the other is refused as stale (412), never applied over the first.
 */

/** The versions a change accepts: undefined when the client names none (the change applies to any). */
export type ExpectedVersions = readonly number[] | undefined;

/** A user's ETag: its version as a strong entity tag. */
export const userEtag = (version: number) => `"${version}"`;

const STRONG_TAG = /^"(\d{1,9})"$/;

/**
 * The versions an `If-Match` header accepts. Absent or `*` (any current representation): undefined.
 * Weak tags never match (If-Match compares strongly) and a tag that is not one of ours matches no
 * version, so such a header gives [] and the change is refused.
 */
export function versionsFromIfMatch(header: string | null): ExpectedVersions {
  if (header === null || header.trim() === "*") return undefined;
  return header
    .split(",")
    .map((tag) => STRONG_TAG.exec(tag.trim()))
    .flatMap((match) => (match ? [Number(match[1])] : []));
}

export function staleUserError(): DomainError {
  return new DomainError(
    "precondition_failed",
    "Someone else changed this user after you loaded it, so your change was not saved. Reload the page to see their change, then make yours again.",
  );
}

/** Refuses a change at once when the version read is not one the client accepts (no work done for nothing). */
export function assertExpectedVersion(expected: ExpectedVersions, current: number): void {
  if (expected !== undefined && !expected.includes(current)) throw staleUserError();
}

/**
 * The error of a conditional write that failed: with expected versions, "no row matched" means the user
 * changed (412) or is gone (404); anything else as mapPrismaError says.
 */
export async function refuseStaleWrite(error: unknown, userId: string, expected: ExpectedVersions): Promise<never> {
  if (expected !== undefined && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") {
    const prisma = await getPrisma();
    if ((await prisma.user.count({ where: { id: userId } })) > 0) throw staleUserError();
  }
  return mapPrismaError(error);
}
