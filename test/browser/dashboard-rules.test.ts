/**
 * The scoring rules page in Chromium against the real worker (docs/dashboard.md, Scoring
 * rules): a marketer changes a rule's points in the draft, the preview names the lead
 * that would move, publishes with a note, the lead's score changes, the history shows the
 * note, and rolls back. Screenshots at laptop and phone widths go to test-results/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSite, customer, edge, launch, newPage, signIn, uid, until } from "./harness";

const admin = { Authorization: `Bearer ${inject("adminToken")}` };
const RESULTS = path.resolve(import.meta.dirname, "../../test-results");

async function lookup(site: string, email: string): Promise<{ stage: string; score: { total: number } } | null> {
  const res = await fetch(`${edge}/v1/sites/${site}/profiles/lookup`, {
    method: "POST", headers: { ...admin, "Content-Type": "application/json" }, body: JSON.stringify({ email }),
  });
  return res.ok ? res.json() as Promise<{ stage: string; score: { total: number } }> : null;
}

let browser: Awaited<ReturnType<typeof launch>>;
let site: string;
beforeAll(async () => {
  browser = await launch();
  site = await createSite({ name: "Rules Co" });
  // A VP at a 201–500 company who viewed pricing: fit 20, engagement 15, total 35, a lead short of an MQL (50).
  const event = (type: string, extra: Record<string, unknown>) => ({ id: uid("e"), type, ts: Date.now(), url: `${customer}/pricing`, ...extra });
  const res = await fetch(`${edge}/v1/collect`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", Origin: customer },
    body: JSON.stringify({ site, vid: uid("v"), sid: "s1", events: [
      event("pageview", { props: { title: "Pricing" } }),
      event("identify", { traits: { email: "lin@example.com", name: "Lin Mei", title: "VP Sales", companySize: "201-500" } }),
    ] }),
  });
  if (!res.ok) throw new Error(`collect answered ${res.status}`);
  await until(async () => (await lookup(site, "lin@example.com"))?.score.total === 35, "the lead scored");
});
afterAll(() => browser?.close());

describe("scoring rules page", () => {
  it("changes a rule's points, previews who moves, publishes with a note, and rolls back", async () => {
    mkdirSync(RESULTS, { recursive: true });
    const page = await newPage(browser);
    const violations: string[] = [];
    page.on("console", (m) => m.type() === "error" && violations.push(m.text()));
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page);

    // By the site navigation, then the keyboard: start a draft.
    await page.goto(`${edge}/dashboard?site=${site}`);
    await Promise.all([page.waitForURL(/\/dashboard\/rules\?/), page.click("nav.site-nav >> text=Scoring rules")]);
    expect(await page.innerText('#live [data-rule="pricing_visit"]')).toContain("a page view of /pricing, /pricing/**, /plans or /plans/**");
    await page.focus("text=Start a draft from the live rules");
    await Promise.all([page.waitForURL(/done=started/), page.keyboard.press("Enter")]);
    expect(await page.textContent(".notice")).toBe("A draft was started from the live rules.");

    // Change pricing_visit's points: a wrong value first, refused beside its field.
    await Promise.all([page.waitForURL(/edit=pricing_visit/), page.click('[aria-label="Change rule pricing_visit"]')]);
    await page.fill("#points", "0");
    await page.click("text=Save the rule in the draft");
    expect(await page.textContent("#points-error")).toBe("points must not be 0");
    expect(await page.getAttribute("#points", "aria-invalid")).toBe("true");
    await page.fill("#points", "40");
    await Promise.all([page.waitForURL(/done=saved/), page.click("text=Save the rule in the draft")]);
    expect(await page.textContent(".notice")).toBe("The rule was saved in the draft.");
    expect(await page.innerText('#draft [data-rule="pricing_visit"]')).toContain("+40");

    // The preview names the lead that would become an MQL.
    await Promise.all([page.waitForURL(/preview=1/), page.click("text=Preview the draft against every lead")]);
    expect(await page.textContent("#preview")).toContain("1 lead would change stage");
    const mover = await page.innerText("#preview [data-mover]");
    expect(mover).toContain("Lin Mei · lin@example.com");
    expect(mover).toMatch(/lead\s*→\s*mql/);
    await page.screenshot({ path: path.join(RESULTS, "dashboard-rules.png"), fullPage: true });

    // Publish with a note: the lead's score changes, the history shows the note.
    await page.fill("#publish-note", "Pricing visits count more");
    await Promise.all([page.waitForURL(/done=published/), page.click("text=Publish as rules version 2")]);
    expect(await page.textContent(".notice")).toContain("The draft was published");
    expect(await page.innerText('[data-version="2"]')).toMatch(/draft published\s+admin token\s+Pricing visits count more/);
    const published = await until(async () => {
      const lead = await lookup(site, "lin@example.com");
      return lead?.score.total === 50 && lead; // pricing_visit is capped at 30
    }, "the lead rescored under version 2");
    expect(published.stage).toBe("mql");

    // Compare versions 1 and 2, then roll back.
    await page.selectOption("#from", "1");
    await page.selectOption("#to", "2");
    await Promise.all([page.waitForURL(/from=1&to=2/), page.click("form.compare button")]);
    expect(await page.innerText('[data-diff-changed="pricing_visit"]')).toContain("changed: points");
    await page.fill("#rollback-note", "Too generous");
    await Promise.all([page.waitForURL(/done=rolled-back/), page.click("text=Roll back to version 1")]);
    expect(await page.textContent(".notice")).toContain("rolled back");
    expect(await page.innerText('[data-version="3"]')).toMatch(/rolled back 2, restoring 1\s+admin token\s+Too generous/);
    await until(async () => (await lookup(site, "lin@example.com"))?.score.total === 35, "the lead rescored under version 3");

    // At phone width the page does not scroll sideways; wide tables scroll inside their region.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${edge}/dashboard/rules?site=${site}`);
    const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(width.page).toBeLessThanOrEqual(width.window);
    await page.screenshot({ path: path.join(RESULTS, "dashboard-rules-phone.png"), fullPage: true });
    // The refused form answers 400 on purpose; nothing else (no CSP refusal) is an error.
    expect(violations.filter((v) => !v.includes("status of 400"))).toEqual([]);
    await page.close();
  });
});
