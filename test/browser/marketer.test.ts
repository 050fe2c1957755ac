/**
 * A marketer's whole loop in Chromium, through the dashboard only (docs/dashboard.md):
 * spend entered for a source, a rule's points changed in a draft, the preview naming the
 * lead that would become an MQL, publishing, the lead found and marked SQL by sales, and
 * the overview's MQL → SQL and cost per MQL moving. Only the visitor's own browser batch
 * comes from outside the dashboard, as it would from the site.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { collectBatch as collect, createSite, customer, edge, launch, newPage, signIn, uid, until } from "./harness";

let browser: Awaited<ReturnType<typeof launch>>;
let site: string;
beforeAll(async () => {
  browser = await launch();
  site = await createSite({ name: "Loop Co" });
  // A VP at a 201–500 company who saw pricing from LinkedIn: fit 20, engagement 15, a lead short of MQL.
  const event = (type: string, extra: Record<string, unknown>) => ({ id: uid("e"), type, ts: Date.now(), url: `${customer}/pricing`, ...extra });
  await collect(site, [
    event("pageview", { props: { title: "Pricing", utm_source: "linkedin", utm_medium: "social" } }),
    event("identify", { traits: { email: "noor@example.com", name: "Noor Haddad", title: "VP Sales", companySize: "201-500" } }),
  ]);
});
afterAll(() => browser?.close());

const kpi = (page: Page, name: string) => page.textContent(`[data-kpi="${name}"] dd`);

/** Reloads `path` until `check` holds: the dashboard's figures follow the leads within moments. */
async function reloadUntil(page: Page, path: string, check: () => Promise<boolean>, what: string): Promise<void> {
  await until(async () => {
    await page.goto(`${edge}${path}`);
    return check();
  }, what);
}

describe("a marketer's loop, in the dashboard only", () => {
  it("changes a rule, previews and publishes it, sees the lead become an MQL, marks it SQL, and sees MQL → SQL and cost per MQL move", async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page);

    const overview = `/dashboard?site=${site}`;
    await page.goto(`${edge}${overview}`);
    expect(await kpi(page, "mqls")).toBe("0");
    expect(await kpi(page, "mql-to-sql")).toBe("–");
    expect(await kpi(page, "cost-per-mql")).toBe("–");

    // Spend: this month's LinkedIn budget.
    await page.click("nav.site-nav >> text=Spend");
    await page.fill("#add-currency", "USD");
    await page.fill("#add-month", new Date().toISOString().slice(0, 7));
    await page.fill("#add-source", "linkedin");
    await page.fill("#add-amount", "900");
    await Promise.all([page.waitForURL(/done=saved/), page.click("#add-spend button")]);
    expect(await page.textContent(".notice")).toBeTruthy();

    // The lead, found by name: a lead, not yet an MQL.
    await reloadUntil(page, `/dashboard/leads?site=${site}&q=noor`, async () => (await page.locator(".lead-results tbody tr").count()) === 1, "the lead in the search");
    expect(await page.innerText(".lead-results tbody tr")).toMatch(/Noor Haddad[\s\S]*lead\s+35/);

    // Rules: pricing visits count more; the preview names Noor as the lead who would become an MQL.
    await page.click("nav.site-nav >> text=Scoring rules");
    await Promise.all([page.waitForURL(/done=started/), page.click("text=Start a draft from the live rules")]);
    await Promise.all([page.waitForURL(/edit=pricing_visit/), page.click('[aria-label="Change rule pricing_visit"]')]);
    await page.fill("#points", "40");
    await Promise.all([page.waitForURL(/done=saved/), page.click("text=Save the rule in the draft")]);
    await Promise.all([page.waitForURL(/preview=1/), page.click("text=Preview the draft against every lead")]);
    const mover = await page.innerText("#preview [data-mover]");
    expect(mover).toContain("Noor Haddad · noor@example.com");
    expect(mover).toMatch(/lead\s*→\s*mql/);
    await page.fill("#publish-note", "Pricing visits from LinkedIn buyers are strong");
    await Promise.all([page.waitForURL(/done=published/), page.click("text=Publish as rules version 2")]);
    expect(await page.textContent(".notice")).toContain("The draft was published");

    // The lead is an MQL now; sales accept it.
    await reloadUntil(page, `/dashboard/leads?site=${site}&q=noor`, async () => /mql\s+50/.test(await page.innerText(".lead-results tbody tr")), "the lead an MQL");
    await Promise.all([page.waitForURL(/\/dashboard\/leads\/[0-9a-f]{64}\?/), page.click(".lead-results tbody tr a")]);
    await page.selectOption("#stage", "sql");
    await page.fill("#reason", "Discovery call booked");
    await Promise.all([page.waitForURL(/done=sql/), page.click("form.form button")]);
    expect(await page.textContent(".notice")).toBe("Marked SQL.");

    // The overview: one MQL, taken to SQL, and what it cost.
    await reloadUntil(page, overview, async () => (await kpi(page, "mql-to-sql")) === "100%", "MQL → SQL on the overview");
    expect(await kpi(page, "mqls")).toBe("1");
    expect(await kpi(page, "cost-per-mql")).toMatch(/^\$\d[\d,]*(\.\d\d)?$/);
    expect((await page.innerText("table.cost tbody")).toLowerCase()).toContain("linkedin");
    await page.close();
  });
});
