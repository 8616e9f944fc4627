import { describe, expect, it } from "vitest";
import { fieldsNotKept, notKeptMessage } from "@/lib/users/fields-not-kept";
import type { UserProfile } from "@/lib/users/profile";

const stored: UserProfile = {
  user_id: "3f1c7a52-5a0e-4b8e-9a55-0c3d0f7f3a10",
  email: "ana@example.com",
  email_verified: false,
  username: "ana",
  name: null,
  given_name: "Ana",
  family_name: null,
  phone_number: null,
  phone_verified: false,
  user_metadata: { title: "Analyst", address: { city: "Lyon", zip: "69001" } },
  app_metadata: { department: "Finance" },
  blocked: false,
  connection: "Username-Password-Authentication",
  connection_id: "con_1",
  created_at: "2026-12-07T04:00:00.000Z",
  updated_at: "2026-12-07T04:00:00.000Z",
  last_login: null,
  logins_count: 0,
};

describe("fieldsNotKept", () => {
  it("names a typed field the stored user does not have (the seed Write Hook drops Name)", () => {
    expect(fieldsNotKept({ email: "ana@example.com", name: "Ana Lima" }, stored)).toEqual(["Name"]);
  });

  it("names nothing when every sent field was kept: email case and surrounding spaces do not count", () => {
    expect(fieldsNotKept({ email: " Ana@Example.com ", username: "ana", given_name: "Ana " }, stored)).toEqual([]);
  });

  it("a blank text field is nothing sent; clearing (null) a field that is still set is not kept", () => {
    expect(fieldsNotKept({ name: "", family_name: "  " }, stored)).toEqual([]);
    expect(fieldsNotKept({ username: null }, stored)).toEqual(["Username"]);
    expect(fieldsNotKept({ name: null }, stored)).toEqual([]);
  });

  it("compares memberships as a set, against app_metadata.department when there is no memberships array", () => {
    expect(fieldsNotKept({ memberships: ["Finance"] }, stored)).toEqual([]);
    expect(fieldsNotKept({ memberships: ["Finance", "IT"] }, stored)).toEqual(["Memberships"]);
    expect(fieldsNotKept({ memberships: [] }, stored)).toEqual(["Memberships"]);
    const member = { ...stored, app_metadata: { memberships: ["IT", "HR"] } };
    expect(fieldsNotKept({ memberships: ["HR", "IT"] }, member)).toEqual([]);
  });

  it("compares metadata key by key, objects whatever their key order", () => {
    expect(fieldsNotKept({ user_metadata: { address: { zip: "69001", city: "Lyon" } } }, stored)).toEqual([]);
    expect(fieldsNotKept({ user_metadata: { title: "Manager", floor: 3 }, app_metadata: { department: "Finance" } }, stored)).toEqual([
      "user_metadata.title",
      "user_metadata.floor",
    ]);
    expect(fieldsNotKept({ user_metadata: { floor: null } }, stored)).toEqual([]);
    expect(fieldsNotKept({ user_metadata: { title: null } }, stored)).toEqual(["user_metadata.title"]);
    expect(fieldsNotKept({ app_metadata: { tags: ["a", "b"] } }, { ...stored, app_metadata: { tags: ["a"] } })).toEqual(["app_metadata.tags"]);
  });

  it("lists fields in form order", () => {
    expect(fieldsNotKept({ phone_number: "+33 6 00 00 00 00", email: "other@example.com", memberships: ["IT"] }, stored)).toEqual([
      "Email",
      "Phone number",
      "Memberships",
    ]);
  });
});

describe("notKeptMessage", () => {
  it("is null when all was kept, a sentence naming the fields otherwise", () => {
    expect(notKeptMessage([])).toBeNull();
    expect(notKeptMessage(["Name"])).toBe("The Write Hook did not keep: Name.");
    expect(notKeptMessage(["Name", "user_metadata.title"])).toBe("The Write Hook did not keep: Name, user_metadata.title.");
  });
});
