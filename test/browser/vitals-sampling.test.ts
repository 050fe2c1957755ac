/**
 * Web Vitals sampling (docs/sdk.md#web-vitals-sampled): a page load outside the sample never
 * requests the web-vitals chunk and sends no vitals; one inside it loads the chunk and sends
 * them. The classic script's `data-vitals`, and the ES module's `init({ vitals })`.
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSite, customer, eventsOf, eventsSent, launch, newPage, pageUrl, recordCollects, until } from "./harness";

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

/** The ES module build, as global-setup built it, served on the customer's origin under /sdk/. */
const SDK = path.join(import.meta.dirname, "..", "..", "dist", "sdk");

/** Opens `fixture` for a new site; records its collects and the script files it asked for. */
async function open(fixture: string, query = "") {
  const site = await createSite();
  const page = await newPage(browser);
  const errors: Error[] = [];
  page.on("pageerror", (e) => errors.push(e));
  const scripts: string[] = [];
  page.on("request", (r) => r.resourceType() === "script" && scripts.push(new URL(r.url()).pathname));
  await page.route(`${customer}/sdk/**`, (route) =>
    route.fulfill({ path: path.join(SDK, new URL(route.request().url()).pathname.slice("/sdk/".length)), contentType: "text/javascript" }),
  );
  const sent = recordCollects(page, site);
  await page.goto(pageUrl(site, fixture, query));
  // The lazy chunk has run (it decides the sample), then a click (LCP is final on input), then a while.
  await page.waitForFunction(() => (window as any).edgescore?._b === 0);
  await page.click("h1");
  await page.waitForTimeout(500);
  return { page, sent, scripts, errors };
}

/** Hides the page as switching tabs does (headless Chromium hides none). */
const hide = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });

describe("Web Vitals sampling", () => {
  it('data-vitals="0": the web-vitals chunk is never requested, and no vitals are sent', async () => {
    const { page, sent, scripts, errors } = await open("no-vitals.html");
    await hide(page);
    // The hide's beacon left (with the engagement), and it carried no vitals.
    await eventsSent(sent, "engagement");
    expect(scripts.some((s) => s.endsWith("/es-captures.js"))).toBe(true);
    expect(scripts.filter((s) => s.endsWith("/es-vitals.js"))).toEqual([]);
    expect(eventsOf(sent, "vitals")).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('data-vitals="1": the web-vitals chunk loads, and the vitals are sent, each once', async () => {
    const { page, sent, scripts, errors } = await open("vitals.html");
    await hide(page);
    const vitals = await eventsSent(sent, "vitals", 3);
    const names = vitals.map((v) => v.props.name);
    for (const name of ["FCP", "TTFB", "LCP"]) expect(names).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    expect(scripts.filter((s) => s.endsWith("/es-vitals.js"))).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the ES module's init({ vitals }): 1 loads web-vitals' chunk and sends the vitals, 0 never requests it", async () => {
    const every = await open("module.html", "?vitals=1");
    await hide(every.page);
    const vitals = await eventsSent(every.sent, "vitals", 2);
    expect(vitals.map((v) => v.props.name)).toEqual(expect.arrayContaining(["FCP", "TTFB"]));
    const chunks = (scripts: string[]) => scripts.filter((s) => s.startsWith("/sdk/") && s !== "/sdk/index.js");
    const withVitals = chunks(every.scripts);
    expect(every.errors).toEqual([]);
    await every.page.close();

    const none = await open("module.html", "?vitals=0");
    await hide(none.page);
    await eventsSent(none.sent, "engagement");
    expect(eventsOf(none.sent, "vitals")).toEqual([]);
    // The sampled page load asked for one chunk more than this one: web-vitals'.
    const without = chunks(none.scripts);
    const extra = withVitals.filter((s) => !without.includes(s));
    expect(extra).toHaveLength(1);
    expect(extra[0]).toMatch(/^\/sdk\/vitals-[\w-]+\.js$/);
    expect(none.errors).toEqual([]);
    await none.page.close();
  });
});
