/**
 * The dashboard (docs/dashboard.md) in Chromium against the real
 * worker: seeded through the HTTP API, signed into through its form, its funnel
 * read off the page, and screenshots at laptop and phone widths saved to
 * test-results/ (the README shows the laptop one, copied to docs/dashboard.png).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { collectBatch as collect, createSite, customer, edge, launch, newPage, signIn, uid, until } from "./harness";

const admin = { Authorization: `Bearer ${inject("adminToken")}` };
const RESULTS = path.resolve(import.meta.dirname, "../../test-results");

const event = (type: string, extra: Record<string, unknown> = {}, page = "/pricing") =>
  ({ id: uid("e"), type, ts: Date.now(), url: `${customer}${page}`, ...extra });
const vital = (name: string, value: number, page: string) => event("vitals", { props: { name, value, rating: "good" } }, page);


/** A VP at a 201–500 company who views pricing and requests a demo (and does `more`): an MQL under the default model. */
const mql = (site: string, name: string, company: string, source: Record<string, string>, lcp: number, more: unknown[] = []) =>
  collect(site, [
    event("pageview", { props: { title: "Pricing", ...source } }),
    vital("LCP", lcp, "/pricing"),
    vital("INP", 140, "/pricing"),
    vital("CLS", 0.04, "/pricing"),
    event("track", { name: "demo_request", props: {} }),
    ...more,
    event("identify", { traits: { email: `${name.split(" ")[0]!.toLowerCase()}@example.com`, name, title: "VP Marketing", companySize: "201-500", company } }),
  ]);

/**
 * Seven browsers: four MQLs (one, who attended a webinar, taken to SQL by sales), a lead short of
 * engagement, two visitors. The MQLs' example.com is an MQA (engagement 170, fit 10); the lead's
 * initech.example an account.
 */
async function seed(site: string) {
  await mql(site, "Ada Lovelace", "Analytical Engines", { utm_source: "newsletter", utm_medium: "email", utm_campaign: "autumn" }, 1900);
  await mql(site, "Grace Hopper", "Compiler Works", { utm_source: "linkedin", utm_medium: "social", utm_campaign: "launch" }, 2400,
    [event("track", { name: "webinar_attended", props: { webinar: "autumn-launch" } })]);
  await mql(site, "Alan Turing", "Bletchley Analytics", { ref: "https://www.google.com/" }, 3100);
  await mql(site, "Katherine Johnson", "Orbital Maths", { utm_source: "newsletter", utm_medium: "email", utm_campaign: "autumn" }, 1600);
  await collect(site, [event("pageview", { props: { title: "Home" } }, "/"), event("identify", { traits: { email: "edsger@initech.example", title: "Engineer" } }, "/")]);
  for (const page of ["/", "/blog"]) await collect(site, [event("pageview", { props: { title: "Page" } }, page), vital("LCP", 1200, page)]);
  const feedback = await fetch(`${edge}/v1/sites/${site}/feedback`, {
    method: "POST",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ email: "grace@example.com", stage: "sql", reasonCode: "meeting_booked" }),
  });
  if (!feedback.ok) throw new Error(`feedback answered ${feedback.status}`);
}

const expected = { visitors: 7, leads: 5, mqls: 4, sqls: 1, opportunities: 0, customers: 0 };

