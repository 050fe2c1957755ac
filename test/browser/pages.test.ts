/**
 * Every dashboard page, and the login form, checked by axe-core in Chromium at
 * laptop and phone widths: no serious or critical accessibility violation, and a
 * full-page screenshot of each under test-results/<page>-<width>.png.
 *
 * The pages' CSP allows no script, so axe is not added as a <script>: Playwright's
 * `evaluate` runs it through the DevTools protocol, which the page's CSP does not govern.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { collectBatch as collect, createSite, customer, edge, launch, newPage, signIn, uid, until } from "./harness";

const RESULTS = path.resolve(import.meta.dirname, "../../test-results");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const admin = { Authorization: `Bearer ${inject("adminToken")}` };

const WIDTHS = [{ width: 1280, height: 800 }, { width: 375, height: 812 }];

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** axe's serious and critical violations on the page as it is, each as "id (impact): help at targets". */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: Violation[] }> } }).axe.run;
    return (await run({ resultTypes: ["violations"] })).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}


let browser: Awaited<ReturnType<typeof launch>>;
let site: string;
let lead: string;
beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  browser = await launch();
  // A HubSpot connection nothing answers, so Settings shows a connection and the lead's page its CRM card with an error.
  site = await createSite({ name: "Accessibility", crm: { hubspot: { accessToken: "pat-na1-axe-0123456789", apiUrl: "http://127.0.0.1:9/hubspot" } } });
  // An MQL with a source and spend, so the overview's tables and charts are drawn, not their empty states.
  const event = (type: string, extra: Record<string, unknown>) => ({ id: uid("e"), type, ts: Date.now(), url: `${customer}/pricing`, ...extra });
  await collect(site, [
    event("pageview", { props: { title: "Pricing", utm_source: "linkedin" } }),
    event("track", { name: "demo_request", props: {} }),
    event("identify", { traits: { email: "ada@example.com", title: "VP Marketing", companySize: "201-500" } }),
  ]);
  const spend = await fetch(`${edge}/v1/sites/${site}/spend`, {
    method: "PUT",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ currency: "USD", entries: [{ month: new Date().toISOString().slice(0, 7), source: "linkedin", amount: 900 }] }),
  });
  if (!spend.ok) throw new Error(`spend answered ${spend.status}`);
  await until(async () => {
    const res = await fetch(`${edge}/v1/sites/${site}/metrics`, { headers: admin });
    return ((await res.json()) as { counts: { mqls: number } }).counts.mqls === 1;
  }, "the MQL in the metrics", 20_000);
  const found = await fetch(`${edge}/v1/sites/${site}/profiles/lookup`, {
    method: "POST", headers: { ...admin, "Content-Type": "application/json" }, body: JSON.stringify({ email: "ada@example.com" }),
  });
  lead = ((await found.json()) as { id: string }).id;
});
afterAll(() => browser?.close());

describe("every dashboard page, by axe-core", () => {
  it("the login form has no serious or critical violation", async () => {
    const page = await newPage(browser);
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      const res = await page.goto(`${edge}/dashboard`);
      expect(res?.status()).toBe(200);
      expect(await page.isVisible("#token")).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(RESULTS, `login-${size.width}.png`), fullPage: true });
    }
    await page.close();
  });

  it("no page the admin token opens has a serious or critical violation, at laptop or phone width", async () => {
    const page = await newPage(browser);
    await signIn(page);
    await page.goto(`${edge}/dashboard?site=${site}`);
    // The pages are the navigation's (the admin token sees every one), and a lead's page.
    const nav = await page.$$eval("nav.site-nav a", (links) => links.map((a) => [a.textContent!, a.getAttribute("href")!] as const));
    expect(nav.map(([name]) => name)).toEqual(["Overview", "Leads", "Scoring rules", "Spend", "Settings", "Install"]);
    const pages = [...nav, ["Lead", `/dashboard/leads/${lead}?site=${site}`] as const];
    const found: Record<string, string[]> = {};
    for (const [name, href] of pages) {
      const file = name.toLowerCase().replace(/\W+/g, "-");
      for (const size of WIDTHS) {
        await page.setViewportSize(size);
        const res = await page.goto(`${edge}${href}`);
        expect(res?.status(), `${name} answers`).toBe(200);
        found[`${file}-${size.width}`] = await seriousViolations(page);
        await page.screenshot({ path: path.join(RESULTS, `${file}-${size.width}.png`), fullPage: true });
      }
    }
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length))).toEqual({});
    await page.close();
    // Seven pages at two widths, each checked and photographed: past vitest's default 30 s on a busy machine.
  }, 120_000);
});
