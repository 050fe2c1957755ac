/**
 * Marketing spend in Chromium, through the pages only: spend entered on the spend
 * page (a refused amount shown beside its field first) becomes the overview's cost
 * per MQL for the MQL's first-touch source.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { collectBatch as collect, createSite, customer, edge, launch, newPage, signIn, uid, until } from "./harness";

const admin = { Authorization: `Bearer ${inject("adminToken")}` };


const event = (type: string, extra: Record<string, unknown>) => ({ id: uid("e"), type, ts: Date.now(), url: `${customer}/pricing`, ...extra });

/** The UTC month `back` months before this one, and its number of days. */
function month(back: number): { name: string; days: number } {
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 1);
  return { name: new Date(start).toISOString().slice(0, 7), days: (end - start) / 86_400_000 };
}

let browser: Awaited<ReturnType<typeof launch>>;
let site: string;
beforeAll(async () => {
  browser = await launch();
  site = await createSite({ name: "Spend test" });
  // A VP at a 201–500 company from LinkedIn who views pricing and requests a demo: an MQL.
  await collect(site, [
    event("pageview", { props: { title: "Pricing", utm_source: "linkedin", utm_medium: "social", utm_campaign: "launch" } }),
    event("track", { name: "demo_request", props: {} }),
    event("identify", { traits: { email: "grace@example.com", title: "VP Marketing", companySize: "201-500" } }),
  ]);
  await until(async () => {
    const res = await fetch(`${edge}/v1/sites/${site}/metrics`, { headers: admin });
    return ((await res.json()) as { counts: { mqls: number } }).counts.mqls === 1;
  }, "the MQL in the metrics", 20_000);
});
afterAll(() => browser?.close());

describe("spend", () => {
  it("entered on the spend page, shows as the overview's cost per MQL", async () => {
    const page = await newPage(browser);
    await signIn(page);
    await page.goto(`${edge}/dashboard/spend?site=${site}`);

    // A refused amount: the page again, its error beside the field, what was typed kept.
    await page.fill("#add-currency", "USD");
    await page.fill("#add-month", month(0).name);
    await page.fill("#add-source", "LinkedIn");
    await page.click("#add-spend button");
    expect(await page.textContent("#add-amount-error")).toBe("must be a number");
    expect(await page.getAttribute("#add-amount", "aria-invalid")).toBe("true");
    expect(await page.inputValue("#add-source")).toBe("LinkedIn");

    // $20 a day over this month and the two before: any 30 days up to now cost $600, whatever today's date.
    for (const back of [0, 1, 2]) {
      const { name, days } = month(back);
      if (await page.isVisible("#add-currency")) await page.fill("#add-currency", "USD");
      await page.fill("#add-month", name);
      await page.fill("#add-source", "LinkedIn");
      await page.fill("#add-amount", String(20 * days));
      await Promise.all([page.waitForURL(/done=saved/), page.click("#add-spend button")]);
      expect(await page.textContent(".notice")).toBe("Spend saved.");
    }
    expect(await page.locator("table.spend tbody tr").count()).toBe(3);

    await page.goto(`${edge}/dashboard?site=${site}&days=30`);
    expect(await page.textContent('[data-kpi="cost-per-mql"] dd')).toBe("$600");
    const row = (await page.innerText("table.cost tbody tr")).replace(/\s+/g, " ").trim();
    expect(row).toBe("linkedin $600 1 $600");
    await page.close();
  });
});
