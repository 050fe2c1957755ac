/** Script tag options (docs/sdk.md#options): data-auto, data-downloads, data-gpc, data-cookie-domain, in every engine. */
import { expect, it } from "vitest";
import { chunkRan, collectsOf, createSite, eachEngine, eventsOf, eventsSent, open, pageUrl } from "./harness";

eachEngine((browser) => {
  it("data-auto and data-downloads choose the captures; data-gpc=ignore sends despite GPC; a second tag starts nothing", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "options.html", "?gpc=1"));
    await chunkRan(tab);
    // The page cancels the links' navigation (options.html): it stays.
    await tab.click("#pdf");
    await tab.click("#fig");
    await tab.click("#contact button");
    await tab.evaluate(() => edgescore.flush());
    const [download] = await eventsSent(sent, "download");
    expect(download!.props.href).toMatch(/board\.FIG$/);
    expect(eventsOf(sent, "download")).toHaveLength(1);
    expect(eventsOf(sent, "form")).toHaveLength(0);
    expect(eventsOf(sent, "pageview")).toHaveLength(1);
  });

  it("data-cookie-domain keeps the visitor id in a first-party cookie, and reads it back first", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "cookie.html"));
    await eventsSent(sent, "pageview");
    const vid = sent[0]!.body.vid;
    expect(await tab.evaluate(() => /(?:^|; )es_v=([^;]*)/.exec(document.cookie)?.[1])).toBe(vid);
    // Another subdomain's storage is empty; the cookie carries the id there.
    await tab.evaluate(() => localStorage.clear());
    await tab.goto(pageUrl(site, "cookie.html"));
    await eventsSent(sent, "pageview", 2);
    expect(sent.at(-1)!.body.vid).toBe(vid);
  });
});
