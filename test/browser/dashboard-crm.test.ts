/**
 * Settings → CRM (docs/dashboard.md) in Chromium against the real worker, by keyboard
 * only: HubSpot's token typed, a stage ticked with Space, a field map's row changed, saved
 * from the keyboard; a refused name shown beside its row and read with it; the token never
 * shown back; the page fits a phone. Screenshots saved to test-results/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSite, edge, launch, newPage, signIn } from "./harness";

const admin = { Authorization: `Bearer ${inject("adminToken")}` };
const RESULTS = path.resolve(import.meta.dirname, "../../test-results");
const TOKEN = "pat-na1-browser-0123456789";

async function config(site: string): Promise<Record<string, any>> {
  const res = await fetch(`${edge}/v1/sites/${site}`, { headers: admin });
  if (!res.ok) throw new Error(`GET site answered ${res.status}`);
  return res.json();
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim());

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

describe("the CRM settings in the browser", () => {
  it("connects HubSpot by keyboard, shows a refused field map row beside it, and never shows the token back", async () => {
    mkdirSync(RESULTS, { recursive: true });
    const site = await createSite();
    const page = await newPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page);
    await page.goto(`${edge}/dashboard/settings?site=${site}#settings-hubspot`);

    // The token, then Tab through the app secret to the stages, Space ticking mql and sql.
    await page.focus("#f-crm-hubspot-accessToken");
    await page.keyboard.type(TOKEN);
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("f-crm-hubspot-appSecret");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("f-crm-hubspot-stages-lead");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    expect(await focused(page)).toBe("f-crm-hubspot-stages-sql");
    // On through the rest of the stages to the lifecycle map, each row's input in turn.
    for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("f-crm-hubspot-lifecycle-lead");
    // A field map row named in plain words; Enter in it saves the form.
    expect(await page.textContent("label[for=f-crm-hubspot-fields-title]")).toBe("Job title");
    await page.focus("#f-crm-hubspot-fields-title");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("job_function");
    await Promise.all([page.waitForURL(/done=hubspot/), page.keyboard.press("Enter")]);
    expect(await page.textContent(".notice")).toContain("Saved the HubSpot connection.");
    const saved = (await config(site)).crm.hubspot;
    expect([saved.accessToken, saved.stages, saved.fields.title]).toEqual([{ set: true }, ["mql", "sql"], "job_function"]);
    expect(await page.inputValue("#f-crm-hubspot-accessToken")).toBe("");
    expect(await page.content()).not.toContain(TOKEN);
    expect(await page.textContent("[data-crm-status]")).toBe("Status: Not tested yet.");

    // A name HubSpot would refuse: the row's error beside it, read with its input, nothing saved.
    await page.focus("#f-crm-hubspot-fields-phone");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Mobile Phone");
    // From the last row of the field map, Tab reaches the form's Save button.
    await page.focus("#f-crm-hubspot-fields-profile");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("Save the HubSpot connection");
    await Promise.all([page.waitForURL(/\/dashboard\/settings\/hubspot/), page.keyboard.press("Enter")]);
    expect(await page.textContent("#f-crm-hubspot-fields-phone-error")).toMatch(/^must be a HubSpot property's internal name/);
    expect(await page.getAttribute("#f-crm-hubspot-fields-phone", "aria-invalid")).toBe("true");
    expect(await page.getAttribute("#f-crm-hubspot-fields-phone", "aria-describedby")).toBe("f-crm-hubspot-fields-phone-error");
    expect(await page.inputValue("#f-crm-hubspot-fields-phone")).toBe("Mobile Phone");
    expect((await config(site)).crm.hubspot.fields.phone).toBe("phone");
    await page.screenshot({ path: path.join(RESULTS, "settings-crm.png"), fullPage: true });

    // At phone width the maps' two columns fit: nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${edge}/dashboard/settings?site=${site}#settings-hubspot`);
    const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(width.page).toBeLessThanOrEqual(width.window);
    await page.locator("#settings-hubspot").screenshot({ path: path.join(RESULTS, "settings-crm-phone.png") });

    // Disconnect, by its button's words.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.focus("button:text-is('Disconnect HubSpot: stop syncing leads')");
    await Promise.all([page.waitForURL(/done=hubspot-removed/), page.keyboard.press("Enter")]);
    expect(await page.textContent(".notice")).toBe("Disconnected HubSpot: no more leads will be synced to it.");
    expect((await config(site)).crm.hubspot).toBeUndefined();
    await page.close();
  });
});
