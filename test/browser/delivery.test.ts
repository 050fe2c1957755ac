/** Delivery (docs/sdk.md#delivery): batching, beacons, the persisted queue, retries, SPA navigation. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSite, customer, edge, eventsOf, eventsSent, launch, newPage, pageUrl, recordAnswers, recordCollects, stageOf, timelineOf, until } from "./harness";

let browser: Awaited<ReturnType<typeof launch>>;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

describe("delivery", () => {
  it("SPA navigation: a path change is a page view, a query-only change or the same path is not", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "spa.html"));
    await eventsSent(sent, "pageview");
    await page.click("#to-pricing");
    await page.click("#utm-only");
    await page.click("#same-path");
    await page.goBack(); // to /pricing?utm_source=x: the same path
    await page.goBack(); // to spa.html: a page view
    await page.evaluate(() => edgescore.flush());
    await page.waitForTimeout(300);
    await page.evaluate(() => edgescore.flush());
    const paths = eventsOf(sent, "pageview").map((e) => new URL(e.url).pathname);
    expect(paths).toEqual([`/${site}/spa.html`, "/pricing", `/${site}/spa.html`]);
    // The pricing page view scored on the server: once.
    await until(async () => (await stageOf(site, sent[0]!.body.vid)).score.engagement === 15, "pricing scored");
    await page.close();
  });

  it("a beacon sent as the tab closes arrives", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "basic.html"));
    await eventsSent(sent, "pageview");
    const vid = sent[0]!.body.vid;
    await page.evaluate(() => edgescore.track("demo_request"));
    await page.close({ runBeforeUnload: true });
    await until(async () => (await stageOf(site, vid)).score.engagement === 25, "the beaconed demo request on the server");
  });

  it("offline, then online: every event is delivered exactly once, on this page or the next", async () => {
    const site = await createSite();
    const context = await launch();
    try {
      const page = await newPage(context);
      const sent = recordCollects(page, site);
      const answers = recordAnswers(page);
      await page.goto(pageUrl(site, "basic.html"));
      await until(() => answers.length, "the first answer");
      await context.setOffline(true);
      await page.evaluate(() => {
        edgescore.track("demo_request");
        edgescore.track("webinar_attended", { webinar: "w1" });
        return edgescore.flush();
      });
      // A failure while the page stays (not a request cut off by leaving): kept with a backoff.
      const [next, fails] = await page.evaluate(() => JSON.parse(localStorage.getItem("es_q")!));
      expect(next).toBeGreaterThan(Date.now());
      expect(fails).toBeGreaterThanOrEqual(1);
      await page.reload().catch(() => {}); // offline: the reload fails, the queue is in storage
      await context.setOffline(false);
      await page.goto(pageUrl(site, "basic.html"));
      const vid = sent[0]!.body.vid;
      await until(async () => (await stageOf(site, vid)).score.engagement === 35, "queued events delivered");
      await page.evaluate(() => edgescore.flush());
      // Every event the pages tried to send (offline attempts included) is kept once, and
      // nothing else. Asked of the worker: the answers of a page being left may never be read.
      const ids = [...new Set(eventsOf(sent).map((e) => e.id))].sort();
      const kept = await until(async () => {
        const timeline = await timelineOf(site, answers[0]!.profile);
        return ids.every((id) => timeline.includes(id)) && timeline;
      }, "every event sent on the timeline");
      expect([...kept].sort()).toEqual(ids);
    } finally {
      await context.close();
    }
  });

  it("a form that moves on holds nothing back: the next page's view goes at once, a demo clicked there as the tab closes is scored", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    // When each collect request was answered (the request itself is the key).
    const answered = new Map<object, number>();
    page.context().on("requestfinished", (r) => answered.set(r, Date.now()));
    const answers = recordAnswers(page);
    await page.goto(pageUrl(site, "signup.html"));
    await until(() => answers.length && page.evaluate(() => (window as any).edgescore._b === 0), "the first answer and the lazy chunk");
    // The form posts and the browser moves on: Chromium rejects the form's request as the
    // page unloads, yet carries it on to the worker.
    await Promise.all([page.waitForURL("**/thanks.html"), page.click("#send")]);
    await until(() => page.evaluate(() => (window as any).edgescore._b === 0), "the thank-you page's lazy chunk");
    const loaded = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByType("navigation")[0]!.toJSON().loadEventStart);
    // Nothing kept back for later.
    expect(await page.evaluate(() => localStorage.getItem("es_q"))).toBeNull();
    await page.click("#demo");
    await page.waitForTimeout(300);
    await page.close({ runBeforeUnload: true });
    const vid = sent[0]!.body.vid;
    await until(async () => (await stageOf(site, vid)).score.engagement === 25, "the demo request scored");
    // The thank-you page's view reached the worker within a second of the page's load, not after a backoff.
    const thanks = sent.find((b) => b.body.events.some((e) => e.type === "pageview" && e.url.endsWith("/thanks.html")));
    expect(answered.get(thanks!.request)! - loaded).toBeLessThan(1_000);
    // Sent once (the browser carried the cut-off request on), on the timeline once, beside the demo request.
    const forms = eventsOf(sent, "form");
    expect(forms).toHaveLength(1);
    const demo = eventsOf(sent, "track").find((e) => e.name === "demo_request")!;
    const timeline = await until(async () => {
      const t = await timelineOf(site, answers[0]!.profile);
      return t.includes(demo.id) && t;
    }, "the demo request on the timeline");
    expect(timeline.filter((id) => id === forms[0]!.id)).toHaveLength(1);
  });

  it("a 429 with Retry-After is honoured, then the batch is delivered", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const times: number[] = [];
    let refused = false;
    await page.route(`${edge}/v1/collect`, async (route) => {
      times.push(Date.now());
      if (!refused) {
        refused = true;
        return route.fulfill({
          status: 429,
          headers: { "Retry-After": "2", "Access-Control-Allow-Origin": customer, "Access-Control-Expose-Headers": "Retry-After" },
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "rate_limited", message: "slow down" } }),
        });
      }
      return route.continue();
    });
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "basic.html"));
    await until(() => times.length >= 2, "a retry", 15_000);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1900);
    // Only a delivered batch's answer gives the page a stage (this browser has none cached).
    await until(() => page.evaluate(() => edgescore.stage !== null), "an answer after the retry");
    expect(eventsOf(sent, "pageview").length).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it("a server answering 500 is not retried in a storm, and gets everything once it recovers", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    let failing = true;
    let requests = 0;
    await page.route(`${edge}/v1/collect`, async (route) => {
      requests++;
      if (failing) return route.fulfill({ status: 500, headers: { "Access-Control-Allow-Origin": customer }, body: "down" });
      return route.continue();
    });
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "basic.html"));
    // Ten seconds of outage while the page keeps producing events.
    for (let i = 0; i < 10; i++) {
      await page.evaluate((n) => edgescore.track("tick", { n }), i);
      await page.waitForTimeout(1_000);
    }
    // Jittered exponential backoff: a handful of attempts, not one per event or per second.
    expect(requests).toBeLessThanOrEqual(6);
    failing = false;
    await until(async () => {
      await page.evaluate(() => edgescore.flush());
      return eventsOf(sent, "track").length >= 10 && (await page.evaluate(() => edgescore.stage !== null));
    }, "delivery after the outage", 40_000);
    await page.close();
  });

  it("a page with Referrer-Policy: no-referrer still delivers its beacons", async () => {
    const site = await createSite();
    const page = await newPage(browser);
    const sent = recordCollects(page, site);
    await page.goto(pageUrl(site, "basic.html", "?referrer-policy=no-referrer"));
    await eventsSent(sent, "pageview");
    const vid = sent[0]!.body.vid;
    await page.evaluate(() => edgescore.track("demo_request"));
    await page.close({ runBeforeUnload: true });
    await until(async () => (await stageOf(site, vid)).score.engagement === 25, "the beacon accepted");
  });
});
