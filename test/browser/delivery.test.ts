/** Delivery (docs/sdk.md#delivery): batching, beacons, the persisted queue, retries, SPA navigation, in every engine. */
import { expect, it } from "vitest";
import { answersOf, arrived, chunkRan, collectsOf, createSite, eachEngine, eventsOf, eventsSent, open, pageUrl, serverFault, sleep, stageOf, timelineOf, until } from "./harness";

eachEngine((browser) => {
  it("SPA navigation: a path change is a page view, a query-only change or the same path is not", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "spa.html"));
    await eventsSent(sent, "pageview");
    await tab.click("#to-pricing");
    await tab.click("#utm-only");
    await tab.click("#same-path");
    await tab.back(); // to /pricing?utm_source=x: the same path
    await tab.back(); // to spa.html: a page view
    await tab.evaluate(() => edgescore.flush());
    await sleep(300);
    await tab.evaluate(() => edgescore.flush());
    const paths = eventsOf(sent, "pageview").map((e) => new URL(e.url).pathname);
    expect(paths).toEqual([`/${site}/spa.html`, "/pricing", `/${site}/spa.html`]);
    // The pricing page view scored on the server: once.
    await until(async () => (await stageOf(site, sent[0]!.body.vid)).score.engagement === 15, "pricing scored");
  });

  it("a beacon sent as the tab closes arrives", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    await eventsSent(sent, "pageview");
    const vid = sent[0]!.body.vid;
    await tab.evaluate(() => edgescore.track("demo_request"));
    await tab.close();
    await until(async () => (await stageOf(site, vid)).score.engagement === 25, "the beaconed demo request on the server");
  });

  it("the network down, then back: every event is delivered exactly once, on this page or the next", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    await until(() => answersOf(sent).length, "the first answer");
    serverFault(site, () => "down");
    await tab.evaluate(() => {
      edgescore.track("demo_request");
      edgescore.track("webinar_attended", { webinar: "w1" });
      return edgescore.flush();
    });
    // A failure while the page stays (not a request cut off by leaving): kept with a backoff.
    const [next, fails] = await tab.evaluate(() => JSON.parse(localStorage.getItem("es_q")!));
    expect(next).toBeGreaterThan(Date.now());
    expect(fails).toBeGreaterThanOrEqual(1);
    // A page loaded meanwhile finds the queue, and waits with it.
    await tab.goto(pageUrl(site, "basic.html"));
    serverFault(site);
    await tab.goto(pageUrl(site, "basic.html", "?back"));
    const vid = sent[0]!.body.vid;
    await until(async () => (await stageOf(site, vid)).score.engagement === 35, "queued events delivered");
    await tab.evaluate(() => edgescore.flush());
    // Every event the pages tried to send (attempts that failed included) is kept once, and nothing else.
    const ids = [...new Set(eventsOf(sent).map((e) => e.id))].sort();
    const kept = await until(async () => {
      const timeline = await timelineOf(site, answersOf(sent)[0]!.profile);
      return ids.every((id) => timeline.includes(id)) && timeline;
    }, "every event sent on the timeline");
    expect([...kept].sort()).toEqual(ids);
  });

  it("a form that moves on holds nothing back: the next page's view goes at once, a demo clicked there as the tab closes is scored", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "signup.html"));
    await until(() => answersOf(sent).length, "the first answer");
    await chunkRan(tab);
    // The form posts and the browser moves on: the form's request is cut off by the page
    // leaving, yet reaches the worker in every engine (docs/browsers.md#what-the-engines-do-alike).
    await tab.click("#send");
    await arrived(tab, "/thanks.html");
    await chunkRan(tab);
    const loaded = await tab.evaluate(() => performance.timeOrigin + performance.getEntriesByType("navigation")[0]!.toJSON().loadEventStart);
    // Nothing kept back for later.
    expect(await tab.evaluate(() => localStorage.getItem("es_q"))).toBeNull();
    await tab.click("#demo");
    await sleep(300);
    await tab.close();
    const vid = sent[0]!.body.vid;
    await until(async () => (await stageOf(site, vid)).score.engagement === 25, "the demo request scored");
    // The thank-you page's view reached the worker within a second of the page's load, not after a backoff.
    const thanks = sent.find((b) => b.body.events.some((e) => e.type === "pageview" && e.url.endsWith("/thanks.html")));
    expect(thanks!.at - loaded).toBeLessThan(1_000);
    // Sent once (the browser carried the cut-off request on), on the timeline once, beside the demo request.
    const forms = eventsOf(sent, "form");
    expect(forms).toHaveLength(1);
    const demo = eventsOf(sent, "track").find((e) => e.name === "demo_request")!;
    const timeline = await until(async () => {
      const t = await timelineOf(site, answersOf(sent)[0]!.profile);
      return t.includes(demo.id) && t;
    }, "the demo request on the timeline");
    expect(timeline.filter((id) => id === forms[0]!.id)).toHaveLength(1);
  });

  it("a 429 with Retry-After is honoured, then the batch is delivered", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    let refused = false;
    serverFault(site, () => {
      if (refused) return undefined;
      refused = true;
      return { status: 429, headers: { "Retry-After": "2" }, body: JSON.stringify({ error: { code: "rate_limited", message: "slow down" } }) };
    });
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    await until(() => sent.length >= 2, "a retry", 15_000);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1900);
    // Only a delivered batch's answer gives the page a stage (this browser has none cached).
    await until(() => tab.evaluate(() => edgescore.stage !== null), "an answer after the retry");
    expect(eventsOf(sent, "pageview").length).toBeGreaterThanOrEqual(1);
  });

  it("a server answering 500 is not retried in a storm, and gets everything once it recovers", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    let failing = true;
    serverFault(site, () => (failing ? { status: 500, body: "down" } : undefined));
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    // Ten seconds of outage while the page keeps producing events.
    for (let i = 0; i < 10; i++) {
      await tab.evaluate((n) => edgescore.track("tick", { n }), i);
      await sleep(1_000);
    }
    // Jittered exponential backoff: a handful of attempts, not one per event or per second.
    expect(sent.length).toBeLessThanOrEqual(6);
    failing = false;
    await until(async () => {
      await tab.evaluate(() => edgescore.flush());
      const delivered = eventsOf(sent.filter((b) => b.answer), "track");
      return new Set(delivered.map((e) => e.props.n)).size === 10 && (await tab.evaluate(() => edgescore.stage !== null));
    }, "delivery after the outage", 40_000);
  }, 60_000);

  it("a page with Referrer-Policy: no-referrer still delivers its beacons", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html", "?referrer-policy=no-referrer"));
    await eventsSent(sent, "pageview");
    const vid = sent[0]!.body.vid;
    await tab.evaluate(() => edgescore.track("demo_request"));
    await tab.close();
    await until(async () => (await stageOf(site, vid)).score.engagement === 25, "the beacon accepted");
  });
});
