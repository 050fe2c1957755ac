/**
 * The settings and install pages (docs/dashboard.md, Settings and Install) in Chromium
 * against the real worker, through their forms only: an origin added, a webhook set, a
 * key created and shown once, an error beside its field; read back through the API, and
 * screenshots at laptop and phone widths saved to test-results/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSite, customer, edge, launch, newPage, signIn } from "./harness";

const admin = { Authorization: `Bearer ${inject("adminToken")}` };
const RESULTS = path.resolve(import.meta.dirname, "../../test-results");

async function config(site: string): Promise<Record<string, any>> {
  const res = await fetch(`${edge}/v1/sites/${site}`, { headers: admin });
  if (!res.ok) throw new Error(`GET site answered ${res.status}`);
  return res.json();
}

/** Submits the form holding `selector` with its button, and waits for the page it returns to. */
async function save(page: Page, selector: string, url: RegExp) {
  await Promise.all([page.waitForURL(url), page.locator(`form:has(${selector}) button[type=submit]`).click()]);
}

async function fitsWidth(page: Page) {
  const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
  expect(width.page).toBeLessThanOrEqual(width.window);
}

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

describe("settings in the browser", () => {
  it("adds an origin, sets a webhook, shows a refused field's error beside it, creates a read-only key shown once, and that key cannot edit", async () => {
    mkdirSync(RESULTS, { recursive: true });
    const site = await createSite();
    const page = await newPage(browser);
    const refused: string[] = [];
    // What the CSP refused (the refused origin's 400 is logged too, and expected).
    page.on("console", (m) => m.type() === "error" && m.text().includes("Content Security Policy") && refused.push(m.text()));
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page);
    await page.goto(`${edge}/dashboard/settings?site=${site}`);
    expect(await page.getAttribute('.site-nav a[aria-current="page"]', "href")).toBe(`/dashboard/settings?site=${site}`);

    // An origin added on a line of its own, saved by keyboard.
    await page.focus("#f-origins");
    await page.keyboard.press("End");
    await page.keyboard.type("\nhttps://shop.example.com");
    await page.keyboard.press("Tab"); // to the form's Save button
    await Promise.all([page.waitForURL(/done=origins/), page.keyboard.press("Enter")]);
    expect(await page.textContent(".notice")).toBe("Saved the allowed origins.");
    expect((await config(site)).origins).toEqual([customer, "https://shop.example.com"]);

    // A bad origin: refused beside its field, what was typed kept, nothing saved.
    await page.fill("#f-origins", `${customer}\nwww.example.com`);
    await save(page, "#f-origins", /\/dashboard\/settings\/origins/);
    expect(await page.textContent("#f-origins-error")).toMatch(/^line 2: must be an origin/);
    expect(await page.inputValue("#f-origins")).toBe(`${customer}\nwww.example.com`);
    expect(await page.getAttribute("#f-origins", "aria-describedby")).toContain("f-origins-error");
    expect((await config(site)).origins).toEqual([customer, "https://shop.example.com"]);

    // A webhook, hearing of SQLs only; its secret never comes back to the page.
    await page.goto(`${edge}/dashboard/settings?site=${site}`);
    await page.fill("#f-webhook-url", "http://127.0.0.1:9/hooks/edgescore");
    await page.fill("#f-webhook-secret", "whsec-browser-0123456789");
    await page.check("#f-webhook-stages-sql");
    await save(page, "#f-webhook-url", /done=webhook/);
    expect(await page.textContent(".notice")).toBe("Saved the webhook.");
    expect((await config(site)).webhook).toEqual({ url: "http://127.0.0.1:9/hooks/edgescore", secret: { set: true }, stages: ["sql"] });
    expect(await page.inputValue("#f-webhook-url")).toBe("http://127.0.0.1:9/hooks/edgescore");
    expect(await page.inputValue("#f-webhook-secret")).toBe("");
    expect(await page.content()).not.toContain("whsec-browser-0123456789");
    // The test ping has nowhere to go: the page says so.
    await Promise.all([page.waitForURL(/done=test-failed/), page.click("button:text-is('Send a test')")]);
    expect(await page.textContent(".notice")).toContain("not delivered");

    await page.screenshot({ path: path.join(RESULTS, "settings.png"), fullPage: true });

    // A key reading exports only, shown once.
    for (const scope of ["events:write", "profiles:read", "feedback:write"]) await page.uncheck(`#f-scopes-${scope.replace(":", "-")}`);
    await Promise.all([page.waitForURL(/\/dashboard\/settings\/keys/), page.click("button:text-is('Create a key')")]);
    const token = await page.inputValue("#f-key");
    expect(token).toMatch(/^esk_[\w-]{16}\.[\w-]{43}$/);
    expect(await page.textContent(".notice")).toContain("exports:read");
    const metrics = await fetch(`${edge}/v1/sites/${site}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    expect(metrics.status).toBe(200);
    await Promise.all([page.waitForURL(/\/dashboard\/settings\?/), page.click("a:text-is('Back to the settings')")]);
    expect(await page.content()).not.toContain(token);
    expect(await page.innerText(`tr[data-key="${token.slice(4, 20)}"]`)).toContain("exports:read");

    // Phone width: nothing but the tables' regions scrolls sideways.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await fitsWidth(page);
    await page.screenshot({ path: path.join(RESULTS, "settings-phone.png"), fullPage: true });

    await page.goto(`${edge}/dashboard/install?site=${site}`);
    expect(await page.inputValue("#f-install-tag")).toBe(`<script async src="${edge}/es.js" data-site="${site}"></script>`);
    await fitsWidth(page);
    await page.screenshot({ path: path.join(RESULTS, "install-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(RESULTS, "install.png"), fullPage: true });

    // Signed in with that key: it reads the reports, and sees no page or button that edits.
    await page.click("button:text-is('Sign out')");
    await signIn(page, token);
    expect(await page.$$eval("nav.site-nav a", (links) => links.map((a) => a.textContent))).toEqual(["Overview", "Install"]);
    expect(await page.locator("main form[method='post']").count()).toBe(0);
    expect(await page.isVisible('[data-kpi="mqls"]')).toBe(true);
    for (const pagePath of ["/dashboard/rules", "/dashboard/settings", "/dashboard/spend", "/dashboard/leads"]) {
      const res = await page.goto(`${edge}${pagePath}?site=${site}`);
      expect(res?.status(), pagePath).toBe(403);
    }
    expect(refused).toEqual([]);
    await page.close();
  });
});
