/**
 * The leads pages in Chromium against the real worker: find a lead by name, read its
 * explanation and why an event gave nothing, mark it SQL through the form; screenshots
 * at laptop and phone widths in test-results/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSite, customer, edge, launch, newPage, signIn, uid } from "./harness";

const admin = { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" };
const RESULTS = path.resolve(import.meta.dirname, "../../test-results");

let browser: Awaited<ReturnType<typeof launch>>;
let site: string;
beforeAll(async () => {
  browser = await launch();
  site = await createSite({ name: "Acme Leads" });
  const email = "ada@analytical.example";
  const at = Date.now();
  const events = [
    { type: "identify", traits: { name: "Ada Lovelace", company: "Analytical Engines", title: "VP Marketing" } },
    { type: "pageview", url: `${customer}/pricing` },
    { type: "pageview", url: `${customer}/blog` },
    { type: "track", name: "demo_request" },
  ].map((e) => ({ id: uid("e"), email, ts: at, ...e }));
  const res = await fetch(`${edge}/v1/sites/${site}/events`, { method: "POST", headers: admin, body: JSON.stringify(events) });
  if (!res.ok) throw new Error(`events answered ${res.status}: ${await res.text()}`);
});
afterAll(() => browser?.close());

describe("leads pages", () => {
  it("find a lead, read its explanation, mark it SQL", async () => {
    mkdirSync(RESULTS, { recursive: true });
    const page = await newPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page);

    await page.goto(`${edge}/dashboard/leads?site=${site}`);
    await page.fill("#q", "lovelace");
    await Promise.all([page.waitForURL(/q=lovelace/), page.press("#q", "Enter")]);
    const row = page.locator(".lead-results tbody tr");
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/Ada Lovelace\s+ada@analytical.example\s+Analytical Engines\s+mql\s+50/);
    await page.screenshot({ path: path.join(RESULTS, "leads-search.png"), fullPage: true });
    await Promise.all([page.waitForURL(/\/dashboard\/leads\/[0-9a-f]{64}\?/), row.locator("a").click()]);

    expect(await page.textContent("h1")).toBe("Ada Lovelace");
    const explanation = await page.innerText("table.explanation");
    expect(explanation).toContain("demo_request");
    expect(explanation).toContain("track demo_request");
    expect(await page.textContent('table.timeline [data-reason="no_rule"]')).toBe("No rule matched");

    await page.selectOption("#stage", "sql");
    await page.fill("#reasonCode", "meeting_booked");
    await page.fill("#reason", "Booked a discovery call");
    await Promise.all([page.waitForURL(/done=sql/), page.click("form.form button")]);
    expect(await page.textContent(".notice")).toBe("Marked SQL.");
    expect(await page.textContent(".heading .stage")).toBe("sql");
    expect(await page.innerText("main")).toContain("Booked a discovery call");
    await page.screenshot({ path: path.join(RESULTS, "lead.png"), fullPage: true });

    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(width.page).toBeLessThanOrEqual(width.window);
    await page.screenshot({ path: path.join(RESULTS, "lead-phone.png"), fullPage: true });
    await page.close();
  });
});
