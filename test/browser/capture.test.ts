/** What the script captures (docs/sdk.md#what-it-captures), asserted on what reaches the worker and what it keeps, in every engine. */
import { expect, it } from "vitest";
import type { Engine } from "./engines";
import { arrived, chunkRan, collectsOf, createSite, eachEngine, errorsOf, eventsOf, eventsSent, hide, holdChunk, open, pageUrl, sleep, stageOf, until } from "./harness";

/** The distinct ids of events, in the order first sent. */
const idsOf = (events: Array<Record<string, any>>) => [...new Set(events.map((e) => e.id as string))];

/**
 * The Web Vitals each engine measures (docs/browsers.md#web-vitals): Firefox reports no layout
 * shifts (CLS); WebKitGTK neither largest-contentful-paint nor event timing (LCP, INP).
 */
const VITALS: Record<Engine, string[]> = {
  chromium: ["CLS", "FCP", "INP", "LCP", "TTFB"],
  firefox: ["FCP", "INP", "LCP", "TTFB"],
  webkit: ["FCP", "TTFB"],
};

eachEngine((browser, engine) => {
  it("a page view on load, with title, origin-only referrer and the session's utm tags, but no other query", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html", "?utm_source=news&utm_campaign=nov&token=secret&email=a%40b.c"));
    const [view] = await eventsSent(sent, "pageview");
    expect(view!.url).toBe(`${pageUrl(site, "basic.html")}?utm_source=news&utm_campaign=nov`);
    expect(view!.props).toMatchObject({ title: "Acme · Pricing", utm_source: "news", utm_campaign: "nov" });
    expect(JSON.stringify(sent.map((b) => b.body))).not.toMatch(/secret|a%40b|a@b/);
    expect(view!.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(typeof view!.ts).toBe("number");
    expect(await errorsOf(tab)).toEqual([]);
  });

  it("downloads by extension (any case), by download attribute, middle clicks too, on links followed too; not other links", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    // Captured by the lazy chunk itself, not held for it (the tests below hold it back).
    await chunkRan(tab);
    // New tabs: this page stays. WebKitWebDriver can make neither click (docs/browsers.md#what-each-driver-cannot-do).
    if (engine !== "webkit") {
      await tab.click("#guide", { button: "middle" });
      await tab.click("#image", { ctrl: true });
    }
    // The download attribute keeps the page; the image, then the PDF, are followed in this tab.
    await tab.click("#sheet");
    await tab.click("#image");
    await arrived(tab, "/files/photo.png");
    await tab.back();
    await chunkRan(tab);
    await tab.click("#guide");
    await arrived(tab, "/files/Guide.PDF");
    const guides = engine === "webkit" ? 1 : 2;
    const downloads = await eventsSent(sent, "download", guides + 1);
    const hrefs = downloads.map((d) => d.props.href as string);
    expect(hrefs.filter((h) => h.endsWith("/files/Guide.PDF"))).toHaveLength(guides);
    expect(hrefs.filter((h) => h.endsWith("/files/sheet"))).toHaveLength(1);
    expect(hrefs.join()).not.toContain("photo.png");
    expect(hrefs.join()).not.toContain("es_t");
  });

  it("a download clicked before the lazy chunk has come is sent once it comes, once", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const chunk = holdChunk();
    try {
      const tab = await open(browser(), pageUrl(site, "basic.html"));
      await eventsSent(sent, "pageview");
      await tab.click("#sheet");
      // Held for the lazy chunk, which has not run.
      expect(await tab.evaluate(() => Array.isArray((window as any).edgescore._b))).toBe(true);
      chunk.release();
      const [download] = await eventsSent(sent, "download");
      expect(download!.props.href).toMatch(/\/files\/sheet$/);
      await tab.evaluate(() => edgescore.flush());
      await sleep(300);
      // One event: a request that failed on a loaded machine is sent again with the same id (the server dedupes).
      expect(idsOf(eventsOf(sent, "download"))).toEqual([download!.id]);
    } finally {
      chunk.release();
    }
  });

  it("a download clicked on a page left before its lazy chunk came is sent by the next page's, once", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const chunk = holdChunk();
    try {
      const first = pageUrl(site, "basic.html");
      const tab = await open(browser(), first);
      await eventsSent(sent, "pageview");
      // The PDF opens in this tab: the page is left, its chunk never came.
      await tab.click("#guide");
      await arrived(tab, "/files/Guide.PDF");
      expect(eventsOf(sent, "download")).toHaveLength(0);
      chunk.release();
      const left = Date.now();
      await tab.goto(`${first}?next`);
      const [download] = await eventsSent(sent, "download");
      expect(download!.url).toBe(first);
      expect(download!.props).toEqual({ href: expect.stringMatching(/\/files\/Guide\.PDF$/), text: "Guide" });
      expect(download!.ts).toBeLessThanOrEqual(left);
      await tab.evaluate(() => edgescore.flush());
      await sleep(300);
      expect(idsOf(eventsOf(sent, "download"))).toEqual([download!.id]);
      expect(await tab.evaluate(() => localStorage.getItem("es_h"))).toBeNull();
    } finally {
      chunk.release();
    }
  });

  it("a tagged link clicked on a page left before its lazy chunk came is tracked by the next page's, once", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const chunk = holdChunk();
    try {
      const first = pageUrl(site, "basic.html");
      const tab = await open(browser(), first);
      await eventsSent(sent, "pageview");
      await tab.click("#tagged-link");
      await arrived(tab, "/contact");
      chunk.release();
      const left = Date.now();
      await tab.goto(`${first}?next`);
      const [tag] = await eventsSent(sent, "track");
      expect(tag).toMatchObject({ name: "contact_cta", url: first });
      expect(tag!.ts).toBeLessThanOrEqual(left);
      await tab.evaluate(() => edgescore.flush());
      await sleep(300);
      expect(idsOf(eventsOf(sent, "track"))).toEqual([tag!.id]);
      // A plain link was no download: the same click replayed sent nothing else.
      expect(eventsOf(sent, "download")).toHaveLength(0);
    } finally {
      chunk.release();
    }
  });

  it("forms: only allow-listed fields, as typed; never passwords, card or identity numbers, hidden, file or ignored inputs", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "form.html"));
    await tab.type("#em", "Ada@Acme.com");
    await tab.type("#password", "hunter2-password");
    await tab.click("#contact button");
    await tab.click("#private-submit");
    await tab.evaluate(() => edgescore.flush());
    const [form] = await eventsSent(sent, "form");
    expect(eventsOf(sent, "form")).toHaveLength(1);
    expect(form!.props.form).toBe("contact");
    expect(form!.props.fields).toEqual({
      email: "ada@acme.com", firstName: "Ada", company: "Acme", title: "VP Marketing", companySize: "201-500",
    });
    const everything = JSON.stringify(sent.map((b) => b.body));
    for (const secret of ["hunter2", "4242424242424242", "123\"", "DE89", "078-05", "hidden-value", "ignored-industry", "private@acme.com"]) {
      expect(everything).not.toContain(secret);
    }
    // The form identified the visitor: VP at a 201-500 company is 20 fit points.
    await until(async () => (await stageOf(site, sent[0]!.body.vid)).score.fit === 20, "fit from the form");
    expect((await stageOf(site, sent[0]!.body.vid)).stage).toBe("lead");
  });

  it("track, identify and data-es-event tagging", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    await tab.click("#tagged");
    await tab.evaluate(() => {
      edgescore.track("webinar_attended", { webinar: "w1" });
      edgescore.identify({ email: "Grace@Navy.mil", title: "Director" });
      return edgescore.flush();
    });
    const tracks = await eventsSent(sent, "track", 2);
    expect(tracks.map((t) => t.name).sort()).toEqual(["demo_request", "webinar_attended"]);
    expect(tracks.find((t) => t.name === "webinar_attended")!.props).toEqual({ webinar: "w1" });
    const [identify] = await eventsSent(sent, "identify");
    expect(identify!.traits).toMatchObject({ title: "Director" });
    const state = await until(async () => {
      const s = await stageOf(site, sent[0]!.body.vid);
      return s.score.engagement === 35 && s;
    }, "scores on the server");
    expect(state).toMatchObject({ stage: "lead", score: { fit: 10, engagement: 35 } });
  });

  it("engagement (visible time, scroll depth) when the page is hidden", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    await tab.evaluate(() => window.scrollBy(0, 1500));
    await sleep(300);
    await hide(tab);
    const [engagement] = await eventsSent(sent, "engagement");
    expect(engagement!.props.visibleMs).toBeGreaterThan(0);
    expect(engagement!.props.scrollPct).toBeGreaterThan(0);
    expect(engagement!.props.scrollPct).toBeLessThanOrEqual(100);
  });

  it("HubSpot embedded forms, through the events they publish", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "hubspot.html"));
    // HubSpot's forms come after the page's load, the lazy chunk's captures with it.
    await chunkRan(tab);
    await tab.click("#hs-new");
    await tab.click("#hs-legacy");
    await tab.evaluate(() => edgescore.flush());
    const forms = await eventsSent(sent, "form", 2);
    expect(forms.map((f) => f.props.form).sort()).toEqual(["f-legacy", "f-new"]);
  });

  it("Web Vitals, each the engine measures sent once, from the lazily loaded chunk, with the engagement in one beacon as the page is hidden", async () => {
    const site = await createSite();
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "vitals.html"));
    await chunkRan(tab);
    await tab.click("h1");
    await sleep(500);
    // Vitals wait for the page's hide.
    await hide(tab);
    await eventsSent(sent, "engagement");
    await sleep(300);
    const names = eventsOf(sent, "vitals").map((v) => v.props.name as string);
    expect(names.sort()).toEqual(VITALS[engine]);
    for (const v of eventsOf(sent, "vitals")) expect(["good", "needs-improvement", "poor"]).toContain(v.props.rating);
    // What the hide queues (the engagement, and CLS and INP, final only then) leaves in one beacon: a no-cors request.
    const hiding = sent.filter((b) => b.body.events.some((e) => e.type === "engagement"));
    expect(hiding.map((b) => b.mode)).toEqual(["no-cors"]);
    const finalAtHide = VITALS[engine].filter((name) => name === "CLS" || name === "INP");
    expect(eventsOf(hiding, "vitals").map((v) => v.props.name)).toEqual(expect.arrayContaining(finalAtHide));
  });

  it("automation is flagged, and a default site records it without scoring it", async () => {
    const site = await createSite({ allowBots: false });
    const sent = collectsOf(site);
    const tab = await open(browser(), pageUrl(site, "basic.html"));
    await tab.click("#tagged");
    await tab.evaluate(() => edgescore.flush());
    await eventsSent(sent, "track");
    expect(eventsOf(sent).every((e) => e.bot === true)).toBe(true);
    const state = await stageOf(site, sent[0]!.body.vid);
    expect(state.score.total).toBe(0);
  });
});
