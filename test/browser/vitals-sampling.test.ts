/**
 * Web Vitals sampling (docs/sdk.md#web-vitals-sampled), in every engine: a page load outside
 * the sample never requests the web-vitals chunk and sends no vitals; one inside it loads
 * the chunk and sends them. The classic script's `data-vitals`, and the ES module's
 * `init({ vitals })`. Each engine measures what it can (docs/browsers.md): FCP and TTFB
 * everywhere.
 */
import { expect, it } from "vitest";
import type { Tab } from "./engines";
import { chunkRan, collectsOf, createSite, eachEngine, errorsOf, eventsOf, eventsSent, hide, open, pageUrl, sleep } from "./harness";

/** The script files the tab's page asked for, by path. */
const scriptsOf = (tab: Tab) =>
  tab.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.endsWith(".js")));

eachEngine((browser) => {
  /** Opens `fixture` for a new site, once its lazy chunk ran (it decides the sample), then a click and a while. */
  async function load(fixture: string, query = "") {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, fixture, query));
    await chunkRan(tab);
    await tab.click("h1");
    await sleep(500);
    return { tab, sent };
  }

  it('data-vitals="0": the web-vitals chunk is never requested, and no vitals are sent', async () => {
    const { tab, sent } = await load("no-vitals.html");
    await hide(tab);
    // The hide's beacon left (with the engagement), and it carried no vitals.
    await eventsSent(sent, "engagement");
    const scripts = await scriptsOf(tab);
    expect(scripts.some((s) => s.endsWith("/es-captures.js"))).toBe(true);
    expect(scripts.filter((s) => s.endsWith("/es-vitals.js"))).toEqual([]);
    expect(eventsOf(sent, "vitals")).toEqual([]);
    expect(await errorsOf(tab)).toEqual([]);
  });

  it('data-vitals="1": the web-vitals chunk loads, and the vitals are sent, each once', async () => {
    const { tab, sent } = await load("vitals.html");
    const scripts = await scriptsOf(tab);
    await hide(tab);
    const vitals = await eventsSent(sent, "vitals", 2);
    await sleep(300);
    const names = eventsOf(sent, "vitals").map((v) => v.props.name);
    for (const name of ["FCP", "TTFB"]) expect(names).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    expect(vitals.length).toBeGreaterThanOrEqual(2);
    expect(scripts.filter((s) => s.endsWith("/es-vitals.js"))).toHaveLength(1);
    expect(await errorsOf(tab)).toEqual([]);
  });

  it("the ES module's init({ vitals }): 1 loads web-vitals' chunk and sends the vitals, 0 never requests it", async () => {
    const chunks = (scripts: string[]) => scripts.filter((s) => s.startsWith("/sdk/") && s !== "/sdk/index.js");
    const every = await load("module.html", "?vitals=1");
    const withVitals = chunks(await scriptsOf(every.tab));
    await hide(every.tab);
    const vitals = await eventsSent(every.sent, "vitals", 2);
    expect(vitals.map((v) => v.props.name)).toEqual(expect.arrayContaining(["FCP", "TTFB"]));
    expect(await errorsOf(every.tab)).toEqual([]);
    await every.tab.close();

    const none = await load("module.html", "?vitals=0");
    const without = chunks(await scriptsOf(none.tab));
    await hide(none.tab);
    await eventsSent(none.sent, "engagement");
    expect(eventsOf(none.sent, "vitals")).toEqual([]);
    // The sampled page load asked for one chunk more than this one: web-vitals'.
    const extra = withVitals.filter((s) => !without.includes(s));
    expect(extra).toHaveLength(1);
    expect(extra[0]).toMatch(/^\/sdk\/vitals-[\w-]+\.js$/);
    expect(await errorsOf(none.tab)).toEqual([]);
  });
});
