import type { PasswordPolicy } from "@/lib/auth/password";
import { AccountLinkError, describeLink } from "./redeem-links";
import type { AccountLinkKind } from "./tokens";

/** The policy in words, for the hint under the password field. */
export function describePolicy(policy: PasswordPolicy): string {
  const classes =
    policy.passwordMinCharClasses > 0
      ? `, with at least ${policy.passwordMinCharClasses} of: lower-case letters, upper-case letters, digits, special characters`
      : "";
  return `At least ${policy.passwordMinLength} characters${classes}.`;
}

/** What a link's page shows: the form for the user, or why the link cannot be used. */
export async function linkPage(kind: AccountLinkKind, token: string | string[] | undefined) {
  const value = typeof token === "string" ? token : undefined;
  try {
    const link = await describeLink(kind, value);
    return { ok: true as const, token: value!, email: link.email, policy: describePolicy(link.policy) };
  } catch (error) {
    if (error instanceof AccountLinkError) return { ok: false as const, message: error.message };
    throw error;
  }
}
