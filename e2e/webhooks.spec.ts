import { expect, test, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { ADMINS, alertIn, createUser, signIn, uniqueEmail } from "./fixtures";
import { eventOf, Receiver, type ReceivedRequest } from "./support/receiver";

/*
 * Issue 4's browser test: Ian (Administrator) adds a webhook endpoint pointing at a real receiver on
 * 127.0.0.1 (the e2e server allowlists it, e2e/start-server.ts), sends a test event, and follows real
 * deliveries of the users he creates in the delivery log: a success, a failure (500), a redelivery.
 */

const REGISTRATION = "user.registration.create.complete";
/** Workers read the delivery settings at most this long after they are saved (lib/delivery/worker.ts). */
const SETTINGS_PICKUP_MS = 5000;

let receiver: Receiver;

test.beforeAll(async () => {
  receiver = await new Receiver().start();
});

test.afterAll(async () => {
  await receiver.close();
});

const main = (page: Page) => page.getByRole("main");
const deliveryRow = (page: Page, eventId: string) => main(page).getByRole("row").filter({ hasText: eventId });

/** The signing secret as the endpoint page reveals it. */
async function revealSecret(page: Page): Promise<string> {
  const panel = page.getByRole("region", { name: "Signing secret" });
  await panel.getByRole("button", { name: "Reveal secret" }).click();
  const secret = (await panel.getByLabel("Signing secret value").innerText()).trim();
  expect(secret).toMatch(/^whsec_/);
  return secret;
}

/** Verifies the request's Standard Webhooks signature with the `standardwebhooks` library (throws if it is wrong). */
function verify(secret: string, request: ReceivedRequest): void {
  new Webhook(secret).verify(request.body, request.headers);
}

/** Waits for the receiver to get the registration event of `email`. */
async function registrationOf(email: string, answeredStatus: number): Promise<ReceivedRequest> {
  let found: ReceivedRequest | undefined;
  await expect
    .poll(
      () => {
        found = receiver.requests.find((request) => eventOf(request)?.type === REGISTRATION && eventOf(request)?.user.email === email);
        return found?.answeredStatus;
      },
      { message: `the receiver gets the registration of ${email}`, timeout: 20_000 },
    )
    .toBe(answeredStatus);
  return found as ReceivedRequest;
}

/** Reloads the page until the delivery's row shows this status (the log also refreshes itself while deliveries are pending). */
async function expectDeliveryRow(page: Page, eventId: string, status: string, statusCode: string): Promise<void> {
  await expect(async () => {
    await page.reload();
    const row = deliveryRow(page, eventId);
    await expect(row.getByRole("cell").nth(3)).toContainText(status, { timeout: 1000 });
    await expect(row.getByRole("cell").nth(5)).toHaveText(statusCode, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

test("an Administrator adds an endpoint, sends a test event, and follows deliveries: success, failure, redelivery", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, ADMINS.ian);

  const settingsSavedAt = await test.step("one attempt per delivery, so that a 500 fails at once", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("navigation", { name: "Webhooks sections" }).getByRole("link", { name: "Delivery settings" }).click();
    await expect(page.getByRole("heading", { name: "Delivery settings", level: 1 })).toBeVisible();
    const schedule = page.getByLabel("Retry schedule");
    await schedule.fill("0, 5x");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(alertIn(page)).toContainText('"5x" is not a duration');
    await expect(schedule).toHaveAttribute("aria-invalid", "true");
    await schedule.fill("0");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(main(page).getByRole("status")).toContainText("Saved.");
    return Date.now();
  });

  const endpointUrl = `${receiver.origin}/hooks/delegate`;
  await test.step("add an endpoint for the registration event, with a custom header", async () => {
    await page.getByRole("navigation", { name: "Webhooks sections" }).getByRole("link", { name: "Endpoints" }).click();
    await main(page).getByRole("link", { name: "Add endpoint" }).click();
    await expect(page.getByRole("heading", { name: "Add endpoint", level: 1 })).toBeVisible();
    const form = page.getByRole("form", { name: "Add endpoint" });

    await form.getByLabel("URL").fill("ftp://example.com/hooks");
    await form.getByRole("button", { name: "Add endpoint" }).click();
    await expect(alertIn(page)).toHaveText("The URL must start with https:// or http://.");
    await expect(form.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");

    await form.getByLabel("URL").fill(endpointUrl);
    await form.getByLabel("Description").fill("E2E receiver");
    await expect(form.getByRole("checkbox", { name: REGISTRATION })).toBeChecked();
    await form.getByRole("button", { name: "Add header" }).click();
    await form.getByLabel("Name of header 1").fill("X-Team");
    await form.getByLabel("Value of header 1").fill("e2e");
    await form.getByLabel("Connect timeout (ms)").fill("2000");
    await form.getByRole("button", { name: "Add endpoint" }).click();

    await expect(page.getByRole("heading", { name: endpointUrl, level: 1 })).toBeVisible();
    await expect(main(page).getByRole("status").filter({ hasText: "The endpoint is added." })).toBeVisible();
    await expect(page.getByRole("form", { name: "Endpoint settings" }).getByLabel("Connect timeout (ms)")).toHaveValue("2000");
  });
  const endpointPath = new URL(page.url()).pathname;
  const secret = await revealSecret(page);

  await test.step("send an edited test event and see the receiver's answer", async () => {
    const panel = page.getByRole("region", { name: "Send test event" });
    const editor = panel.getByLabel("Event (JSON)");
    const example = JSON.parse(await editor.inputValue()) as { event: { id: string; type: string; user: { email: string } } };
    expect(example.event.type).toBe(REGISTRATION);
    example.event.user.email = "edited-test-event@example.com";
    await editor.fill(JSON.stringify(example, null, 2));
    receiver.respondWith(200, '{"received":"the test event"}');
    await panel.getByRole("button", { name: "Send test event" }).click();

    const response = panel.getByRole("status", { name: "Test event response" });
    await expect(response).toContainText("Succeeded");
    await expect(response).toContainText("Status 200");
    await expect(response).toContainText(/in [\d.]+ m?s/);
    await expect(response.getByLabel("Response body")).toHaveText('{"received":"the test event"}');

    const [received] = receiver.withEventId(example.event.id);
    expect(received.headers["webhook-id"]).toBe(example.event.id);
    expect(received.headers["x-team"]).toBe("e2e");
    expect(eventOf(received)?.user.email).toBe("edited-test-event@example.com");
    verify(secret, received);
  });
  receiver.respondWith(200, '{"received":true}');

  await test.step("a user created in the console is delivered and the log shows the success", async () => {
    const email = uniqueEmail("webhook-ok");
    await createUser(page, { email });
    const userId = new URL(page.url()).pathname.split("/").pop();
    const received = await registrationOf(email, 200);
    const event = eventOf(received);
    expect(event?.type).toBe(REGISTRATION);
    expect(event?.user.id).toBe(userId);
    expect(received.headers["webhook-id"]).toBe(event?.id);
    expect(received.headers["x-team"]).toBe("e2e");
    verify(secret, received);

    await page.goto(endpointPath);
    await expectDeliveryRow(page, event?.id ?? "", "Succeeded", "200");
    await expect(deliveryRow(page, event?.id ?? "").getByRole("cell").nth(1)).toHaveText(REGISTRATION);
  });

  const failedEventId = await test.step("the receiver fails: the log shows the failed attempt (500)", async () => {
    receiver.respondWith(500, '{"error":"receiver down"}');
    // The single-attempt schedule must be in force before this delivery is attempted.
    await expect.poll(() => Date.now() - settingsSavedAt, { timeout: SETTINGS_PICKUP_MS + 5000 }).toBeGreaterThan(SETTINGS_PICKUP_MS + 500);
    const email = uniqueEmail("webhook-fail");
    await createUser(page, { email });
    const event = eventOf(await registrationOf(email, 500));
    const eventId = event?.id ?? "";

    await page.goto(endpointPath);
    await expectDeliveryRow(page, eventId, "Failed", "500");
    await main(page).getByLabel("Status", { exact: true }).selectOption("failed");
    await expect(page).toHaveURL(/status=failed/);
    await expect(deliveryRow(page, eventId)).toBeVisible();

    await deliveryRow(page, eventId).getByRole("link").click();
    await expect(page.getByRole("heading", { name: `Delivery of ${REGISTRATION}`, level: 1 })).toBeVisible();
    const attempts = page.getByRole("region", { name: "Attempts" }).getByRole("row");
    await expect(attempts).toHaveCount(2);
    await expect(attempts.nth(1)).toContainText("Failed");
    await expect(attempts.nth(1)).toContainText("500");
    await expect(attempts.nth(1)).toContainText('{"error":"receiver down"}');
    return eventId;
  });

  await test.step("the receiver recovers: Redeliver sends the same event again and it succeeds", async () => {
    receiver.respondWith(200, '{"received":"again"}');
    await page.getByRole("region", { name: "Delivery", exact: true }).getByRole("button", { name: "Redeliver" }).click();
    const attempts = page.getByRole("region", { name: "Attempts" }).getByRole("row");
    await expect(async () => {
      await page.reload();
      await expect(attempts).toHaveCount(3, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(attempts.nth(2)).toContainText("Succeeded");
    await expect(attempts.nth(2)).toContainText('{"received":"again"}');

    const sent = receiver.withEventId(failedEventId);
    expect(sent.map((request) => request.answeredStatus)).toEqual([500, 200]);
    expect(sent.map((request) => request.headers["webhook-id"])).toEqual([failedEventId, failedEventId]);
    verify(secret, sent[1]);

    await page.goto(endpointPath);
    await expectDeliveryRow(page, failedEventId, "Succeeded", "200");
    await expect(deliveryRow(page, failedEventId).getByRole("cell").nth(4)).toHaveText("2");
  });

  await test.step("clean up: delete the endpoint and restore the default retry schedule", async () => {
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByRole("dialog", { name: "Delete this endpoint?" }).getByRole("button", { name: "Delete endpoint" }).click();
    await expect(main(page).getByRole("status")).toHaveText(`The endpoint ${endpointUrl} is deleted.`);
    await expect(main(page).getByRole("link", { name: endpointUrl })).toHaveCount(0);

    await page.goto("/webhooks/settings");
    await page.getByLabel("Retry schedule").fill("");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(main(page).getByRole("status")).toContainText("Saved.");
    await page.reload();
    await expect(page.getByLabel("Retry schedule")).toHaveValue("");
    await expect(page.getByLabel("Retry schedule")).toHaveAttribute("placeholder", "0, 5s, 5m, 30m, 2h, 5h, 10h, 10h");
  });
});

test("only Administrators see the Webhooks pages", async ({ page }) => {
  await signIn(page, ADMINS.olga);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" })).toHaveCount(0);
  for (const path of ["/webhooks", "/webhooks/new", "/webhooks/rest-hooks", "/webhooks/settings"]) {
    await page.goto(path);
    await expect(alertIn(page)).toHaveText("Only Administrators can manage webhooks and REST hooks.");
    await expect(page.getByRole("button")).toHaveText(["Sign out"]);
  }
});