let browser: Awaited<ReturnType<typeof launch>>;
let site: string;
beforeAll(async () => {
  browser = await launch();
  site = await createSite({ name: "Acme Analytics" });
  await seed(site);
  // Stage changes reach the metrics and the export from each profile's outbox on its alarm, activity after each answer.
  await until(async () => {
    const res = await fetch(`${edge}/v1/sites/${site}/metrics`, { headers: admin });
    const { counts } = (await res.json()) as { counts: Record<string, number> };
    const insights = (await (await fetch(`${edge}/v1/sites/${site}/insights`, { headers: admin })).json()) as { mqls: number; sqls: number };
    return Object.entries(expected).every(([stage, n]) => counts[stage] === n) && insights.mqls === 4 && insights.sqls === 1;
  }, "the seeded figures in the metrics and the export", 20_000);
  // Accounts hear of their members from each lead's outbox, and write their records from their own.
  await until(async () => {
    const res = await fetch(`${edge}/v1/sites/${site}/accounts`, { headers: admin });
    const { items } = (await res.json()) as { items: { stage: string }[] };
    return items.length === 2 && items.some((a) => a.stage === "mqa");
  }, "the seeded accounts", 20_000);
});
afterAll(() => browser?.close());

describe("dashboard", () => {
  it("signs in with the token once, shows the seeded funnel, and fits laptop and phone widths", async () => {
    mkdirSync(RESULTS, { recursive: true });
    const page = await newPage(browser);
    const violations: string[] = [];
    page.on("console", (m) => m.type() === "error" && violations.push(m.text()));
    await page.setViewportSize({ width: 1280, height: 900 });

    await signIn(page);
    // The admin token sees every site: pick the seeded one.
    await page.selectOption("select[name=site]", site);
    await page.selectOption("select[name=days]", "7");
    await Promise.all([page.waitForURL(/site=/), page.click("form.controls button")]);

    const funnel = Object.fromEntries(await Promise.all(Object.keys(expected).map(async (stage) =>
      [stage, Number((await page.textContent(`[data-stage="${stage}"] .value`))!.replace(/,/g, ""))])));
    expect(funnel).toEqual(expected);
    expect(await page.textContent('[data-kpi="mql-to-sql"] dd')).toBe("25%");
    expect(await page.locator("table.mqls tbody tr").count()).toBe(4);
    expect(await page.textContent("table.mqls")).toContain("demo_request +25");
    // Rule insights over every MQL: all four requested a demo, one reached SQL; only she attended the webinar.
    const insight = async (rule: string) => (await page.innerText(`table.insights [data-rule="${rule}"]`)).replace(/\s+/g, " ").trim();
    expect(await page.isVisible("section h2:text-is('Rule insights')")).toBe(true);
    expect(await insight("demo_request")).toBe("demo_request engagement +25 25% 1 of 4 MQLs – 0 of 0 MQLs – no MQLs on one side –");
    expect(await insight("webinar_attended")).toMatch(
      /^webinar_attended engagement \+10 100% 1 of 1 MQLs 0% 0 of 3 MQLs \+100 pp 95% CI \+\d+(\.\d)? pp to \+100 pp too few MQLs to tell –$/,
    );
    // Accounts, MQAs first: the MQLs' company, then the lone lead's.
    const accounts = page.locator("table.accounts tbody tr");
    expect(await accounts.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-account")))).toEqual(["domain:example.com", "domain:initech.example"]);
    expect(await accounts.nth(0).locator(".stage").textContent()).toBe("mqa");
    expect(await accounts.nth(0).locator('[data-label="Members"] strong').textContent()).toBe("4");
    expect(await accounts.nth(0).locator('[data-label="Score"] .sub').textContent()).toBe("fit 10 · eng. 170");
    expect(await accounts.nth(1).locator(".stage").textContent()).toBe("account");

    // The stylesheet loaded under the CSP, and nothing was refused.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe("rgb(244, 246, 249)");
    expect(violations).toEqual([]);
    // The session is an HttpOnly cookie on /dashboard, nothing in page storage.
    const [cookie] = (await browser.cookies(`${edge}/dashboard`)).filter((c) => c.name === "es_dashboard");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/dashboard" });
    expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual(["", 0, 0]);

    await page.screenshot({ path: path.join(RESULTS, "dashboard.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(width.page).toBeLessThanOrEqual(width.window);
    await page.screenshot({ path: path.join(RESULTS, "dashboard-phone.png"), fullPage: true });
    await page.close();
  });
});
