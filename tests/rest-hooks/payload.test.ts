import { describe, expect, it } from "vitest";
import type { EventUser, RegistrationEvent } from "@/lib/events/types";
import { formatRestHookTime, userRegisteredPayload } from "@/lib/rest-hooks/payload";

/** The User Registered REST hook body (seed 002) from a registration event, with literal expected values. */
const CREATED = Date.UTC(2019, 7, 10, 12, 30, 59, 999); // 2019-08-10 12:30:59.999
const UPDATED = Date.UTC(2020, 0, 2, 3, 4, 0, 0); // 2020-01-02 03:04

function event(user: Partial<EventUser>): RegistrationEvent {
  return {
    user: {
      id: "u1",
      email: "joe@smiths.com",
      active: true,
      verified: true,
      tenantId: "t1",
      usernameStatus: "ACTIVE",
      passwordChangeRequired: false,
      twoFactorEnabled: false,
      data: {},
      connectionId: "con_1",
      insertInstant: CREATED,
      lastUpdateInstant: UPDATED,
      ...user,
    },
  } as RegistrationEvent;
}

describe("formatRestHookTime", () => {
  it("is YYYY-MM-DD HH:mm in UTC, seconds cut, not rounded", () => {
    expect(formatRestHookTime(CREATED)).toBe("2019-08-10 12:30");
    expect(formatRestHookTime(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe("2026-12-31 23:59");
    expect(formatRestHookTime(0)).toBe("1970-01-01 00:00");
  });
});

describe("userRegisteredPayload", () => {
  it("maps every field of a complete user, in the seed's order", () => {
    const payload = userRegisteredPayload(
      event({
        fullName: "Joe Smith",
        firstName: "Joe",
        lastName: "Smith",
        data: { title: "Tree Surgeon", professional_reg_number: "ABC1234", company: "Palm Trees Inc.", country: "US", other: "x" },
      }),
    );
    expect(payload).toEqual({
      name: "Joe Smith",
      first_name: "Joe",
      last_name: "Smith",
      email: "joe@smiths.com",
      title: "Tree Surgeon",
      professional_reg_number: "ABC1234",
      company: "Palm Trees Inc.",
      country: "US",
      type: "Person",
      created_at: "2019-08-10 12:30",
      updated_at: "2020-01-02 03:04",
      confirmed: "true",
      confirmed_at: "2019-08-10 12:30",
    });
    expect(Object.keys(payload)).toEqual([
      "name", "first_name", "last_name", "email", "title", "professional_reg_number", "company", "country",
      "type", "created_at", "updated_at", "confirmed", "confirmed_at",
    ]);
  });

  it("sends null for what the user does not have, and an unconfirmed email as the string false without a date", () => {
    expect(userRegisteredPayload(event({ verified: false }))).toEqual({
      name: null,
      first_name: null,
      last_name: null,
      email: "joe@smiths.com",
      title: null,
      professional_reg_number: null,
      company: null,
      country: null,
      type: "Person",
      created_at: "2019-08-10 12:30",
      updated_at: "2020-01-02 03:04",
      confirmed: "false",
      confirmed_at: null,
    });
  });

  it("takes metadata text trimmed, numbers and booleans as text, and nothing else", () => {
    const payload = userRegisteredPayload(
      event({ data: { title: "  Chief  ", professional_reg_number: 42, company: false, country: "   " } }),
    );
    expect(payload).toMatchObject({ title: "Chief", professional_reg_number: "42", company: "false", country: null });
    const objects = userRegisteredPayload(event({ data: { title: { a: 1 }, company: ["x"], country: null } }));
    expect(objects).toMatchObject({ title: null, company: null, country: null });
  });
});
