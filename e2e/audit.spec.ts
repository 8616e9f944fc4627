import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { ADMINS, confirmIn, createUser, signIn, toast, uniqueEmail } from "./fixtures";

/* Issue 13: the diff of a change, the chain's Verify and checkpoint, the log's export, delete and restore. */

test("a change shows as a diff on the user page and the logs page", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const email = uniqueEmail("diff");
  await createUser(page, { email });
  await page.getByRole("button", { name: "Block" }).click();
  await confirmIn(page, "Block this user?", "Block user");
  await expect(page.getByRole("button", { name: "Unblock" })).toBeVisible();

  await page.reload();
  const changes = page.getByRole("list", { name: "Changes" });
  await expect(changes.first()).toContainText("blocked: was false → now true");
  await page.getByRole("link", { name: "All entries about this user in the logs" }).click();
  await expect(page.getByRole("heading", { name: "Logs", level: 1 })).toBeVisible();
  await expect(page.getByRole("list", { name: "Changes" }).first()).toContainText("blocked: was false → now true");
});

test("an Auditor verifies the audit log and exports a checkpoint that verifies later", async ({ page }) => {
  await signIn(page, ADMINS.aud);
  await page.goto("/logs");
  await page.getByText("Verify the audit log").click();
  const form = page.getByRole("form", { name: "Verify the audit log" });

  const downloading = page.waitForEvent("download");
  await form.getByRole("button", { name: "Export checkpoint" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^delegate-audit-checkpoint-\d+\.json$/);
  const checkpoint = fs.readFileSync(await download.path(), "utf8");
  expect(JSON.parse(checkpoint)).toMatchObject({ seq: expect.stringMatching(/^\d+$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

  await form.getByLabel("Checkpoints (optional)").fill(checkpoint);
  await form.getByRole("button", { name: "Verify" }).click();
  const status = page.getByRole("status").filter({ hasText: "The audit log" });
  await expect(status).toContainText("The audit log is intact:");
  await expect(status).toContainText(`Checkpoint at entry ${JSON.parse(checkpoint).seq} matches.`);
});

test("the filtered log downloads as CSV", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  await page.goto("/logs?action=user.create");
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^delegate-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const [header, first] = fs.readFileSync(await download.path(), "utf8").split("\r\n");
  expect(header).toBe("seq,id,created_at,actor_id,actor_email,channel,action,target_user_id,target_email,ip_address,user_agent,result,error_message,details,prev_hash,hash");
  expect(first).toContain(",user.create,");
});

test("delete a user, find it under Deleted users and restore it", async ({ page }) => {
  await signIn(page, ADMINS.ian);
  const email = uniqueEmail("restore");
  await createUser(page, { email, memberships: ["HR"] });
  await page.getByRole("button", { name: "Delete" }).click();
  await confirmIn(page, "Delete this user?", "Delete user");
  await expect(page).toHaveURL(/\/users$/);

  await page.getByRole("link", { name: "Deleted users" }).click();
  await expect(page.getByRole("heading", { name: "Deleted users", level: 1 })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText(ADMINS.ian);
  await row.getByRole("button", { name: "Restore" }).click();
  await confirmIn(page, "Restore this user?", "Restore user");

  await expect(page.getByRole("heading", { name: email, level: 1 })).toBeVisible();
  await expect(toast(page)).toHaveText(`The user ${email} was restored.`);
  await expect(page.getByRole("region", { name: "Profile" })).toContainText("HR");
});

test("Deleted users is for Administrators only", async ({ page }) => {
  await signIn(page, ADMINS.olga);
  await expect(page.getByRole("link", { name: "Deleted users" })).toHaveCount(0);
  await page.goto("/users/deleted");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Only Administrators can see and restore deleted users.");
});
