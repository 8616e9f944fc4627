import { describe, expect, it } from "vitest";
import { describePasswordPolicy, generatePassword, passwordPolicyViolation } from "@/lib/auth/password-policy";

/*
 * Issue 12 item 13: the forms show the connection's password policy before any refusal, and Generate fills
 * in a password that the server's check accepts.
 */

describe("the password policy hint", () => {
  it.each([
    [{ passwordMinLength: 8, passwordMinCharClasses: 3 }, "At least 8 characters, with at least 3 of: lower-case letters, upper-case letters, digits, special characters."],
    [{ passwordMinLength: 12, passwordMinCharClasses: 2 }, "At least 12 characters, with at least 2 of: lower-case letters, upper-case letters, digits, special characters."],
    [{ passwordMinLength: 1, passwordMinCharClasses: 1 }, "At least 1 character."],
    [{ passwordMinLength: 10, passwordMinCharClasses: 0 }, "At least 10 characters."],
  ])("words %o", (policy, hint) => {
    expect(describePasswordPolicy(policy)).toBe(hint);
  });
});

describe("a generated password", () => {
  it.each([
    { passwordMinLength: 8, passwordMinCharClasses: 3 },
    { passwordMinLength: 1, passwordMinCharClasses: 4 },
    { passwordMinLength: 64, passwordMinCharClasses: 4 },
  ])("passes the policy %o every time, and is never shorter than 20", (policy) => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(policy);
      expect(passwordPolicyViolation(password, policy)).toBeNull();
      expect(password.length).toBe(Math.max(20, policy.passwordMinLength));
    }
  });

  it("has every character class even when the random source always picks the first character", () => {
    const password = generatePassword({ passwordMinLength: 8, passwordMinCharClasses: 4 }, () => 0);
    expect(passwordPolicyViolation(password, { passwordMinLength: 20, passwordMinCharClasses: 4 })).toBeNull();
  });

  it("differs between calls", () => {
    const policy = { passwordMinLength: 8, passwordMinCharClasses: 3 };
    expect(new Set(Array.from({ length: 50 }, () => generatePassword(policy))).size).toBe(50);
  });
});
