import { expect, type Page } from "@playwright/test";
import type { HookKind } from "../../lib/hooks/kinds";
import { toast } from "../fixtures";

/*
 * The e2e suite shares one database: a spec that saves or deploys a hook must leave the hook as it found
 * it, or a later spec runs under its rule (a Write Hook reading `ctx.payload.email` refused every
 * metadata-only update once). `withHookRestored` is the one way a spec changes a hook.
 */

export interface HookVersionNumbers {
  /** The version that runs. */
  deployed: number;
  /** The newest version: the deployed one, or a draft saved after it. */
  newest: number;
}

const versionsTable = (page: Page) => page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Reason" }) });

/** Opens the hook's page (leaving the current page even with unsaved code) and reads its version numbers. */
export async function openHook(page: Page, kind: HookKind): Promise<HookVersionNumbers> {
  const leave = (dialog: { type(): string; accept(): Promise<void> }) => void (dialog.type() === "beforeunload" && dialog.accept());
  page.on("dialog", leave);
  try {
    await page.goto(`/hooks/${kind}`);
  } finally {
    page.off("dialog", leave);
  }
  await expect(page.locator(".monaco-editor .view-lines").first()).toContainText("function");
  const rows = versionsTable(page).getByRole("rowheader");
  const deployed = Number.parseInt(await rows.filter({ hasText: "Deployed" }).innerText(), 10);
  const newest = Number.parseInt(await rows.first().innerText(), 10);
  return { deployed, newest };
}

/** The row of `version` in the hook page's list of versions. */
export const versionRow = (page: Page, version: number) =>
  versionsTable(page)
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${version}( Deployed)?$`) }) });

/** Deploys `version` again, which also drops any draft saved after it; the new version's number. */
export async function restoreHookVersion(page: Page, version: number, newest: number): Promise<number> {
  await versionRow(page, version).getByRole("button", { name: "Restore" }).click();
  await page.getByRole("dialog", { name: `Restore version ${version}?` }).getByRole("button", { name: `Restore version ${version}` }).click();
  await expect(toast(page)).toHaveText(`Version ${version} restored as version ${newest + 1}.`);
  return newest + 1;
}

/**
 * Runs `change` on a hook that starts with no draft pending (a draft left by another spec is dropped
 * first), then deploys the starting code again unless the hook's newest version is still the one it
 * started with: also when `change` failed half-way.
 */
export async function withHookRestored(
  page: Page,
  kind: HookKind,
  change: (versions: HookVersionNumbers) => Promise<void>,
): Promise<void> {
  let versions = await openHook(page, kind);
  if (versions.newest !== versions.deployed) {
    const deployed = await restoreHookVersion(page, versions.deployed, versions.newest);
    versions = { deployed, newest: deployed };
  }
  try {
    await change(versions);
  } finally {
    const now = await openHook(page, kind);
    if (now.newest !== versions.deployed) await restoreHookVersion(page, versions.deployed, now.newest);
  }
}
